/**
 * W4 of bench-spec.md — per-op overhead on tiny tensors: a chain of 1000 elementwise ops on an
 * 8-element float32 tensor ([x·(−0.99), x + 0.1, tanh(x)][i % 3]), L = sum(x), backward, and
 * dL/dx0 read back. Also the same chain without gradient tracking.
 */
import { uniform } from './data.mjs';
import { tensor, tanh, noGrad, type Tensor } from '../packages/core/src/index';
import { emit, median, result, time, type BenchResult, backendParams } from './harness';
import { W4_TIMING as opts } from './timing.mjs';

const CHAIN = 1000;

function chain(x0: Tensor): Tensor {
  let x = x0;
  for (let i = 0; i < CHAIN; i++) {
    const k = i % 3;
    x = k === 0 ? x.mul(-0.99) : k === 1 ? x.add(0.1) : tanh(x);
  }
  return x;
}

export function run(): BenchResult[] {
  const x0 = tensor(uniform(5, 8, -1, 1), { requiresGrad: true });
  let grad0 = NaN;
  const rep = () => {
    x0.grad = null;
    const L = chain(x0).sum();
    L.backward();
    grad0 = x0.grad!.data[0]!;
  };
  const times = time(rep, opts);
  const s = median(times) / 1e3;
  const fwd = time(() => noGrad(() => chain(x0)).data[0], opts);
  const sf = median(fwd) / 1e3;
  const params = { n: 8, chain: CHAIN, reps: times.length, dtype: 'float32', ...backendParams() };
  return [
    result('W4', params, 'ops_per_s', CHAIN / s, 'ops/s'),
    result('W4', params, 'us_per_op', (s / CHAIN) * 1e6, 'us'),
    result('W4', { ...params, reps: fwd.length }, 'fwd_only_ops_per_s', CHAIN / sf, 'ops/s'),
    result('W4', params, 'check_grad0', grad0, ''),
  ];
}

emit(run());
