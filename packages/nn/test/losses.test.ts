import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Tensor, tensor, add, div, getBackend, log, log1p, logSoftmax, maximum, mul, neg, setBackend, sigmoid, softmax, sub, type DType,
} from '@tapegrad/core';
import { arb, gradcheck, type GradcheckOptions } from '@tapegrad/core/testing';
import {
  mse, mae, huber, binaryCrossEntropy, binaryCrossEntropyBackward, binaryCrossEntropyWithLogits, crossEntropy, nll,
  type Reduction,
} from '../src/losses';

// ── helpers ───────────────────────────────────────────────────────────────

const f64 = (v: number[] | number[][] | number, shape?: number[]) =>
  tensor(v as number[], shape === undefined ? { dtype: 'float64' } : { dtype: 'float64', shape });

function fromData(values: ArrayLike<number>, shape: readonly number[], dtype: DType = 'float64'): Tensor {
  return new Tensor(dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values), [...shape], dtype);
}

function expectGradients(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradcheckOptions = {}): void {
  const r = gradcheck(f, inputs, opts);
  if (!r.ok) throw new Error(r.message);
}

/** |a − b| ≤ tol·max(1, |b|) elementwise. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!, b = expected[i]!;
    if (!(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)))) {
      throw new Error(`index ${i}: got ${a}, expected ${b} (tol ${tol})`);
    }
  }
}

function allFinite(t: Tensor): boolean {
  return Array.from(t.data).every(Number.isFinite);
}

/** Gradient of f at x (a float64 copy), by backward. */
function gradOf(f: (x: Tensor) => Tensor, x: Tensor): Tensor {
  const leaf = x.detach().clone().requiresGrad_();
  f(leaf).backward();
  return leaf.grad!;
}

function reduceRef(per: number[], reduction: Reduction, denominator = per.length): number[] {
  const s = per.reduce((a, b) => a + b, 0);
  return reduction === 'none' ? per : reduction === 'sum' ? [s] : [s / denominator];
}

const reductions: Reduction[] = ['mean', 'sum', 'none'];
const reductionArb = fc.constantFrom<Reduction>(...reductions);

const runs = { numRuns: 25 };

// Arbitraries for elementwise losses: a shape, then input and target of that shape.
const shapeArb = arb.shape({ maxRank: 3, maxDim: 3 });

function pairArb(xDomain: { min: number; max: number }, yDomain: { min: number; max: number }) {
  return shapeArb.chain((s) => fc.tuple(arb.tensor({ shape: s, ...xDomain }), arb.tensor({ shape: s, ...yDomain })));
}

/** (x, y) with x = y + d and d drawn away from the points in `avoid` (the kinks of d ↦ ℓ(d)). */
function pairAvoidingArb(avoid: number[]) {
  return shapeArb.chain((s) =>
    fc.tuple(arb.tensor({ shape: s, min: -2, max: 2 }), arb.tensor({ shape: s, min: -3, max: 3, avoid, margin: 0.05 })).map(([y, d]) => {
      const x = fromData(Array.from(y.data, (v, i) => v + d.data[i]!), y.shape);
      // re-check the difference after rounding (x − y may differ from d by an ulp)
      return [x, y] as [Tensor, Tensor];
    }),
  );
}

// ── elementwise losses: reference formulas ────────────────────────────────

const refs = {
  mse: (x: number, y: number) => (x - y) ** 2,
  mae: (x: number, y: number) => Math.abs(x - y),
  huber: (x: number, y: number, delta = 1) => {
    const d = Math.abs(x - y);
    return d <= delta ? 0.5 * d * d : delta * (d - 0.5 * delta);
  },
  bce: (p: number, y: number) => -(y * Math.max(Math.log(p), -100) + (1 - y) * Math.max(Math.log1p(-p), -100)),
  bceLogits: (x: number, y: number, pw = 1) => {
    const logSig = Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x)));
    const logOneMinusSig = logSig - x; // log σ(−x) = log σ(x) − x
    return -(pw * y * logSig + (1 - y) * logOneMinusSig);
  },
};

// ── gradient checks: one row per elementwise loss ─────────────────────────

interface Spec {
  name: string;
  f: (x: Tensor, y: Tensor, reduction: Reduction) => Tensor;
  pairs: fc.Arbitrary<[Tensor, Tensor]>;
  /** Also check second order on this domain. */
  secondOrder: boolean;
}

const specs: Spec[] = [
  { name: 'mse', f: (x, y, r) => mse(x, y, { reduction: r }), pairs: pairArb({ min: -2, max: 2 }, { min: -2, max: 2 }), secondOrder: true },
  // the kink at x = y is excluded
  { name: 'mae', f: (x, y, r) => mae(x, y, { reduction: r }), pairs: pairAvoidingArb([0]), secondOrder: false },
  // C¹ everywhere: first order over the whole range, including |d| = δ
  { name: 'huber (first order, any d)', f: (x, y, r) => huber(x, y, { reduction: r }), pairs: pairArb({ min: -3, max: 3 }, { min: -2, max: 2 }), secondOrder: false },
  // second order only away from the |d| = δ switch
  { name: 'huber (δ = 1, away from |d| = 1)', f: (x, y, r) => huber(x, y, { reduction: r }), pairs: pairAvoidingArb([-1, 1]), secondOrder: true },
  { name: 'huber (δ = 0.4, away from |d| = 0.4)', f: (x, y, r) => huber(x, y, { reduction: r, delta: 0.4 }), pairs: pairAvoidingArb([-0.4, 0.4]), secondOrder: true },
  // targets inside (0, 1) too: the finite differences must not step out of [0, 1], which throws
  { name: 'binaryCrossEntropy', f: (p, y, r) => binaryCrossEntropy(p, y, { reduction: r }), pairs: pairArb({ min: 0.05, max: 0.95 }, { min: 0.01, max: 0.99 }), secondOrder: true },
  {
    name: 'binaryCrossEntropy (weight)',
    f: (p, y, r) => binaryCrossEntropy(p, y, { reduction: r, weight: f64(0.7, []) }),
    pairs: pairArb({ min: 0.05, max: 0.95 }, { min: 0.01, max: 0.99 }),
    secondOrder: true,
  },
  { name: 'binaryCrossEntropyWithLogits', f: (x, y, r) => binaryCrossEntropyWithLogits(x, y, { reduction: r }), pairs: pairArb({ min: -10, max: 10 }, { min: 0, max: 1 }), secondOrder: true },
  {
    name: 'binaryCrossEntropyWithLogits (posWeight 2.5, weight)',
    f: (x, y, r) => binaryCrossEntropyWithLogits(x, y, { reduction: r, posWeight: 2.5, weight: f64(1.5, []) }),
    pairs: pairArb({ min: -5, max: 5 }, { min: 0, max: 1 }),
    secondOrder: true,
  },
];

describe('binaryCrossEntropyBackward (the fused gradient op, internal)', () => {
  it('gradients wrt p, y and dy (float64, first and second order, property-based)', () => {
    // p away from 0 and 1, where p(1 − p) > 1e-12 and the floor (a kink) is far.
    const triple = shapeArb.chain((s) => fc.tuple(
      arb.tensor({ shape: s, min: 0.05, max: 0.95 }), arb.tensor({ shape: s, min: 0, max: 1 }), arb.tensor({ shape: s, min: -2, max: 2 })));
    fc.assert(fc.property(triple, ([p, y, dy]) => {
      expectGradients(binaryCrossEntropyBackward, [p, y, dy], { order: 2 });
    }), runs);
  });

  it('on the floor (p(1 − p) < 1e-12) the denominator is constant; at the tie maximum splits its gradient', () => {
    // p = 0: on the floor; p = 1.000000000001e-12: p·(1 − p) is exactly 1e-12 in float64, the tie; p = ½: above.
    const tie = 1.000000000001e-12;
    expect(tie * (1 - tie)).toBe(1e-12);
    const p = f64([0, tie, 0.5], [3]), y = f64([1, 1, 1], [3]), dy = f64([1, 1, 1], [3]);
    for (const t of [p, y, dy]) t.requiresGrad = true;
    const out = binaryCrossEntropyBackward(p, y, dy);
    // dy·(p − y)/d: −1/1e-12, (tie − 1)/1e-12, −½/¼ = −2
    expect(Array.from(out.data)).toEqual([-1 / 1e-12, (tie - 1) / 1e-12, -2]);
    out.sum().backward();
    // ∂/∂p = dy/d − (out/d)·(1 − 2p)·gate, gate 0 on the floor, ½ at the tie, 1 above: 1e12; 1e12 − ½·(out/1e-12)·(1 − 2·tie); 4 − (−2/¼)·0 = 4
    expect(p.grad!.data[0]).toBe(1e12);
    const atTie = 1e12 - 0.5 * (((tie - 1) / 1e-12) / 1e-12) * (1 - 2 * tie);
    expect(Math.abs(p.grad!.data[1]! - atTie)).toBeLessThanOrEqual(1e-12 * Math.abs(atTie));
    expect(p.grad!.data[2]).toBe(4);
    // ∂/∂y = −dy/d; ∂/∂dy = (p − y)/d
    expect(Array.from(y.grad!.data)).toEqual([-1e12, -1e12, -4]);
    expect(Array.from(dy.grad!.data)).toEqual([-1e12, (tie - 1) / 1e-12, -2]);
  });
});

describe('gradients (float64, wrt input and target)', () => {
  for (const spec of specs) {
    it(`${spec.name}: first order${spec.secondOrder ? ' and second order' : ''}`, () => {
      fc.assert(
        fc.property(spec.pairs, reductionArb, ([x, y], r) => {
          expectGradients((a, b) => spec.f(a!, b!, r), [x, y], { order: spec.secondOrder ? 2 : 1 });
        }),
        runs,
      );
    });
  }
});

// ── elementwise losses: values ────────────────────────────────────────────

describe('elementwise losses: values against the formulas', () => {
  const rows: { name: string; f: (x: Tensor, y: Tensor, r: Reduction) => Tensor; ref: (x: number, y: number) => number; pairs: fc.Arbitrary<[Tensor, Tensor]> }[] = [
    { name: 'mse', f: (x, y, r) => mse(x, y, { reduction: r }), ref: refs.mse, pairs: pairArb({ min: -3, max: 3 }, { min: -3, max: 3 }) },
    { name: 'mae', f: (x, y, r) => mae(x, y, { reduction: r }), ref: refs.mae, pairs: pairArb({ min: -3, max: 3 }, { min: -3, max: 3 }) },
    { name: 'huber', f: (x, y, r) => huber(x, y, { reduction: r }), ref: (x, y) => refs.huber(x, y), pairs: pairArb({ min: -3, max: 3 }, { min: -3, max: 3 }) },
    { name: 'huber δ=2.5', f: (x, y, r) => huber(x, y, { reduction: r, delta: 2.5 }), ref: (x, y) => refs.huber(x, y, 2.5), pairs: pairArb({ min: -5, max: 5 }, { min: -3, max: 3 }) },
    { name: 'binaryCrossEntropy', f: (x, y, r) => binaryCrossEntropy(x, y, { reduction: r }), ref: refs.bce, pairs: pairArb({ min: 0, max: 1 }, { min: 0, max: 1 }) },
    { name: 'binaryCrossEntropyWithLogits', f: (x, y, r) => binaryCrossEntropyWithLogits(x, y, { reduction: r }), ref: (x, y) => refs.bceLogits(x, y), pairs: pairArb({ min: -30, max: 30 }, { min: 0, max: 1 }) },
    { name: 'binaryCrossEntropyWithLogits posWeight 3', f: (x, y, r) => binaryCrossEntropyWithLogits(x, y, { reduction: r, posWeight: 3 }), ref: (x, y) => refs.bceLogits(x, y, 3), pairs: pairArb({ min: -30, max: 30 }, { min: 0, max: 1 }) },
  ];
  for (const row of rows) {
    it(`${row.name}: mean / sum / none`, () => {
      fc.assert(
        fc.property(row.pairs, reductionArb, ([x, y], r) => {
          const per = Array.from(x.data, (v, i) => row.ref(v, y.data[i]!));
          const out = row.f(x, y, r);
          expect(out.shape).toEqual(r === 'none' ? x.shape : []);
          expectClose(out.data, reduceRef(per, r), 1e-12);
        }),
        runs,
      );
    });
  }

  it('hand-computed values', () => {
    // mse: ((1−1)² + (2−0)² + (3−0)²)/3 = (0 + 4 + 9)/3 = 13/3
    expect(mse(f64([1, 2, 3]), f64([1, 0, 0])).item()).toBeCloseTo(13 / 3, 14);
    // mae: (0 + 2 + 3)/3 = 5/3; sum = 5
    expect(mae(f64([1, 2, 3]), f64([1, 0, 0])).item()).toBeCloseTo(5 / 3, 14);
    expect(mae(f64([1, 2, 3]), f64([1, 0, 0]), { reduction: 'sum' }).item()).toBe(5);
    // huber δ = 1: d = 0 → 0; d = 0.5 → ½·0.25 = 0.125; d = −3 → 1·(3 − 0.5) = 2.5
    expect(Array.from(huber(f64([0, 0.5, -3]), f64([0, 0, 0]), { reduction: 'none' }).data)).toEqual([0, 0.125, 2.5]);
    // huber δ = 2: d = 3 → 2·(3 − 1) = 4; d = 1 → 0.5
    expect(Array.from(huber(f64([3, 1]), f64([0, 0]), { delta: 2, reduction: 'none' }).data)).toEqual([4, 0.5]);
    // bce(0.5, 1) = −log 0.5 = log 2; bce(0.8, 0) = −log 0.2 = 1.6094379124341003
    expectClose(binaryCrossEntropy(f64([0.5, 0.8]), f64([1, 0]), { reduction: 'none' }).data, [Math.LN2, 1.6094379124341003], 1e-14);
    // bce with logits: x = 0, y = 1 → log 2; x = 2, y = 0 → softplus(2) = log(1 + e²) = 2.1269280110429727
    expectClose(binaryCrossEntropyWithLogits(f64([0, 2]), f64([1, 0]), { reduction: 'none' }).data, [Math.LN2, 2.1269280110429727], 1e-14);
    // posWeight 2 on a positive: 2·log 2; on a negative (y = 0): unchanged, softplus(0) = log 2
    expectClose(binaryCrossEntropyWithLogits(f64([0, 0]), f64([1, 0]), { reduction: 'none', posWeight: 2 }).data, [2 * Math.LN2, Math.LN2], 1e-14);
  });

  it('binaryCrossEntropy: weight broadcasts and rescales; mean divides by the element count', () => {
    const p = f64([[0.5, 0.5], [0.5, 0.5]]);
    const y = f64([[1, 1], [0, 0]]);
    // every element is log 2; weights [1, 3] per column: (1 + 3 + 1 + 3)·log 2 / 4 = 2·log 2
    expectClose([binaryCrossEntropy(p, y, { weight: f64([1, 3]) }).item()], [2 * Math.LN2], 1e-14);
    expectClose([binaryCrossEntropyWithLogits(f64([[0, 0], [0, 0]]), y, { weight: f64([1, 3]) }).item()], [2 * Math.LN2], 1e-14);
  });

  it('binaryCrossEntropyWithLogits: a posWeight tensor [C] weights each class', () => {
    const x = f64([[0.3, -1.2, 2], [1, 0, -0.5]]);
    const y = f64([[1, 0, 1], [0.5, 1, 0]]);
    const pw = [2, 0.5, 4];
    const out = binaryCrossEntropyWithLogits(x, y, { posWeight: f64(pw), reduction: 'none' });
    expectClose(out.data, Array.from(x.data, (v, i) => refs.bceLogits(v, y.data[i]!, pw[i % 3]!)), 1e-14);
  });

  it('binaryCrossEntropyWithLogits = binaryCrossEntropy(sigmoid(x)) for moderate logits', () => {
    fc.assert(
      fc.property(pairArb({ min: -8, max: 8 }, { min: 0, max: 1 }), reductionArb, ([x, y], r) => {
        expectClose(binaryCrossEntropyWithLogits(x, y, { reduction: r }).data, binaryCrossEntropy(sigmoid(x), y, { reduction: r }).data, 1e-10);
      }),
      runs,
    );
  });

  it('binaryCrossEntropy {eps}: Keras clipping of p to [eps, 1 − eps]', () => {
    // p = 0, y = 1 with eps = 1e-7: −log(1e-7) = 16.11809565095832; p = 1, y = 1: −log(1 − 1e-7) ≈ 1e-7
    const out = binaryCrossEntropy(f64([0, 1]), f64([1, 1]), { eps: 1e-7, reduction: 'none' });
    expectClose(out.data, [-Math.log(1e-7), -Math.log1p(-1e-7)], 1e-12);
    // inside the range nothing changes
    expectClose(binaryCrossEntropy(f64([0.3]), f64([0.6]), { eps: 1e-7 }).data, [refs.bce(0.3, 0.6)], 1e-14);
    // the gradient is 0 outside [eps, 1 − eps] (Keras's clip)
    const g = gradOf((p) => binaryCrossEntropy(p, f64([1]), { eps: 1e-3, reduction: 'sum' }), f64([1e-5]));
    expectClose([g.item()], [0], 0);
  });

  it('gradients match the closed forms', () => {
    // mse: 2(x − y)/n; bce with logits: (σ(x) − y)/n; bce: (p − y)/(p(1 − p))/n
    const x = f64([0.3, -1.2, 2.5, 0.1]), y = f64([1, 0, 0.5, 0.25]);
    expectClose(gradOf((a) => mse(a, y), x).data, Array.from(x.data, (v, i) => (2 * (v - y.data[i]!)) / 4), 1e-14);
    expectClose(gradOf((a) => binaryCrossEntropyWithLogits(a, y), x).data, Array.from(x.data, (v, i) => (1 / (1 + Math.exp(-v)) - y.data[i]!) / 4), 1e-14);
    const p = f64([0.1, 0.5, 0.9, 0.25]);
    expectClose(gradOf((a) => binaryCrossEntropy(a, y), p).data, Array.from(p.data, (v, i) => (v - y.data[i]!) / (v * (1 - v)) / 4), 1e-12);
    // huber: d inside [−δ, δ], δ·sign(d) outside
    const d = f64([0.5, -0.25, 3, -2]);
    expectClose(gradOf((a) => huber(a, f64([0, 0, 0, 0]), { reduction: 'sum' }), d).data, [0.5, -0.25, 1, -1], 0);
  });

  it('float32 works too', () => {
    const x = tensor([0.5, 2]), y = tensor([1, 0]);
    expect(mse(x, y).dtype).toBe('float32');
    expect(mse(x, y).item()).toBeCloseTo((0.25 + 4) / 2, 6);
    expect(binaryCrossEntropyWithLogits(x, y).dtype).toBe('float32');
    expect(crossEntropy(tensor([[1, 2, 3]]), [2]).item()).toBeCloseTo(Math.log(Math.E + Math.E ** 2 + Math.E ** 3) - 3, 6);
  });

  it("binaryCrossEntropy: the fused forward and gradient are the composed ops' results bit for bit (float32 and float64, both kernel backends)", () => {
    // The compositions the op used before its kernels: −[y·max(log p, −100) + (1 − y)·max(log1p(−p), −100)], and
    // for ∂/∂p with the incoming gradient dy: dy·(p − y)/max(p(1 − p), 1e-12).
    const composed = (p: Tensor, y: Tensor): Tensor =>
      neg(add(mul(y, maximum(log(p), -100)), mul(sub(1, y), maximum(log1p(neg(p)), -100))));
    const composedGrad = (p: Tensor, y: Tensor, dy: Tensor): Tensor => div(mul(dy, sub(p, y)), maximum(mul(p, sub(1, p)), 1e-12));
    const expectSame = (got: Tensor, want: Tensor, what: string): void => {
      for (let i = 0; i < want.size; i++) {
        if (!Object.is(got.data[i], want.data[i])) throw new Error(`${what} at ${i}: ${got.data[i]} vs ${want.data[i]}`);
      }
    };
    const before = getBackend().name;
    try {
      for (const backend of getBackend().simd ? (['ts', 'wasm'] as const) : (['ts'] as const)) {
        setBackend(backend);
        for (const dtype of ['float32', 'float64'] as const) {
          // 9001 values: past the WASM kernels' 8192-float chunk, not a multiple of 4; p = 0 and 1 exactly,
          // within an ulp of them, and tiny; hard and soft targets.
          const n = 9001;
          const pv = Array.from({ length: n }, (_, i) => [0, 1, 1 - 2 ** -24, 2 ** -24, 1e-30, 0.5][i % 37] ?? (Math.sin(i * 12.9898) + 1) / 2);
          const yv = Array.from({ length: n }, (_, i) => (i % 3 === 2 ? (Math.cos(i) + 1) / 2 : i % 3));
          const p = fromData(pv, [n], dtype), y = fromData(yv.map((v) => Math.min(v, 1)), [n], dtype);
          expectSame(binaryCrossEntropy(p, y, { reduction: 'none' }), composed(p, y), `${backend} ${dtype} forward`);
          // W3's case: reduction 'sum' divided by the row count, so dy = 1/m everywhere; and a varying dy.
          const pg = p.detach();
          pg.requiresGrad = true;
          binaryCrossEntropy(pg, y, { reduction: 'sum' }).div(5000).backward();
          expectSame(pg.grad!, composedGrad(p, y, fromData(new Array(n).fill(1), [n], dtype).div(5000)), `${backend} ${dtype} gradient`);
          const w = fromData(Array.from({ length: n }, (_, i) => Math.sin(i)), [n], dtype);
          pg.zeroGrad();
          mul(binaryCrossEntropy(pg, y, { reduction: 'none' }), w).sum().backward();
          expectSame(pg.grad!, composedGrad(p, y, w), `${backend} ${dtype} gradient (varying dy)`);
        }
      }
    } finally {
      setBackend(before);
    }
  });
});

// ── classification: arbitraries and reference ─────────────────────────────

interface ClassProblem {
  N: number;
  C: number;
  logits: Tensor;
  targets: number[];
  probs: Tensor;
  weight: number[] | null;
  smoothing: number;
  reduction: Reduction;
}

const classProblemArb: fc.Arbitrary<ClassProblem> = fc
  .record({ N: fc.integer({ min: 1, max: 4 }), C: fc.integer({ min: 2, max: 5 }) })
  .chain(({ N, C }) =>
    fc.record({
      N: fc.constant(N),
      C: fc.constant(C),
      logits: arb.tensor({ shape: [N, C], min: -3, max: 3 }),
      targets: fc.array(fc.integer({ min: 0, max: C - 1 }), { minLength: N, maxLength: N }),
      probs: arb.tensor({ shape: [N, C], min: 0, max: 1 }),
      weight: fc.option(fc.array(fc.double({ min: 0.25, max: 2, noNaN: true }), { minLength: C, maxLength: C }), { nil: null }),
      smoothing: fc.constantFrom(0, 0.1, 0.35, 1),
      reduction: reductionArb,
    }),
  );

/** Rows of a [N, C] tensor. */
function rows(t: Tensor): number[][] {
  const [N, C] = t.shape as [number, number];
  return Array.from({ length: N }, (_, i) => Array.from(t.data.subarray(i * C, (i + 1) * C)));
}

function logSoftmaxRef(row: number[]): number[] {
  const m = Math.max(...row);
  const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
  return row.map((v) => v - lse);
}

/**
 * PyTorch's CrossEntropyLoss written from its documentation: per sample −Σ_c w_c·t'_c·log softmax(x)_c with
 * t' = (1 − ε)·t + ε/C (t one-hot for class indices); 'mean' divides by Σ w[tᵢ] of the samples not ignored
 * (class indices) or by N (probabilities).
 */
function crossEntropyRef(
  logits: number[][], target: number[] | number[][], opts: { weight?: number[] | null; smoothing?: number; ignoreIndex?: number; reduction: Reduction },
): number[] {
  const C = logits[0]!.length;
  const w = opts.weight ?? Array<number>(C).fill(1);
  const eps = opts.smoothing ?? 0;
  const ignore = opts.ignoreIndex ?? -100;
  const per: number[] = [];
  let denominator = 0;
  logits.forEach((row, i) => {
    const lp = logSoftmaxRef(row);
    const t = target[i]!;
    if (typeof t === 'number') {
      if (t === ignore) { per.push(0); return; }
      const onehot = lp.map((_, c) => (c === t ? 1 : 0));
      per.push(-lp.reduce((s, v, c) => s + w[c]! * ((1 - eps) * onehot[c]! + eps / C) * v, 0));
      denominator += w[t]!;
    } else {
      per.push(-lp.reduce((s, v, c) => s + w[c]! * ((1 - eps) * t[c]! + eps / C) * v, 0));
      denominator += 1;
    }
  });
  return reduceRef(per, opts.reduction, denominator);
}

// ── crossEntropy / nll ────────────────────────────────────────────────────

describe('crossEntropy', () => {
  it('hand-computed values', () => {
    // log(e¹ + e² + e³) − 3 = log(2.718281828 + 7.389056099 + 20.085536923) − 3 = log(30.192874850) − 3 = 0.40760596444
    expect(crossEntropy(f64([[1, 2, 3]]), [2]).item()).toBeCloseTo(0.40760596444, 10);
    // softmax([0, ln 3]) = [1/4, 3/4]; target 1 with ε = 0.2, C = 2: t' = [0.1, 0.9];
    // −(0.1·ln 0.25 + 0.9·ln 0.75) = 0.1·1.3862944 + 0.9·0.2876821 = 0.1386294 + 0.2589139 = 0.3975433
    expect(crossEntropy(f64([[0, Math.log(3)]]), [1], { labelSmoothing: 0.2 }).item()).toBeCloseTo(0.1 * Math.log(4) + 0.9 * Math.log(4 / 3), 14);
    expect(crossEntropy(f64([[0, Math.log(3)]]), [1], { labelSmoothing: 0.2 }).item()).toBeCloseTo(0.3975433, 7);
    // uniform logits: log C whatever the target
    expect(crossEntropy(f64([[5, 5, 5, 5]]), [3]).item()).toBeCloseTo(Math.log(4), 14);
    // class weights [1, 3]: samples (x=[0,0], t=0) and (x=[0,0], t=1) both log 2 → (1 + 3)·log 2 / (1 + 3) = log 2
    expect(crossEntropy(f64([[0, 0], [0, 0]]), [0, 1], { weight: [1, 3] }).item()).toBeCloseTo(Math.LN2, 14);
    // … and 'sum' is (1 + 3)·log 2
    expect(crossEntropy(f64([[0, 0], [0, 0]]), [0, 1], { weight: [1, 3], reduction: 'sum' }).item()).toBeCloseTo(4 * Math.LN2, 14);
  });

  it('class indices: values against the formula (weights, label smoothing, reductions)', () => {
    fc.assert(
      fc.property(classProblemArb, (p) => {
        const out = crossEntropy(p.logits, p.targets, { weight: p.weight ?? undefined, labelSmoothing: p.smoothing, reduction: p.reduction });
        expect(out.shape).toEqual(p.reduction === 'none' ? [p.N] : []);
        expectClose(out.data, crossEntropyRef(rows(p.logits), p.targets, p), 1e-12);
      }),
      runs,
    );
  });

  it('probability targets: values against the formula (soft targets, weights, label smoothing)', () => {
    fc.assert(
      fc.property(classProblemArb, (p) => {
        const out = crossEntropy(p.logits, p.probs, { weight: p.weight ?? undefined, labelSmoothing: p.smoothing, reduction: p.reduction });
        expectClose(out.data, crossEntropyRef(rows(p.logits), rows(p.probs), p), 1e-12);
      }),
      runs,
    );
  });

  it('ignoreIndex: ignored samples contribute 0 and leave the mean', () => {
    const x = f64([[1, 2, 3], [0.5, -1, 2], [3, 0, 0]]);
    const full = crossEntropy(x, [2, 0, 1], { reduction: 'none' });
    // default ignoreIndex −100, as PyTorch
    const ignored = crossEntropy(x, [2, -100, 1], { reduction: 'none' });
    expect(Array.from(ignored.data)).toEqual([full.data[0], 0, full.data[2]]);
    expect(crossEntropy(x, [2, -100, 1]).item()).toBeCloseTo((full.data[0]! + full.data[2]!) / 2, 14);
    // a custom ignoreIndex, with weights and smoothing, against the reference
    const opts = { ignoreIndex: 1, weight: [0.5, 2, 1.5], labelSmoothing: 0.2 };
    for (const reduction of reductions) {
      expectClose(crossEntropy(x, [2, 1, 0], { ...opts, reduction }).data, crossEntropyRef(rows(x), [2, 1, 0], { ...opts, smoothing: 0.2, reduction }), 1e-12);
    }
    // every sample ignored: 'mean' is 0/0 = NaN (PyTorch), 'sum' is 0
    expect(crossEntropy(x, [-100, -100, -100]).item()).toBeNaN();
    expect(crossEntropy(x, [-100, -100, -100], { reduction: 'sum' }).item()).toBe(0);
  });

  it('equals nll(logSoftmax(x)) for class indices (PyTorch: CrossEntropyLoss = LogSoftmax + NLLLoss)', () => {
    fc.assert(
      fc.property(classProblemArb, fc.boolean(), (p, ignoreFirst) => {
        const t = ignoreFirst && p.N > 1 ? [-100, ...p.targets.slice(1)] : p.targets;
        const opts = { weight: p.weight ?? undefined, reduction: p.reduction };
        expectClose(crossEntropy(p.logits, t, opts).data, nll(logSoftmax(p.logits), t, opts).data, 1e-13);
      }),
      runs,
    );
  });

  it('one-hot probability targets equal class indices (mean without weights; sum with weights)', () => {
    fc.assert(
      fc.property(classProblemArb, (p) => {
        const onehot = fromData(p.targets.flatMap((t) => Array.from({ length: p.C }, (_, c) => (c === t ? 1 : 0))), [p.N, p.C]);
        const a = crossEntropy(p.logits, onehot, { labelSmoothing: p.smoothing, reduction: p.reduction });
        const b = crossEntropy(p.logits, p.targets, { labelSmoothing: p.smoothing, reduction: p.reduction });
        expectClose(a.data, b.data, 1e-13);
        const w = p.weight ?? undefined;
        const sa = crossEntropy(p.logits, onehot, { weight: w, labelSmoothing: p.smoothing, reduction: 'sum' });
        const sb = crossEntropy(p.logits, p.targets, { weight: w, labelSmoothing: p.smoothing, reduction: 'sum' });
        expectClose(sa.data, sb.data, 1e-13);
      }),
      runs,
    );
  });

  it('label smoothing = the smoothed one-hot target (1 − ε)·onehot + ε/C', () => {
    fc.assert(
      fc.property(classProblemArb, (p) => {
        const eps = p.smoothing;
        const smoothed = fromData(p.targets.flatMap((t) => Array.from({ length: p.C }, (_, c) => (1 - eps) * (c === t ? 1 : 0) + eps / p.C)), [p.N, p.C]);
        expectClose(crossEntropy(p.logits, p.targets, { labelSmoothing: eps, reduction: p.reduction }).data, crossEntropy(p.logits, smoothed, { reduction: p.reduction }).data, 1e-13);
      }),
      runs,
    );
  });

  it('target formats: number[], Int32Array and Tensor [N] agree; one sample [C] equals a batch of one', () => {
    const x = f64([[1, -2, 0.5], [0, 3, 1]]);
    const a = crossEntropy(x, [2, 1], { reduction: 'none' });
    expect(Array.from(crossEntropy(x, Int32Array.from([2, 1]), { reduction: 'none' }).data)).toEqual(Array.from(a.data));
    expect(Array.from(crossEntropy(x, f64([2, 1]), { reduction: 'none' }).data)).toEqual(Array.from(a.data));
    expect(Array.from(crossEntropy(x, tensor([2, 1]), { reduction: 'none' }).data)).toEqual(Array.from(a.data)); // float32 indices
    const row = f64([0, 3, 1]);
    const one = crossEntropy(row, 1, { reduction: 'none' });
    expect(one.shape).toEqual([]);
    expect(one.item()).toBe(a.data[1]);
    expect(crossEntropy(row, f64(1, [])).item()).toBe(a.data[1]);
    expect(crossEntropy(row, f64([0, 1, 0])).item()).toBeCloseTo(a.data[1]!, 15);
    expect(nll(logSoftmax(row), 1).item()).toBeCloseTo(a.data[1]!, 15);
  });

  it('gradient is (softmax(x) − onehot)/N', () => {
    fc.assert(
      fc.property(classProblemArb, (p) => {
        const g = gradOf((x) => crossEntropy(x, p.targets), p.logits);
        const sm = softmax(p.logits).data;
        expectClose(g.data, Array.from(sm, (v, k) => (v - (p.targets[Math.floor(k / p.C)] === k % p.C ? 1 : 0)) / p.N), 1e-14);
      }),
      runs,
    );
  });

  it('gradients (float64): class indices, wrt the logits, first and second order', () => {
    fc.assert(
      fc.property(classProblemArb, fc.boolean(), (p, ignoreLast) => {
        const t = ignoreLast && p.N > 1 ? [...p.targets.slice(0, -1), -100] : p.targets;
        const opts = { weight: p.weight ?? undefined, labelSmoothing: p.smoothing, reduction: p.reduction };
        expectGradients((x) => crossEntropy(x!, t, opts), [p.logits], { order: 2 });
      }),
      runs,
    );
  });

  it('gradients (float64): probability targets, wrt logits and targets, first and second order', () => {
    fc.assert(
      fc.property(classProblemArb, (p) => {
        const opts = { weight: p.weight ?? undefined, labelSmoothing: p.smoothing, reduction: p.reduction };
        expectGradients((x, t) => crossEntropy(x!, t!, opts), [p.logits, p.probs], { order: 2 });
      }),
      runs,
    );
  });

  it('gradients (float64): one sample [C]', () => {
    fc.assert(
      fc.property(classProblemArb, reductionArb, (p, r) => {
        const row = fromData(p.logits.data.subarray(0, p.C), [p.C]);
        expectGradients((x) => crossEntropy(x!, p.targets[0]!, { reduction: r, labelSmoothing: p.smoothing }), [row], { order: 2 });
      }),
      runs,
    );
  });
});

describe('nll', () => {
  it('hand-computed values', () => {
    // −logProbs[i, tᵢ]: targets [0, 1] pick −1 and −4 → (1 + 4)/2 = 2.5
    expect(nll(f64([[-1, -2], [-3, -4]]), [0, 1]).item()).toBe(2.5);
    // class weights [1, 3]: per sample [1·1, 3·4] = [1, 12]; sum 13; mean 13/(1 + 3) = 3.25 (PyTorch's weighted mean)
    expect(Array.from(nll(f64([[-1, -2], [-3, -4]]), [0, 1], { weight: [1, 3], reduction: 'none' }).data)).toEqual([1, 12]);
    expect(nll(f64([[-1, -2], [-3, -4]]), [0, 1], { weight: f64([1, 3]), reduction: 'sum' }).item()).toBe(13);
    expect(nll(f64([[-1, -2], [-3, -4]]), [0, 1], { weight: [1, 3] }).item()).toBe(3.25);
    // ignoring the second sample: 1/1
    expect(nll(f64([[-1, -2], [-3, -4]]), [0, -100], { weight: [1, 3] }).item()).toBe(1);
  });

  it('values against the formula', () => {
    fc.assert(
      fc.property(classProblemArb, fc.boolean(), (p, ignoreFirst) => {
        const t = ignoreFirst ? [7, ...p.targets.slice(1)] : p.targets;
        const lp = rows(p.logits);
        const w = p.weight ?? Array<number>(p.C).fill(1);
        const per = t.map((c, i) => (c === 7 ? 0 : -w[c]! * lp[i]![c]!));
        const denominator = t.reduce((s, c) => s + (c === 7 ? 0 : w[c]!), 0);
        const out = nll(p.logits, t, { weight: p.weight ?? undefined, ignoreIndex: 7, reduction: p.reduction });
        const expected = reduceRef(per, p.reduction, denominator);
        if (p.reduction === 'mean' && denominator === 0) expect(out.item()).toBeNaN();
        else expectClose(out.data, expected, 1e-13);
      }),
      runs,
    );
  });

  it('gradients (float64): wrt the log-probabilities, first and second order', () => {
    fc.assert(
      fc.property(classProblemArb, (p) => {
        const opts = { weight: p.weight ?? undefined, reduction: p.reduction };
        expectGradients((x) => nll(x!, p.targets, opts), [p.logits], { order: 2 });
      }),
      runs,
    );
  });
});

// ── reductions ────────────────────────────────────────────────────────────

describe('reductions', () => {
  const x = f64([[0.2, 0.7, 0.4], [0.9, 0.1, 0.5]]);
  const y = f64([[0, 1, 1], [1, 0, 0.5]]);
  // r undefined: the default reduction
  const elementwise: [string, (r?: Reduction) => Tensor][] = [
    ['mse', (r) => mse(x, y, { reduction: r })],
    ['mae', (r) => mae(x, y, { reduction: r })],
    ['huber', (r) => huber(x, y, { reduction: r, delta: 0.3 })],
    ['binaryCrossEntropy', (r) => binaryCrossEntropy(x, y, { reduction: r })],
    ['binaryCrossEntropyWithLogits', (r) => binaryCrossEntropyWithLogits(x, y, { reduction: r })],
  ];
  for (const [name, f] of elementwise) {
    it(`${name}: none is per element, sum = Σ none, mean = Σ none / count (the default)`, () => {
      const none = f('none');
      expect(none.shape).toEqual([2, 3]);
      const s = Array.from(none.data).reduce((a, b) => a + b, 0);
      expectClose([f('sum').item()], [s], 1e-15);
      expectClose([f('mean').item()], [s / 6], 1e-15);
      expect(f().item()).toBe(f('mean').item());
    });
  }
  it('crossEntropy and nll: none is per sample', () => {
    expect(crossEntropy(x, [0, 2], { reduction: 'none' }).shape).toEqual([2]);
    expect(nll(x, [0, 2], { reduction: 'none' }).shape).toEqual([2]);
    expect(crossEntropy(x, y, { reduction: 'none' }).shape).toEqual([2]);
    expect(crossEntropy(x, [0, 2]).shape).toEqual([]);
  });
});

// ── stability ─────────────────────────────────────────────────────────────

describe('stability', () => {
  it('crossEntropy: finite losses and gradients for logits of magnitude 1e4', () => {
    const x = f64([[1e4, -1e4, 0], [-1e4, 1e4, 1e4], [1e4, 1e4, -1e4]]);
    const t = [1, 0, 2];
    const loss = crossEntropy(x, t, { reduction: 'none' });
    // the target logit is 2e4 below the max: loss = 2e4; in row 2, max 1e4 twice: 2e4 + log 2
    expectClose(loss.data, [2e4, 2e4 + Math.LN2, 2e4 + Math.LN2], 1e-15);
    const g = gradOf((a) => crossEntropy(a, t, { reduction: 'sum' }), x);
    expect(allFinite(g)).toBe(true);
    // softmax − onehot; the 0.5s come from exp(log ½) with log ½ = 1e4 − (1e4 + log 2), rounded at the
    // scale of 1e4 (ulp 1.8e-12), hence the tolerance
    expectClose(g.data, [1, -1, 0, -1, 0.5, 0.5, 0.5, 0.5, -1], 1e-11);
    // probability targets and label smoothing, float32 too
    for (const dtype of ['float32', 'float64'] as const) {
      const xd = x.astype(dtype);
      const probs = fromData([0, 1, 0, 0.5, 0.5, 0, 0, 0, 1], [3, 3], dtype);
      for (const f of [(a: Tensor) => crossEntropy(a, probs), (a: Tensor) => crossEntropy(a, t, { labelSmoothing: 0.1 })]) {
        expect(allFinite(f(xd))).toBe(true);
        expect(allFinite(gradOf(f, xd))).toBe(true);
      }
    }
  });

  it('binaryCrossEntropyWithLogits: finite at logits ±1e4 (values and gradients σ(x) − y)', () => {
    const x = f64([1e4, -1e4, 1e4, -1e4]);
    const y = f64([1, 1, 0, 0]);
    // y = 1: softplus(−x) → 0 and 1e4; y = 0: softplus(x) → 1e4 and 0
    expectClose(binaryCrossEntropyWithLogits(x, y, { reduction: 'none' }).data, [0, 1e4, 1e4, 0], 1e-15);
    expectClose(gradOf((a) => binaryCrossEntropyWithLogits(a, y, { reduction: 'sum' }), x).data, [0, -1, 1, 0], 0);
    for (const dtype of ['float32', 'float64'] as const) {
      const f = (a: Tensor) => binaryCrossEntropyWithLogits(a, y.astype(dtype), { posWeight: 3 });
      expect(allFinite(f(x.astype(dtype)))).toBe(true);
      expect(allFinite(gradOf(f, x.astype(dtype)))).toBe(true);
    }
  });

  it('sigmoid + binaryCrossEntropy saturates where the logits form does not', () => {
    // σ(−1e4) = 0 exactly: the clamped loss is 100 and the gradient through sigmoid is 0
    const x = f64([-1e4]), y = f64([1]);
    expect(binaryCrossEntropy(sigmoid(x), y).item()).toBe(100);
    expectClose([gradOf((a) => binaryCrossEntropy(sigmoid(a), y), x).item()], [0], 0);
    expect(gradOf((a) => binaryCrossEntropyWithLogits(a, y), x).item()).toBe(-1);
  });

  it('binaryCrossEntropy: finite at p = 0 and p = 1 (log clamped at −100, gradient denominator at 1e-12)', () => {
    const p = f64([0, 0, 1, 1]);
    const y = f64([0, 1, 0, 1]);
    expectClose(binaryCrossEntropy(p, y, { reduction: 'none' }).data, [0, 100, 100, 0], 0);
    // ∂/∂p = (p − y)/max(p(1 − p), 1e-12): [0, −1e12, 1e12, 0]
    const g = gradOf((a) => binaryCrossEntropy(a, y, { reduction: 'sum' }), p);
    expect(Array.from(g.data)).toEqual([0, -1e12, 1e12, 0]);
    // ∂/∂y = log(1 − p) − log p, clamped: [100, 100, −100, −100]
    const gy = gradOf((b) => binaryCrossEntropy(p, b, { reduction: 'sum' }), y);
    expect(Array.from(gy.data)).toEqual([100, 100, -100, -100]);
    // float32 as well
    expect(allFinite(gradOf((a) => binaryCrossEntropy(a, y.astype('float32')), p.astype('float32')))).toBe(true);
  });
});

// ── errors ────────────────────────────────────────────────────────────────

describe('errors', () => {
  const x = f64([[1, 2, 3], [4, 5, 6]]);
  it('shape mismatches name the loss and both shapes (no silent broadcasting)', () => {
    for (const [name, f] of [
      ['mse', mse], ['mae', mae], ['huber', huber], ['binaryCrossEntropy', binaryCrossEntropy], ['binaryCrossEntropyWithLogits', binaryCrossEntropyWithLogits],
    ] as [string, (a: Tensor, b: Tensor) => Tensor][]) {
      expect(() => f(f64([0.5, 0.5, 0.5]), f64([[0.5, 0.5, 0.5]]))).toThrow(new RegExp(`^${name}: input has shape \\[3\\] but target has shape \\[1,3\\]`));
    }
    expect(() => mse(x, f64([1, 2, 3]))).toThrow(/mse: input has shape \[2,3\] but target has shape \[3\].*no broadcasting/);
  });

  it('dtype mismatches and non-tensors', () => {
    expect(() => mse(f64([1]), tensor([1]))).toThrow(/mse: input is float64 \[1\] but target is float32 \[1\]; convert one with \.astype/);
    expect(() => mse(f64([1]), [1] as unknown as Tensor)).toThrow(/mse: target must be a Tensor, got an array/);
    expect(() => crossEntropy(x, tensor([[0, 1, 0], [1, 0, 0]]))).toThrow(/crossEntropy: logits is float64 .* but target is float32/);
  });

  it('class range errors name the bad index and C', () => {
    expect(() => crossEntropy(x, [0, 3])).toThrow(/crossEntropy: target\[1\] = 3 is not a valid class index for 3 classes: class indices must be integers in \[0, 2\]/);
    expect(() => crossEntropy(x, [-1, 0])).toThrow(/target\[0\] = -1 .* 3 classes/);
    expect(() => crossEntropy(x, [0.5, 0])).toThrow(/target\[0\] = 0.5 .*integers/);
    expect(() => nll(x, f64([1, 9]))).toThrow(/nll: target\[1\] = 9 is not a valid class index for 3 classes/);
    expect(() => crossEntropy(f64([1, 2]), 2)).toThrow(/target\[0\] = 2 .* 2 classes/);
  });

  it('wrong target shapes', () => {
    expect(() => crossEntropy(x, [0, 1, 2])).toThrow(/crossEntropy: target has 3 class indices but input has 2 samples/);
    expect(() => crossEntropy(x, f64([0, 1, 2]))).toThrow(/crossEntropy: target has shape \[3\], which does not fit input \[2,3\].*2 class indices.*or probabilities \[2,3\]/);
    expect(() => crossEntropy(x, f64([[0, 1], [1, 0]]))).toThrow(/target has shape \[2,2\]/);
    expect(() => crossEntropy(x, 1)).toThrow(/target is a single number but input is a batch \[2,3\]/);
    expect(() => crossEntropy(f64([1, 2, 3]), [1])).toThrow(/target is an array but input \[3\] is one sample/);
    expect(() => crossEntropy(tensor([[[1, 2]]] as never, { dtype: 'float64' }), [0])).toThrow(/crossEntropy: logits must have shape \[N, C\] \(a batch\) or \[C\] \(one sample\), got \[1,1,2\]/);
    expect(() => nll(x, f64([[0, 1, 0], [1, 0, 0]]))).toThrow(/nll: target has shape \[2,3\] \(probabilities\?\); nll takes class indices/);
    expect(() => crossEntropy(x, 'a' as unknown as number[])).toThrow(/crossEntropy: target must be class indices/);
  });

  it('probabilities outside [0, 1]', () => {
    expect(() => binaryCrossEntropy(f64([0.5, 1.5]), f64([0, 1]))).toThrow(/binaryCrossEntropy: input must lie in \[0, 1\], got 1.5 at flat index 1 .*binaryCrossEntropyWithLogits/);
    expect(() => binaryCrossEntropy(f64([-0.1]), f64([0]))).toThrow(/got -0.1/);
    expect(() => binaryCrossEntropy(f64([NaN]), f64([0]))).toThrow(/got NaN/);
    expect(() => binaryCrossEntropy(f64([0.5]), f64([2]))).toThrow(/binaryCrossEntropy: target must lie in \[0, 1\], got 2/);
  });

  it('probabilities outside [0, 1] in large float32 tensors, on both kernel backends (the check reduces with kernels)', () => {
    const before = getBackend().name;
    try {
      for (const backend of getBackend().simd ? (['ts', 'wasm'] as const) : (['ts'] as const)) {
        setBackend(backend);
        // [100, 100]: 10 000 float32 values, enough for the WebAssembly reductions; ±0 and 1 are valid.
        const ok = (): Float32Array => Float32Array.from({ length: 10_000 }, (_, i) => (i % 7) / 6).fill(-0, 3, 4);
        const t = (d: Float32Array): Tensor => new Tensor(d, [100, 100], 'float32');
        expect(binaryCrossEntropy(t(ok()), t(ok())).item()).toBeGreaterThan(0);
        for (const [bad, shown] of [[NaN, 'NaN'], [-0.1, String(Math.fround(-0.1))], [1.1, String(Math.fround(1.1))], [Infinity, 'Infinity']] as const) {
          const p = ok();
          p[9001] = bad;
          expect(() => binaryCrossEntropy(t(p), t(ok())), `${backend} ${bad}`).toThrow(
            `binaryCrossEntropy: input must lie in [0, 1], got ${shown} at flat index 9001 (shape [100,100]); pass probabilities`,
          );
          expect(() => binaryCrossEntropy(t(ok()), t(p)), `${backend} ${bad}`).toThrow(
            `binaryCrossEntropy: target must lie in [0, 1], got ${shown} at flat index 9001 (shape [100,100]); targets are probabilities`,
          );
        }
        // Several bad values: the first in flat order is named, whatever the reductions met first.
        const p = ok();
        p[8000] = NaN;
        p[5] = 1.5;
        expect(() => binaryCrossEntropy(t(p), t(ok()))).toThrow(/got 1.5 at flat index 5 /);
      }
    } finally {
      setBackend(before);
    }
  });

  it('unknown reduction and bad options', () => {
    for (const f of [
      () => mse(x, x, { reduction: 'avg' as Reduction }),
      () => crossEntropy(x, [0, 1], { reduction: 'batchmean' as Reduction }),
      () => nll(x, [0, 1], { reduction: 'Mean' as Reduction }),
      () => binaryCrossEntropyWithLogits(x, x, { reduction: 'sum_over_batch_size' as Reduction }),
    ]) expect(f).toThrow(/unknown reduction '.*'; use 'mean', 'sum' or 'none'/);
    expect(() => crossEntropy(x, [0, 1], { label_smoothing: 0.1 } as never)).toThrow(/crossEntropy: unknown option 'label_smoothing'; the options are reduction, weight, ignoreIndex, labelSmoothing/);
    expect(() => mse(x, x, 'sum' as never)).toThrow(/mse: options must be an object/);
    expect(() => huber(x, x, { delta: 0 })).toThrow(/huber: delta must be a finite number > 0, got 0/);
    expect(() => crossEntropy(x, [0, 1], { labelSmoothing: 1.5 })).toThrow(/labelSmoothing must be a number in \[0, 1\], got 1.5/);
    expect(() => crossEntropy(x, [0, 1], { weight: [1, 2] })).toThrow(/crossEntropy: weight has 2 entries but there are 3 classes/);
    expect(() => crossEntropy(x, f64([[0, 1, 0], [1, 0, 0]]), { ignoreIndex: 0 })).toThrow(/ignoreIndex applies to class-index targets only/);
    expect(() => nll(x, [0, 1], { ignoreIndex: 0.5 })).toThrow(/nll: ignoreIndex must be an integer/);
    expect(() => binaryCrossEntropy(f64([0.5]), f64([1]), { eps: 0.7 })).toThrow(/eps must be a number in \[0, 0.5\)/);
    expect(() => binaryCrossEntropy(f64([0.5, 0.5]), f64([1, 1]), { weight: f64([1, 2, 3]) })).toThrow(/binaryCrossEntropy: weight has shape \[3\], which does not broadcast to the input's shape \[2\]/);
    expect(() => binaryCrossEntropyWithLogits(f64([0.5]), f64([1]), { posWeight: f64([1, 2]) })).toThrow(/posWeight has shape \[2\], which does not broadcast/);
  });
});
