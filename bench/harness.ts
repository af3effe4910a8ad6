/** Shared benchmark plumbing: the result lines of bench-spec.md, and (from timing.mjs) timing with a budget and medians. */
import { getBackend } from '../packages/core/src/index';

/** The kernel backend and thread count in effect, for every result's params (TAPEGRAD_BACKEND selects it). */
export function backendParams(): { backend: string; threads: number } {
  const b = getBackend();
  return { backend: b.name, threads: b.threads };
}

export interface BenchResult {
  peer: 'tapegrad';
  workload: string;
  params: Record<string, string | number>;
  metric: string;
  value: number;
  unit: string;
}

export function round6(x: number): number {
  return Number(x.toPrecision(6));
}

export { median, time, type TimeOptions } from './timing.mjs';

export function result(workload: string, params: BenchResult['params'], metric: string, value: number, unit: string): BenchResult {
  return { peer: 'tapegrad', workload, params, metric, value: round6(value), unit };
}

/** Prints each result as one JSON line (what `npm run bench` collects). */
export function emit(results: readonly BenchResult[]): void {
  for (const r of results) console.log(JSON.stringify(r));
}
