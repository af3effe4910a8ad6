/**
 * W5 of bench-spec.md: 500 W2 steps in a fresh process and nothing else, with no dispose calls
 * (tensors are garbage-collected). RSS at the start, at step 100 and at step 500; growth from 100 to
 * 500 (≈ 0 means no leak); peak RSS from process.resourceUsage().
 */
import { makeW2Step } from './w2_mlp';
import { emit, result, type BenchResult, backendParams } from './harness';
import { memoryRun } from './timing.mjs';

export function run(): BenchResult[] {
  const { rssStart, rss100, rss500, peak, seconds } = memoryRun(makeW2Step);
  const params = { steps: 500, dtype: 'float32', ...backendParams() };
  return [
    result('W5', params, 'rss_start_mb', rssStart, 'MiB'),
    result('W5', { ...params, step: 100 }, 'rss_mb', rss100, 'MiB'),
    result('W5', { ...params, step: 500 }, 'rss_mb', rss500, 'MiB'),
    result('W5', params, 'rss_growth_mb', rss500 - rss100, 'MiB'),
    result('W5', params, 'peak_rss_mb', peak, 'MiB'),
    result('W5', params, 'steps_per_s', 500 / seconds, 'steps/s'),
  ];
}

emit(run());
