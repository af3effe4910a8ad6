import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { add, affine, getNumThreads, matmul, relu, setNumThreads, sigmoid, tanh, tensor, Tensor } from '../../src/index';
import { matmulT } from '../../src/ops/matmul';
import { arb, gradcheckProperty } from '../../src/testing/index';

/** A naive reference for the 2-D product. */
function ref2(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, p) => s + v * b[p]![j]!, 0)));
}

const dim = fc.integer({ min: 1, max: 4 });

/** Shapes for every matmul case: vector/matrix/batched, with broadcast batch dimensions. */
const operandShapes = fc.tuple(dim, dim, dim, fc.integer({ min: 0, max: 6 }), arb.broadcastableShapes(2, { maxRank: 2, maxDim: 3 }))
  .map(([m, k, n, kind, [ba, bb]]) => {
    switch (kind) {
      case 0: return [[k], [k]];
      case 1: return [[k], [k, n]];
      case 2: return [[m, k], [k]];
      case 3: return [[m, k], [k, n]];
      case 4: return [[...ba!, m, k], [k, n]];
      case 5: return [[m, k], [...bb!, k, n]];
      default: return [[...ba!, m, k], [...bb!, k, n]];
    }
  });
const operands = operandShapes.chain(([sa, sb]) => fc.tuple(arb.tensor({ shape: sa! }), arb.tensor({ shape: sb! })));

describe('matmul', () => {
  it('sees writes to an operand made after a product (pristine operands may be kept by the kernel)', () => {
    const n = 40; // large enough for the WebAssembly GEMM (≥ 1024 multiply-adds)
    const vals = (seed: number) => Array.from({ length: n * n }, (_, i) => Math.sin(seed * 31 + i));
    const a = tensor(vals(1), { shape: [n, n] }), b = tensor(vals(2), { shape: [n, n] });
    const before = matmul(a, b).toArray() as number[][];
    matmul(b, a); // a as the second operand too
    const d = a.data; // ends a's pristine state; writes through d must be seen from now on
    d[0] = 100;
    const after = matmul(a, b).toArray() as number[][];
    const bd = b.toArray() as number[][];
    for (let j = 0; j < n; j++) expect(after[0]![j]).toBeCloseTo(before[0]![j]! + (100 - Math.fround(Math.sin(31))) * bd[0]![j]!, 3);
    d[1] = -50; // written later through the same array
    const later = matmul(a, b).toArray() as number[][];
    for (let j = 0; j < n; j++) expect(later[0]![j]).toBeCloseTo(after[0]![j]! + (-50 - Math.fround(Math.sin(32))) * bd[1]![j]!, 3);
  });


  it('2-D values match a naive reference', () => {
    fc.assert(fc.property(dim, dim, dim, (m, k, n) => {
      const a = Array.from({ length: m }, (_, i) => Array.from({ length: k }, (_, j) => Math.sin(i * 7 + j)));
      const b = Array.from({ length: k }, (_, i) => Array.from({ length: n }, (_, j) => Math.cos(i * 3 - j)));
      const c = matmul(tensor(a, { dtype: 'float64' }), tensor(b, { dtype: 'float64' })).toArray() as number[][];
      const r = ref2(a, b);
      c.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(r[i]![j]!, 12)));
    }));
  });
  it('vector cases follow NumPy', () => {
    const v = tensor([1, 2, 3]);
    const M = tensor([[1, 0], [0, 1], [1, 1]]);
    expect(matmul(v, v).shape).toEqual([]);
    expect(matmul(v, v).item()).toBe(14);
    expect(matmul(v, M).toArray()).toEqual([4, 5]);
    expect(matmul(tensor([[1, 2, 3]]), tensor([1, 1, 1])).toArray()).toEqual([6]);
  });
  it('batched shapes broadcast like torch.matmul', () => {
    expect(matmul(tensor(new Float32Array(2 * 1 * 3 * 4), { shape: [2, 1, 3, 4] }), tensor(new Float32Array(5 * 4 * 6), { shape: [5, 4, 6] })).shape).toEqual([2, 5, 3, 6]);
    expect(matmul(tensor(new Float32Array(3 * 4), { shape: [3, 4] }), tensor(new Float32Array(2 * 4), { shape: [2, 4, 1] })).shape).toEqual([2, 3, 1]);
  });
  it('batched values equal per-item products', () => {
    fc.assert(fc.property(arb.tensor({ shape: [3, 2, 4] }), arb.tensor({ shape: [4, 5] }), (a, b) => {
      const c = matmul(a, b);
      for (let i = 0; i < 3; i++) {
        const ai = (a.toArray() as number[][][])[i]!;
        const r = ref2(ai, b.toArray() as number[][]);
        (c.toArray() as number[][][])[i]!.forEach((row, p) => row.forEach((v, q) => expect(v).toBeCloseTo(r[p]![q]!, 12)));
      }
    }), { numRuns: 10 });
  });
  it('gradients: every case, first order (float64, property-based)', () => {
    fc.assert(gradcheckProperty(matmul, [operands]), { numRuns: 40 });
  });
  it('gradients: second order', () => {
    fc.assert(gradcheckProperty(matmul, [operands], { secondOrder: true }), { numRuns: 12 });
  });
  it('transposed primitive variants have correct gradients', () => {
    for (const [tA, tB] of [[false, true], [true, false], [true, true]] as const) {
      const f = (a: Tensor, b: Tensor) => matmulT(a, b, tA, tB);
      const shapes = fc.tuple(dim, dim, dim).chain(([m, k, n]) => fc.tuple(
        arb.tensor({ shape: tA ? [k, m] : [m, k] }), arb.tensor({ shape: tB ? [n, k] : [k, n] })));
      fc.assert(gradcheckProperty(f, [shapes], { secondOrder: true }), { numRuns: 8 });
    }
  });
  it('errors name both shapes and the problem', () => {
    expect(() => matmul(tensor([[1, 2, 3], [4, 5, 6]]), tensor(new Float32Array(20), { shape: [4, 5] }))).toThrow(/matmul: \[2,3\] @ \[4,5\]: inner dimensions differ \(3 vs 4\)/);
    expect(() => matmul(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(/matmul: \[2\] @ \[3\]: inner dimensions differ/);
    expect(() => matmul(tensor(1), tensor([1]))).toThrow(/at least 1 dimension/);
    expect(() => matmul(tensor(new Float32Array(12), { shape: [2, 2, 3] }), tensor(new Float32Array(9), { shape: [3, 3, 1] }))).toThrow(/batch dimensions \[2\] and \[3\]/);
    expect(() => matmul(tensor([[1]]), tensor([[1]], { dtype: 'float64' }))).toThrow(/matmul: dtype mismatch/);
  });
});

describe('affine', () => {
  /** x of rank 1–3 with last dimension k, w [k, n], b [n]. */
  const affineOperands = fc.tuple(dim, dim, fc.array(dim, { minLength: 0, maxLength: 2 })).chain(([k, n, lead]) =>
    fc.tuple(arb.tensor({ shape: [...lead, k] }), arb.tensor({ shape: [k, n] }), arb.tensor({ shape: [n] })));

  it('equals add(matmul(x, w), b) bit for bit (float32 and float64; small and kernel-sized products)', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const shape of [[5], [3, 5], [2, 3, 5], [300, 40], [7, 50, 40]]) {
        const k = shape[shape.length - 1]!, n = 33;
        const x = tensor(Array.from({ length: shape.reduce((p, d) => p * d, 1) }, (_, i) => Math.sin(i)), { shape, dtype });
        const w = tensor(Array.from({ length: k * n }, (_, i) => Math.cos(3 * i)), { shape: [k, n], dtype });
        const b = tensor(Array.from({ length: n }, (_, i) => i / 7 - 2), { dtype });
        const fused = affine(x, w, b), composed = add(matmul(x, w), b);
        expect(fused.shape).toEqual(composed.shape);
        expect(Array.from(fused.data)).toEqual(Array.from(composed.data));
      }
    }
  });
  it('gradients: first and second order (float64, property-based; x of rank 1–3)', () => {
    const f = (x: Tensor, w: Tensor, b: Tensor) => affine(x, w, b);
    fc.assert(gradcheckProperty(f, [affineOperands]), { numRuns: 30 });
    fc.assert(gradcheckProperty(f, [affineOperands], { secondOrder: true }), { numRuns: 10 });
  });
  it('with an activation equals the activation of affine bit for bit (float32 and float64; 1 and 2 threads; every kernel path)', () => {
    const threads = getNumThreads();
    try {
      for (const t of [1, 2]) {
        setNumThreads(t);
        for (const [name, act] of [['sigmoid', sigmoid], ['tanh', tanh], ['relu', relu]] as const) {
          for (const dtype of ['float32', 'float64'] as const) {
            // [5]: one row (a tiny product); [300, 40] · [40, 33]: the WebAssembly GEMM, activation on the calling
            // thread; [2000, 40]: a product and an activation (66 000 elements) large enough for every thread;
            // [7, 50, 40]: leading dimensions.
            for (const shape of [[5], [3, 5], [300, 40], [2000, 40], [7, 50, 40]]) {
              const k = shape[shape.length - 1]!, n = 33;
              const x = tensor(Array.from({ length: shape.reduce((p, d) => p * d, 1) }, (_, i) => 3 * Math.sin(i)), { shape, dtype });
              const w = tensor(Array.from({ length: k * n }, (_, i) => Math.cos(3 * i)), { shape: [k, n], dtype });
              const b = tensor(Array.from({ length: n }, (_, i) => i / 7 - 2), { dtype });
              const fused = affine(x, w, b, name), composed = act(affine(x, w, b));
              expect(fused.shape).toEqual(composed.shape);
              const f = fused.data, c = composed.data;
              let same = f.length === c.length;
              for (let i = 0; same && i < f.length; i++) same = Object.is(f[i], c[i]);
              expect(same, `${name} ${dtype} [${shape.join(',')}] on ${t} thread(s)`).toBe(true);
            }
          }
        }
      }
    } finally {
      setNumThreads(threads);
    }
  });
  it('with an activation: gradients, first and second order (float64, property-based; relu away from its kink)', () => {
    for (const act of ['sigmoid', 'tanh'] as const) {
      const f = (x: Tensor, w: Tensor, b: Tensor) => affine(x, w, b, act);
      fc.assert(gradcheckProperty(f, [affineOperands]), { numRuns: 15 });
      fc.assert(gradcheckProperty(f, [affineOperands], { secondOrder: true }), { numRuns: 6 });
    }
    // relu's kink: every pre-activation x @ w + b at least 0.05 away from 0 (finite differences step 1e-6).
    const awayFromKink = affineOperands.filter((ops) => {
      const [x, w, b] = ops as Tensor[];
      return Array.from(affine(x!, w!, b!).data).every((z) => Math.abs(z) >= 0.05);
    });
    const f = (x: Tensor, w: Tensor, b: Tensor) => affine(x, w, b, 'relu');
    fc.assert(gradcheckProperty(f, [awayFromKink]), { numRuns: 15 });
    fc.assert(gradcheckProperty(f, [awayFromKink], { secondOrder: true }), { numRuns: 6 });
  });
  it('errors name the shapes and what to do', () => {
    const w = tensor(new Float32Array(6), { shape: [3, 2] });
    expect(() => affine(tensor([1, 2]), w, tensor([0, 0]))).toThrow(/affine: x has shape \[2\] but w has shape \[3,2\]; the last dimension of x must be 3/);
    expect(() => affine(tensor([1, 2, 3]), w, tensor([0, 0, 0]))).toThrow(/affine: b must have shape \[2\].*got \[3\]; use add\(matmul\(x, w\), b\)/);
    expect(() => affine(tensor([1, 2, 3]), tensor([1, 2, 3]), tensor([0]))).toThrow(/affine: w must be 2-D \[k, n\], got shape \[3\]/);
    expect(() => affine(tensor([1, 2, 3]), w, tensor([0, 0], { dtype: 'float64' }))).toThrow(/affine: dtype mismatch/);
    expect(() => affine(tensor([1, 2, 3]), w, tensor([0, 0]), 'gelu' as 'relu')).toThrow(/affine: activation must be 'sigmoid', 'tanh' or 'relu' \(or left out for none\), got 'gelu'/);
  });
});
