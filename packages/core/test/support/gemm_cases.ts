/** GEMM test cases shared by the TS and WASM kernel tests: shapes, layouts and seeded operands. */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { FloatArray } from '../../src/dtype';
import { matmul as tsMatmul } from '../../src/kernels/ts/matmul';
import { mulberry32 } from './mulberry32';

/** Deterministic values in [-1, 1) (mulberry32), so a failing case is reproducible from its seed. */
export function fillRandom(arr: FloatArray, seed: number): void {
  const next = mulberry32(seed);
  for (let i = 0; i < arr.length; i++) arr[i] = (next() / 4294967296) * 2 - 1;
}

export interface GemmCase {
  batch: number; m: number; k: number; n: number;
  transA: boolean; transB: boolean;
  broadcastA: boolean; broadcastB: boolean;
  /** extra elements between consecutive batch items (when not broadcast) */
  gapA: number; gapB: number;
  aOffset: number; bOffset: number;
  seed: number;
}

/** Arbitrary cases: m, k, n in 0..70 (edge tiles), batches with broadcast, gaps and offsets. */
export const gemmCaseArb: fc.Arbitrary<GemmCase> = fc.record({
  batch: fc.integer({ min: 1, max: 3 }),
  m: fc.integer({ min: 0, max: 70 }),
  k: fc.integer({ min: 0, max: 70 }),
  n: fc.integer({ min: 0, max: 70 }),
  transA: fc.boolean(),
  transB: fc.boolean(),
  broadcastA: fc.boolean(),
  broadcastB: fc.boolean(),
  gapA: fc.integer({ min: 0, max: 3 }),
  gapB: fc.integer({ min: 0, max: 3 }),
  aOffset: fc.integer({ min: 0, max: 5 }),
  bOffset: fc.integer({ min: 0, max: 5 }),
  seed: fc.integer(),
});

/** The defaults for hand-written cases: one batch item, contiguous, no offsets. */
export const baseCase: Omit<GemmCase, 'm' | 'k' | 'n' | 'transA' | 'transB'> = {
  batch: 1, broadcastA: false, broadcastB: false, gapA: 0, gapB: 0, aOffset: 0, bOffset: 0, seed: 7,
};

/** All four transpose combinations. */
export const TRANS: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];

export const SENTINEL = 12345;

/**
 * The operands of a case in `ctor`'s storage: seeded A and B with their batch strides, and an output
 * of NaN (the kernel must write every cell) followed by three SENTINELs (it must write nothing past the end).
 */
export function gemmOperands<C extends Float32ArrayConstructor | Float64ArrayConstructor>(c: GemmCase, ctor: C) {
  const { batch, m, k, n, aOffset, bOffset } = c;
  const aStride = c.broadcastA ? 0 : m * k + c.gapA;
  const bStride = c.broadcastB ? 0 : k * n + c.gapB;
  const make = (len: number) => new ctor(len) as InstanceType<C>;
  const a = make(aOffset + aStride * (batch - 1) + m * k + 2);
  const b = make(bOffset + bStride * (batch - 1) + k * n + 2);
  fillRandom(a, c.seed);
  fillRandom(b, c.seed ^ 0x5bd1e995);
  const size = batch * m * n;
  const out = make(size + 3);
  out.fill(Number.NaN);
  out.fill(SENTINEL, size);
  return { a, b, out, aStride, bStride, size };
}

/** A float32 GEMM with the kernel interface's matmul signature (offsets required). */
export type Float32GemmKernel = (a: Float32Array, b: Float32Array, out: Float32Array, batch: number, m: number, k: number, n: number,
  aBatchStride: number, bBatchStride: number, transA: boolean, transB: boolean, aOffset: number, bOffset: number) => unknown;

/** The same for float64. */
export type Float64GemmKernel = (a: Float64Array, b: Float64Array, out: Float64Array, batch: number, m: number, k: number, n: number,
  aBatchStride: number, bBatchStride: number, transA: boolean, transB: boolean, aOffset: number, bOffset: number) => unknown;

/**
 * Runs `kernel` on the case (float32) and compares every element with the TS kernel (float64
 * accumulation). Tolerance: the bound for a length-k float32 dot product accumulated in order,
 * |got − ref| ≤ (k + 2)·u·Σ|a·b| with u = 2⁻²⁴ (k roundings of the sum and products, plus the
 * rounding of the reference to float32); Σ|a·b| comes from the TS kernel on |A| and |B|.
 */
export function checkAgainstTs(c: GemmCase, kernel: Float32GemmKernel): void {
  compareWithTs(c, Float32Array, kernel as (...args: unknown[]) => unknown, (c.k + 2) * 2 ** -24);
}

/**
 * checkAgainstTs for a float64 kernel. Both it and the TS reference accumulate in float64 (in different
 * orders), so each is within k·u·Σ|a·b| of the exact value, u = 2⁻⁵³: tolerance (2k + 2)·u·Σ|a·b|.
 */
export function checkAgainstTs64(c: GemmCase, kernel: Float64GemmKernel): void {
  compareWithTs(c, Float64Array, kernel as (...args: unknown[]) => unknown, (2 * c.k + 2) * 2 ** -53);
}

function compareWithTs(c: GemmCase, ctor: Float32ArrayConstructor | Float64ArrayConstructor, kernel: (...args: unknown[]) => unknown, tol: number): void {
  const { batch, m, k, n, transA, transB, aOffset, bOffset } = c;
  const { a, b, out, aStride, bStride, size } = gemmOperands(c, ctor);

  kernel(a, b, out, batch, m, k, n, aStride, bStride, transA, transB, aOffset, bOffset);

  const ref = new ctor(size);
  tsMatmul(a, b, ref, batch, m, k, n, aStride, bStride, transA, transB, aOffset, bOffset);
  const absSum = new ctor(size);
  tsMatmul(a.map(Math.abs), b.map(Math.abs), absSum, batch, m, k, n, aStride, bStride, transA, transB, aOffset, bOffset);
  for (let i = 0; i < size; i++) {
    if (!(Math.abs(out[i]! - ref[i]!) <= tol * absSum[i]!)) {
      throw new Error(`mismatch at flat index ${i}: got ${out[i]}, TS kernel ${ref[i]} (Σ|ab| = ${absSum[i]}) in ${JSON.stringify(c)}`);
    }
  }
  for (let i = size; i < size + 3; i++) expect(out[i]).toBe(SENTINEL);
}
