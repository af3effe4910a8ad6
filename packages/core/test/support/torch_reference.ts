/**
 * What the PyTorch reference tests of core, nn and optim share (test/ops/torch_reference.test.ts and the
 * packages' test/torch_reference.test.ts): their input streams, regenerated bit for bit from the counter-based
 * mulberry32 of bench-spec.md as the generators make them (packages/core/scripts/torch_streams.py), the
 * fixtures' sampling of long arrays, and the comparison.
 */
import { expect } from 'vitest';
import { add, gradients, mul, sum, tensor, type DType, type Tensor } from '../../src/index';
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

/** Stream `seed` in [−1, 1) shaped like `shape`: the cotangents and the Hessian-vector products' directions. */
function constant(seed: number, shape: readonly number[], dtype: DType): Tensor {
  return tensor(streamValues(seed, shape.reduce((p, d) => p * d, 1), -1, 1), { shape, dtype });
}

/** A fixture's entry for one output (the generators' first_order and hessian_vector_products). */
export interface ReferenceEntry { out: number[]; grads: number[][]; outSum?: number; hvp?: number[][] }

/** The largest differences allowed, relative to the array's scale (see the tests' headers). */
export const TOLERANCE: Record<DType, number> = { float64: 1e-12, float32: 1e-5 };

/**
 * Checks output y against a fixture entry: its values (and, when sampled, the sum of all of them), the
 * gradients of L = sum(y · c) with respect to `wrt` (c: stream cotangentSeed), and with `secondOrder` the
 * gradients of Σᵢ sum(∂L/∂wrtᵢ · vᵢ) (vᵢ: stream cotangentSeed + 1 + i). `at` names the case in failures.
 */
export function expectMatchesReference(at: string, y: Tensor, wrt: readonly Tensor[], want: ReferenceEntry, cotangentSeed: number,
  dtype: DType, secondOrder: boolean): void {
  const tol = TOLERANCE[dtype];
  expect(wrt.length, `${at}: gradients`).toBe(want.grads.length);
  const gs = wrt.length === 0 ? [] : gradients(sum(mul(y, constant(cotangentSeed, y.shape, dtype))), wrt, { createGraph: secondOrder });
  const values = y.data;
  expectClose(`${at} out`, sampled(values), want.out, tol, dtype);
  if (want.outSum !== undefined) {
    let s = 0, s1 = 0;
    for (let i = 0; i < values.length; i++) { s += values[i]!; s1 += Math.abs(values[i]!); }
    expect(Math.abs(s - want.outSum), `${at}: sum of the output`).toBeLessThanOrEqual(tol * s1);
  }
  const flat = (g: Tensor | null, i: number): number[] => (g === null ? new Array<number>(wrt[i]!.size).fill(0) : Array.from(g.data));
  gs.forEach((g, i) => expectClose(`${at} grad ${i}`, sampled(flat(g, i)), want.grads[i]!, tol, dtype));
  if (!secondOrder) return;
  const vs = wrt.map((x, i) => constant(cotangentSeed + 1 + i, x.shape, dtype));
  // a gradient that does not depend on the inputs (neg, add, nll, …) has a zero Hessian
  const terms = gs.flatMap((g, i) => (g === null || !g.requiresGrad ? [] : [sum(mul(g, vs[i]!))]));
  const hs = terms.length === 0 ? wrt.map(() => null) : gradients(terms.reduce((p, q) => add(p, q)), wrt, { allowUnused: true });
  expect(hs.length, `${at}: Hessian-vector products`).toBe(want.hvp!.length);
  hs.forEach((h, i) => expectClose(`${at} hvp ${i}`, sampled(flat(h, i)), want.hvp![i]!, tol, dtype));
}
