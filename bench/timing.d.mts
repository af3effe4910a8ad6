/** Types for timing.mjs: the timing and memory protocols of bench-spec.md. */
export interface TimeOptions {
  warmups: number;
  minReps: number;
  maxReps: number;
  budgetMs: number;
}
export function median(xs: readonly number[]): number;
export function time(call: () => unknown, o: TimeOptions): number[];
export const W1_TIMING: TimeOptions;
export const W4_TIMING: TimeOptions;
export function trainingSteps(step: () => number): { losses: number[]; times: number[] };
export function courseSteps(step: () => number): { losses: number[]; times: number[] };
export function memoryRun(makeStep: () => () => number): { rssStart: number; rss100: number; rss500: number; peak: number; seconds: number };
