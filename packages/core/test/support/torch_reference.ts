/**
 * What the PyTorch reference tests of core, nn and optim share (test/ops/torch_reference.test.ts and the
 * packages' test/torch_reference.test.ts): their input streams, regenerated bit for bit from the counter-based
 * mulberry32 of bench-spec.md as the generators make them (packages/core/scripts/torch_streams.py), the
 * fixtures' sampling of long arrays, and the comparison.
 */
import { expect } from 'vitest';
import type { DType } from '../../src/index';
import { mulberry32 } from './mulberry32';

/** Values 0..n−1 of stream `seed`: fround(lo + (hi − lo)·u), then fround(x ± away) away from 0 when away > 0. */
export function streamValues(seed: number, n: number, lo: number, hi: number, away = 0): number[] {
  const next = mulberry32(seed);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = Math.fround(lo + (hi - lo) * (next() / 4294967296));
    out.push(away > 0 ? Math.fround(x + (x < 0 ? -away : away)) : x);
  }
  return out;
}

/** Every step-th element, step = ⌊length / samples⌋ for arrays over 512 elements (the generators' sampling). */
export function sampled(values: ArrayLike<number>, samples = 256): number[] {
  const step = values.length <= 512 ? 1 : Math.floor(values.length / samples);
  const out: number[] = [];
  for (let i = 0; i < values.length; i += step) out.push(values[i]!);
  return out;
}

/**
 * Throws, naming the case, array and index, where |got − want| > tol·(|want| + max|want|). In float32 the
 * expected values are the shortest decimals of PyTorch's float32 results: fround restores them.
 */
export function expectClose(what: string, got: readonly number[], want: readonly number[], tol: number, dtype: DType): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  const w = dtype === 'float32' ? want.map(Math.fround) : want;
  const scale = Math.max(...w.map(Math.abs));
  for (let i = 0; i < w.length; i++) {
    const err = Math.abs(got[i]! - w[i]!);
    if (!(err <= tol * (Math.abs(w[i]!) + scale))) {
      throw new Error(`${what}[${i}]: tapegrad ${got[i]}, PyTorch ${w[i]} (|diff| ${err.toExponential(2)}, allowed ${(tol * (Math.abs(w[i]!) + scale)).toExponential(2)})`);
    }
  }
}
