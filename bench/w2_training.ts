/** W2 of bench-spec.md: the MLP training step (see w2_mlp.ts); step 1's loss, 9 warm-ups, 50 timed steps. */
import { makeW2Step, BATCH } from './w2_mlp';
import { emit, median, result, type BenchResult, backendParams } from './harness';
import { trainingSteps } from './timing.mjs';

export function run(): BenchResult[] {
  const { losses, times } = trainingSteps(makeW2Step());
  const sps = 1000 / median(times);
  const params = { batch: BATCH, layers: '784-256-128-10', reps: times.length, dtype: 'float32', ...backendParams() };
  return [
    result('W2', params, 'steps_per_s', sps, 'steps/s'),
    result('W2', params, 'samples_per_s', sps * BATCH, 'samples/s'),
    result('W2', params, 'check_loss_first', losses[0]!, ''),
    // The loss computed by step 60.
    result('W2', params, 'check_loss_last', losses[59]!, ''),
  ];
}

emit(run());
