import fc from 'fast-check';
import { describe, it, expect } from 'vitest';
import { matmul } from '../../src/kernels/ts/matmul';
import { tsKernels } from '../../src/kernels/ts';
import { SENTINEL, TRANS, baseCase, gemmCaseArb, gemmOperands, type GemmCase } from '../support/gemm_cases';

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

interface Case extends GemmCase {
  dtype: Ctor;
}

/** Runs the kernel and checks every element against a float64 reference, with a tolerance per element. */
function check(c: Case): void {
  const { dtype, batch, m, k, n, transA, transB, aOffset, bOffset } = c;
  const { a, b, out, aStride, bStride, size } = gemmOperands(c, dtype);

  matmul(a, b, out, batch, m, k, n, aStride, bStride, transA, transB, aOffset, bOffset);

  const relTol = dtype === Float32Array ? 1e-5 : 1e-12;
  for (let t = 0; t < batch; t++) {
    const aBase = aOffset + t * aStride, bBase = bOffset + t * bStride;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let ref = 0, absSum = 0;
        for (let p = 0; p < k; p++) {
          const av = a[aBase + (transA ? p * m + i : i * k + p)];
          const bv = b[bBase + (transB ? j * k + p : p * n + j)];
          ref += av * bv;
          absSum += Math.abs(av * bv);
        }
        const got = out[t * m * n + i * n + j];
        // Error bound of a length-k dot product: relative to Σ|a·b| (≤ k·max|a|·max|b|), i.e. scaled by k.
        if (!(Math.abs(got - ref) <= relTol * absSum + 1e-300)) {
          throw new Error(`mismatch at batch ${t}, (${i}, ${j}): got ${got}, want ${ref} (Σ|ab| = ${absSum}) in ${describeCase(c)}`);
        }
      }
    }
  }
  for (let i = size; i < size + 3; i++) expect(out[i]).toBe(SENTINEL);
}

function describeCase(c: Case): string {
  return JSON.stringify({ ...c, dtype: c.dtype === Float32Array ? 'float32' : 'float64' });
}

const caseArb = (dtype: Ctor): fc.Arbitrary<Case> => gemmCaseArb.map((c) => ({ ...c, dtype }));

const base = { ...baseCase, dtype: Float32Array as Ctor };
const DTYPES: [string, Ctor][] = [['float32', Float32Array], ['float64', Float64Array]];

describe('kernels/ts matmul', () => {
  for (const [name, dtype] of DTYPES) {
    it(`matches a float64 reference for random shapes, transposes, strides and offsets (${name})`, () => {
      fc.assert(fc.property(caseArb(dtype), (c) => check(c)), { numRuns: 150 });
    });

    it(`handles blocks larger than the cache blocks: k > KC, m > MC, n > NC (${name})`, () => {
      for (const [transA, transB] of TRANS) {
        check({ ...base, dtype, m: 9, k: 300, n: 13, transA, transB }); // several k-blocks accumulate into C
        check({ ...base, dtype, m: 150, k: 21, n: 10, transA, transB }); // several A blocks
        check({ ...base, dtype, m: 5, k: 3, n: 1100, transA, transB }); // several B blocks
        check({ ...base, dtype, batch: 2, broadcastB: true, m: 70, k: 270, n: 6, transA, transB, aOffset: 3 }); // batch folding
      }
    });
  }

  it('adds a bias after the product: bit for bit the product followed by the broadcast add kernel', () => {
    for (const ctor of [Float32Array, Float64Array] as const) {
      for (const [batch, m, k, n] of [[1, 9, 300, 13], [2, 5, 3, 1], [3, 70, 0, 6], [1, 1, 40, 100]] as const) {
        const a = new ctor(batch * m * k).map((_, i) => Math.sin(i + 1) * 3), b = new ctor(k * n).map((_, i) => Math.cos(i) / 7);
        const bias = new ctor(n).map((_, i) => 0.1 + i / 3);
        const plain = new ctor(batch * m * n), fused = new ctor(batch * m * n), added = new ctor(batch * m * n);
        matmul(a, b, plain, batch, m, k, n, m * k, 0, false, false);
        matmul(a, b, fused, batch, m, k, n, m * k, 0, false, false, 0, 0, false, false, bias);
        tsKernels.binary('add', plain, [batch, m, n], bias, [n], added, [batch, m, n]);
        expect(Array.from(fused)).toEqual(Array.from(added));
      }
    }
  });

  it('applies an activation last: bit for bit the unary kernel on the product (+ bias)', () => {
    for (const ctor of [Float32Array, Float64Array] as const) {
      for (const activation of ['sigmoid', 'tanh', 'relu'] as const) {
        for (const [batch, m, k, n] of [[1, 9, 300, 13], [2, 5, 3, 1], [3, 70, 0, 6]] as const) {
          const a = new ctor(batch * m * k).map((_, i) => Math.sin(i + 1) * 3), b = new ctor(k * n).map((_, i) => Math.cos(i) / 7);
          const bias = new ctor(n).map((_, i) => i / 3 - 1);
          for (const withBias of [null, bias]) {
            const plain = new ctor(batch * m * n), fused = new ctor(batch * m * n);
            matmul(a, b, plain, batch, m, k, n, m * k, 0, false, false, 0, 0, false, false, withBias);
            tsKernels.unary(activation, plain, plain);
            matmul(a, b, fused, batch, m, k, n, m * k, 0, false, false, 0, 0, false, false, withBias, activation);
            expect(Array.from(fused)).toEqual(Array.from(plain));
          }
        }
      }
    }
  });

  it('writes zeros when k = 0 and nothing when m or n = 0', () => {
    const out = new Float32Array(2 * 3 * 4).fill(Number.NaN);
    matmul(new Float32Array(0), new Float32Array(0), out, 2, 3, 0, 4, 0, 0, false, false);
    expect(Array.from(out)).toEqual(new Array(24).fill(0));
    const untouched = new Float64Array(2).fill(5);
    matmul(new Float64Array(6), new Float64Array(0), untouched, 1, 0, 3, 5, 0, 0, false, false);
    matmul(new Float64Array(6), new Float64Array(0), untouched, 1, 2, 3, 0, 0, 0, true, true);
    expect(Array.from(untouched)).toEqual([5, 5]);
  });

  it('computes a small known product exactly', () => {
    // [[1, 2, 3], [4, 5, 6]] @ [[7, 8], [9, 10], [11, 12]] = [[58, 64], [139, 154]]
    const a = new Float64Array([1, 2, 3, 4, 5, 6]);
    const b = new Float64Array([7, 8, 9, 10, 11, 12]);
    const out = new Float64Array(4);
    matmul(a, b, out, 1, 2, 3, 2, 0, 0, false, false);
    expect(Array.from(out)).toEqual([58, 64, 139, 154]);
    // the same through the transposed layouts: Aᵀ stored 3×2, Bᵀ stored 2×3
    matmul(new Float64Array([1, 4, 2, 5, 3, 6]), new Float64Array([7, 9, 11, 8, 10, 12]), out, 1, 2, 3, 2, 0, 0, true, true);
    expect(Array.from(out)).toEqual([58, 64, 139, 154]);
  });
});
