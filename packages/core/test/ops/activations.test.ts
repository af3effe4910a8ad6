import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { tensor, Tensor, gt, mul, square, sub, sum, type DType } from '../../src/index';
import { gradients } from '../../src/autograd/backward';
import {
  sigmoid, tanh, relu, leakyRelu, elu, selu, softplus, logSigmoid, softmax, logSoftmax, sigmoidBackward, tanhBackward, reluBackward,
} from '../../src/ops/activations';
import { arb, domains, gradcheck, gradgradcheck, type Domain } from '../../src/testing/index';

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

// ── gradient specs: one row per activation (and option setting), its domain, smoothness, axis ──
interface Spec {
  name: string;
  /** The op; `axis` is only passed to rows with `axis: true`. */
  f: (x: Tensor, axis: number) => Tensor;
  domain: Domain;
  /** Smooth on the domain: also check second order. */
  smooth: boolean;
  /** Draw a random axis with arb.axisFor. */
  axis?: boolean;
}
const specs: Spec[] = [
  { name: 'sigmoid', f: sigmoid, domain: domains.real, smooth: true },
  { name: 'sigmoid (wide)', f: sigmoid, domain: domains.wide, smooth: true },
  { name: 'tanh', f: tanh, domain: domains.real, smooth: true },
  // relu is linear on each side of 0: second order checked there too (its backward is the op reluBackward).
  { name: 'relu', f: relu, domain: domains.nonZero, smooth: true },
  { name: 'leakyRelu', f: (x) => leakyRelu(x), domain: domains.nonZero, smooth: false },
  { name: 'leakyRelu (slope 0.3)', f: (x) => leakyRelu(x, 0.3), domain: domains.nonZero, smooth: false },
  // elu/selu are C¹ at 0 only for α = 1 and never C²: keep away from 0 for both orders.
  { name: 'elu', f: (x) => elu(x), domain: domains.nonZero, smooth: true },
  { name: 'elu (alpha 0.5)', f: (x) => elu(x, 0.5), domain: domains.nonZero, smooth: true },
  { name: 'selu', f: selu, domain: domains.nonZero, smooth: true },
  { name: 'softplus', f: (x) => softplus(x), domain: domains.wide, smooth: true },
  // The linear switch is at βx = threshold, i.e. x = 3/2: a jump of (1/2)·log1p(e⁻³) ≈ 0.0247, avoided.
  { name: 'softplus (beta 2, threshold 3)', f: (x) => softplus(x, { beta: 2, threshold: 3 }), domain: { min: -3, max: 3, avoid: [1.5], margin: 0.05 }, smooth: true },
  { name: 'softplus (beta -1.5)', f: (x) => softplus(x, { beta: -1.5 }), domain: domains.real, smooth: true },
  { name: 'logSigmoid', f: logSigmoid, domain: domains.wide, smooth: true },
  { name: 'softmax', f: softmax, domain: domains.real, smooth: true, axis: true },
  { name: 'logSoftmax', f: logSoftmax, domain: domains.real, smooth: true, axis: true },
];

/** A float64 tensor of random shape (rank 0–3) from the domain, with a random valid axis. */
function inputFor(s: Spec, maxDim: number) {
  return arb.shape({ maxRank: 3, maxDim }).chain((shape) =>
    fc.tuple(arb.tensor({ shape, domain: s.domain }), s.axis ? arb.axisFor(shape) : fc.constant(-1)),
  );
}

function gradProperty(s: Spec, order: 1 | 2, maxDim: number) {
  return fc.property(inputFor(s, maxDim), ([x, axis]) => {
    const f = (t: Tensor) => s.f(t, axis);
    const r1 = gradcheck(f, [x]);
    if (!r1.ok) throw new Error(r1.message);
    if (order === 2) {
      const r2 = gradgradcheck(f, [x]);
      if (!r2.ok) throw new Error(r2.message);
    }
  });
}

describe('gradients (float64, property-based)', () => {
  for (const s of specs) {
    it(`${s.name}: first order`, () => {
      fc.assert(gradProperty(s, 1, 4), { numRuns: 20 });
    });
    if (s.smooth) {
      it(`${s.name}: second order`, () => {
        fc.assert(gradProperty(s, 2, 3), { numRuns: 10 });
      });
    }
  }
});

// ── values against direct formulas ────────────────────────────────────────

const softplusRef = (v: number, beta = 1, threshold = 20) => (beta * v > threshold ? v : Math.log1p(Math.exp(beta * v)) / beta);
const eluRef = (v: number, alpha = 1) => (v > 0 ? v : alpha * (Math.exp(v) - 1));
const elementwise: [string, (x: Tensor) => Tensor, (v: number) => number][] = [
  ['sigmoid', sigmoid, (v) => 1 / (1 + Math.exp(-v))],
  ['tanh', tanh, Math.tanh],
  ['relu', relu, (v) => Math.max(v, 0)],
  ['leakyRelu', (x) => leakyRelu(x), (v) => (v > 0 ? v : 0.01 * v)],
  ['leakyRelu (0.2)', (x) => leakyRelu(x, 0.2), (v) => (v > 0 ? v : 0.2 * v)],
  ['elu', (x) => elu(x), (v) => eluRef(v)],
  ['elu (alpha 2)', (x) => elu(x, 2), (v) => eluRef(v, 2)],
  ['selu', selu, (v) => SELU_SCALE * eluRef(v, SELU_ALPHA)],
  ['softplus', (x) => softplus(x), (v) => softplusRef(v)],
  ['logSigmoid', logSigmoid, (v) => Math.log(1 / (1 + Math.exp(-v)))],
];

/** Reference softmax along `axis` by index arithmetic (x viewed as [outer, n, inner]). */
function softmaxRef(x: Tensor, axis: number, log: boolean): number[] {
  const ax = x.ndim === 0 ? 0 : axis < 0 ? axis + x.ndim : axis;
  const n = x.ndim === 0 ? 1 : x.shape[ax]!;
  const inner = x.shape.slice(ax + 1).reduce((p, d) => p * d, 1);
  const outer = x.size / (n * inner);
  const out = new Array<number>(x.size);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const idx = Array.from({ length: n }, (_, j) => o * n * inner + j * inner + i);
      const z = idx.reduce((p, k) => p + Math.exp(x.data[k]!), 0);
      for (const k of idx) out[k] = log ? x.data[k]! - Math.log(z) : Math.exp(x.data[k]!) / z;
    }
  }
  return out;
}

describe('values', () => {
  it('elementwise activations match their formulas', () => {
    fc.assert(fc.property(arb.tensor({ domain: domains.wide }), (x) => {
      for (const [name, f, ref] of elementwise) {
        const y = f(x);
        expect(y.shape, name).toEqual(x.shape);
        y.data.forEach((v, i) => expect(v, `${name}(${x.data[i]})`).toBeCloseTo(ref(x.data[i]!), 12));
      }
    }), { numRuns: 20 });
  });
  it('softmax and logSoftmax match exp(x)/Σexp(x) along a random axis', () => {
    const input = arb.shape({ maxRank: 3 }).chain((s) => fc.tuple(arb.tensor({ shape: s, domain: domains.wide }), arb.axisFor(s)));
    fc.assert(fc.property(input, ([x, axis]) => {
      const [p, lp] = [softmax(x, axis), logSoftmax(x, axis)];
      expect(p.shape).toEqual(x.shape);
      softmaxRef(x, axis, false).forEach((v, i) => expect(p.data[i]).toBeCloseTo(v, 12));
      softmaxRef(x, axis, true).forEach((v, i) => expect(lp.data[i]).toBeCloseTo(v, 12));
    }), { numRuns: 25 });
  });
  it('softmax rows sum to 1', () => {
    const input = arb.shape({ minRank: 1, maxRank: 3 }).chain((s) => fc.tuple(arb.tensor({ shape: s, min: -50, max: 50 }), arb.axisFor(s)));
    fc.assert(fc.property(input, ([x, axis]) => {
      const s = sum(softmax(x, axis), axis);
      s.data.forEach((v) => expect(v).toBeCloseTo(1, 12));
      const t = sum(logSoftmax(x, axis).exp(), axis);
      t.data.forEach((v) => expect(v).toBeCloseTo(1, 12));
    }), { numRuns: 25 });
  });
  it('default axis is the last; a 0-d tensor is one element', () => {
    // softmax([1, 2]) = [1, e] / (1 + e) = [0.26894, 0.73106]
    const y = softmax(tensor([[1, 2], [3, 3]], { dtype: 'float64' }));
    expect((y.toArray() as number[][])[0]![0]).toBeCloseTo(1 / (1 + Math.E), 12);
    expect((y.toArray() as number[][])[1]).toEqual([0.5, 0.5]);
    const x = tensor(3, { requiresGrad: true });
    expect(softmax(x).item()).toBe(1);
    expect(logSoftmax(x, 0).item()).toBe(0);
    mul(softmax(x), 5).backward();
    expect(x.grad!.item()).toBe(0);
  });
  it('second derivatives match hand-computed values (paths through the output and the input both count)', () => {
    const x = tensor([0.3], { requiresGrad: true, dtype: 'float64' });
    // σ'' = σ'·(1 − 2σ): at 0.3, σ = 0.574443, σ' = 0.244458, σ'' = 0.244458·(−0.148885) = −0.036396
    const s = 1 / (1 + Math.exp(-0.3));
    const [g] = gradients(sum(sigmoid(x)), [x], { createGraph: true });
    expect(gradients(sum(g!), [x])[0]!.item()).toBeCloseTo(s * (1 - s) * (1 - 2 * s), 12);
    // tanh'' = −2·tanh·(1 − tanh²)
    const t = Math.tanh(0.3);
    const [h] = gradients(sum(tanh(x)), [x], { createGraph: true });
    expect(gradients(sum(h!), [x])[0]!.item()).toBeCloseTo(-2 * t * (1 - t * t), 12);
  });
  it('relu has gradient 0 at 0; leakyRelu the slope; elu α (as in PyTorch)', () => {
    const x = tensor([0, 0, 0], { requiresGrad: true, dtype: 'float64' });
    const [a, b, c] = [relu(x), leakyRelu(x, 0.2), elu(x, 1.5)];
    expect([a.toArray(), b.toArray(), c.toArray()]).toEqual([[0, 0, 0], [0, 0, 0], [0, 0, 0]]);
    relu(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 0, 0]);
    x.zeroGrad();
    leakyRelu(x, 0.2).sum().backward();
    expect(x.grad!.toArray()).toEqual([0.2, 0.2, 0.2]);
    x.zeroGrad();
    elu(x, 1.5).sum().backward();
    expect(x.grad!.toArray()).toEqual([1.5, 1.5, 1.5]);
  });
  it('PyTorch defaults: leakyRelu slope 0.01, selu constants', () => {
    expect(leakyRelu(tensor([-1], { dtype: 'float64' })).item()).toBe(-0.01);
    // selu(-1) = λ·α·(e⁻¹ − 1) = 1.0507·1.6733·(−0.63212) = −1.11133
    expect(selu(tensor([-1], { dtype: 'float64' })).item()).toBeCloseTo(SELU_SCALE * SELU_ALPHA * (Math.exp(-1) - 1), 14);
    expect(selu(tensor([2], { dtype: 'float64' })).item()).toBeCloseTo(2 * SELU_SCALE, 14);
  });
  it('softplus with beta=2, threshold=5 follows PyTorch on both sides of the threshold', () => {
    // βx = −6, 0, 2, 4.8, 5 (not > 5: smooth), 5.2 (linear), 20 (linear)
    const pts = [-3, 0, 1, 2.4, 2.5, 2.6, 10];
    const x = tensor(pts, { requiresGrad: true, dtype: 'float64' });
    const y = softplus(x, { beta: 2, threshold: 5 });
    // e.g. x = 2.5: (1/2)·log(1 + e⁵) = (1/2)·5.00671535 = 2.50335767; x = 2.6: 2.6 exactly.
    pts.forEach((v, i) => expect(y.data[i]).toBeCloseTo(softplusRef(v, 2, 5), 14));
    expect(y.data[4]).toBeCloseTo(2.50335767, 8);
    expect(y.data[5]).toBe(2.6);
    y.sum().backward();
    // ∂/∂x = σ(βx) in the smooth region, 1 in the linear one.
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    pts.forEach((v, i) => expect(x.grad!.data[i]).toBeCloseTo(2 * v > 5 ? 1 : sig(2 * v), 14));
  });
  it('NaN passes through', () => {
    for (const f of [sigmoid, tanh, relu, (t: Tensor) => leakyRelu(t), (t: Tensor) => elu(t), selu, (t: Tensor) => softplus(t), logSigmoid]) {
      expect(Number.isNaN(f(tensor([NaN])).item())).toBe(true);
    }
  });
});

// ── the fused backwards: sigmoidBackward, tanhBackward, reluBackward ──────

/** y's domain: [-2, 2] (polynomials: no kinks to avoid), for reluBackward away from its step at y = 0. */
const fused = [
  { name: 'sigmoidBackward', f: sigmoidBackward, act: sigmoid, composed: (y: Tensor, dy: Tensor) => mul(dy, mul(y, sub(1, y))), yDomain: domains.real },
  { name: 'tanhBackward', f: tanhBackward, act: tanh, composed: (y: Tensor, dy: Tensor) => mul(dy, sub(1, square(y))), yDomain: domains.real },
  { name: 'reluBackward', f: reluBackward, act: relu, composed: (y: Tensor, dy: Tensor) => mul(dy, gt(y, 0)), yDomain: domains.nonZero },
];

/** Two float64 tensors of one random shape (y, dy): y from yDomain, dy from [-2, 2]. */
const sameShapePair = (yDomain: Domain) =>
  arb.shape({ maxRank: 3, maxDim: 4 }).chain((shape) => fc.tuple(arb.tensor({ shape, domain: yDomain }), arb.tensor({ shape })));

/** Bit for bit: ±0 told apart, any NaN equal to any NaN. */
function expectBitsEqual(got: Tensor, want: Tensor, what: string): void {
  expect(got.shape, what).toEqual(want.shape);
  expect(got.dtype, what).toBe(want.dtype);
  for (let i = 0; i < want.size; i++) {
    const a = got.data[i]!, b = want.data[i]!;
    if (!(Object.is(a, b) || (a !== a && b !== b))) throw new Error(`${what} at ${i}: ${a}, composed ops ${b}`);
  }
}

describe('sigmoidBackward / tanhBackward / reluBackward', () => {
  for (const { name, f, act, composed, yDomain } of fused) {
    it(`${name}: gradients (float64, first and second order, property-based)`, () => {
      fc.assert(fc.property(sameShapePair(yDomain), ([y, dy]) => {
        for (const r of [gradcheck(f, [y, dy]), gradgradcheck(f, [y, dy])]) if (!r.ok) throw new Error(r.message);
      }), { numRuns: 15 });
    });

    it(`${name}: gradients with broadcasting (the composed fallback), first and second order`, () => {
      fc.assert(fc.property(arb.broadcastablePair({ domain: yDomain }), ([y, dy]) => {
        for (const r of [gradcheck(f, [y!, dy!]), gradgradcheck(f, [y!, dy!])]) if (!r.ok) throw new Error(r.message);
      }), { numRuns: 10 });
    });

    it(`${name}: the composed ops' value bit for bit, float32 and float64, across the WASM chunk`, () => {
      // 9000 > the WASM kernels' 8192-float chunk and not a multiple of 4; special values included.
      for (const dtype of ['float32', 'float64'] as const) {
        for (const n of [1, 7, 70, 9001]) {
          const vals = (k: number) => Array.from({ length: n }, (_, i) => [0, -0, 1, 0.5, NaN, Infinity, -Infinity][(i + k) % 23] ?? Math.sin(i * 12.9898 + k) * 1.2);
          const y = tensor(vals(0), { dtype }), dy = tensor(vals(5).map((v) => 3 * v), { dtype });
          expectBitsEqual(f(y, dy), composed(y, dy), `${name} ${dtype} n=${n}`);
        }
      }
      // Broadcasting shapes take the composed path.
      const y = tensor([[0.25], [0.5], [0.75]]), dy = tensor([[1, -2, 3, 0.1]]);
      expectBitsEqual(f(y, dy), composed(y, dy), `${name} [3,1] with [1,4]`);
    });

    it(`${act.opName}'s float32 gradient is the composed formula's bit for bit (what W3 relies on)`, () => {
      const n = 9001;
      const x = tensor(Array.from({ length: n }, (_, i) => Math.sin(i * 7.31) * 6), { requiresGrad: true });
      const w = tensor(Array.from({ length: n }, (_, i) => Math.cos(i * 3.7)));
      const y = act(x);
      mul(y, w).sum().backward();
      expectBitsEqual(x.grad!, composed(y.detach(), w), `${act.opName} backward`);
    });
  }

  it('hand-computed values and their gradients', () => {
    const y = tensor([0.5, 0.9], { dtype: 'float64', requiresGrad: true });
    const dy = tensor([2, 1], { dtype: 'float64', requiresGrad: true });
    // sigmoidBackward = dy·y·(1 − y) = [2·0.5·0.5, 1·0.9·0.1] = [0.5, 0.09]
    const s = sigmoidBackward(y, dy);
    expect(Array.from(s.data)).toEqual([0.5, 1 * (0.9 * (1 - 0.9))]);
    s.sum().backward();
    // ∂/∂y = dy·(1 − 2y) = [0, 1·(1 − 1.8)] = [0, −0.8]; ∂/∂dy = y·(1 − y) = [0.25, 0.09]
    expect(y.grad!.data[0]).toBe(0);
    expect(y.grad!.data[1]).toBeCloseTo(-0.8, 14);
    expect(dy.grad!.data[0]).toBe(0.25);
    expect(dy.grad!.data[1]).toBeCloseTo(0.09, 14);
    y.zeroGrad();
    dy.zeroGrad();
    // tanhBackward = dy·(1 − y²) = [2·0.75, 1·0.19]; ∂/∂y = −2·dy·y = [−2, −1.8]; ∂/∂dy = 1 − y² = [0.75, 0.19]
    tanhBackward(y, dy).sum().backward();
    expect(y.grad!.data[0]).toBe(-2);
    expect(y.grad!.data[1]).toBeCloseTo(-1.8, 14);
    expect(dy.grad!.data[0]).toBe(0.75);
    expect(dy.grad!.data[1]).toBeCloseTo(0.19, 14);
  });

  it('reluBackward: hand-computed values, −0 and NaN as the composed product gives them, and its gradients', () => {
    const y = tensor([0, 3, 0, 0, 2], { dtype: 'float64', requiresGrad: true });
    const dy = tensor([2, 5, -1, Infinity, NaN], { dtype: 'float64', requiresGrad: true });
    const r = reluBackward(y, dy);
    // [2·0, 5·1, −1·0, ∞·0, NaN·1] = [0, 5, −0, NaN, NaN]
    expect(Object.is(r.data[0], 0) && r.data[1] === 5 && Object.is(r.data[2], -0)).toBe(true);
    expect(Number.isNaN(r.data[3]!) && Number.isNaN(r.data[4]!)).toBe(true);
    reluBackward(y, tensor([2, 5, -1, 4, 1], { dtype: 'float64', requiresGrad: true })).sum().backward();
    expect(y.grad).toBeNull(); // ∂/∂y = 0 wherever defined: no gradient, as gt gives none
    const dy2 = tensor([1, 1, 1], { requiresGrad: true });
    reluBackward(tensor([-1, 0.5, 0]), dy2).sum().backward();
    expect(Array.from(dy2.grad!.data)).toEqual([0, 1, 0]); // ∂/∂dy = [y > 0]
  });

  it('dtypes must match and shapes must broadcast, naming the op', () => {
    expect(() => reluBackward(tensor([0.5]), tensor([1], { dtype: 'float64' }))).toThrow(/^reluBackward: dtype mismatch/);
    expect(() => sigmoidBackward(tensor([0.5]), tensor([1], { dtype: 'float64' }))).toThrow(/^sigmoidBackward: dtype mismatch/);
    expect(() => tanhBackward(tensor([0.5, 0.1]), tensor([1, 2, 3]))).toThrow(/^tanhBackward: .*\[2\].*\[3\]/);
  });
});

// ── stability at |x| = 1e4 in both dtypes ─────────────────────────────────

/** y = f(x) and the gradient of Σ w·y (w = 1, 2, 3, … so softmax's gradient is not trivially 0). */
function valueAndGrad(f: (x: Tensor) => Tensor, values: number[], dtype: DType): [number[], number[]] {
  const x = tensor(values, { requiresGrad: true, dtype });
  const y = f(x);
  mul(y, tensor(values.map((_, i) => i + 1), { dtype })).sum().backward();
  return [Array.from(y.data), Array.from(x.grad!.data)];
}

function expectFinite(xs: number[]): void {
  for (const v of xs) expect(Number.isFinite(v)).toBe(true);
}

describe.each<DType>(['float32', 'float64'])('stability at ±1e4 (%s)', (dtype) => {
  it('sigmoid saturates to exactly 1 and 0', () => {
    const [y, g] = valueAndGrad(sigmoid, [1e4, -1e4], dtype);
    expect(y).toEqual([1, 0]);
    expect(g).toEqual([0, 0]);
  });
  it('tanh saturates to ±1', () => {
    const [y, g] = valueAndGrad(tanh, [1e4, -1e4], dtype);
    expect(y).toEqual([1, -1]);
    expect(g).toEqual([0, 0]);
  });
  it('logSigmoid(−1e4) = −1e4 and logSigmoid(1e4) = 0', () => {
    const [y, g] = valueAndGrad(logSigmoid, [1e4, -1e4], dtype);
    expect(y).toEqual([0, -1e4]);
    // ∂/∂x = σ(−x), weighted by [1, 2]: [σ(−1e4), 2·σ(1e4)] = [0, 2]
    expect(g).toEqual([0, 2]);
  });
  it('softplus(1e4) = 1e4 and softplus(−1e4) = 0, also without the linear region', () => {
    for (const opts of [{}, { threshold: Infinity }, { beta: 3 }]) {
      const [y, g] = valueAndGrad((x) => softplus(x, opts), [1e4, -1e4], dtype);
      expect(y).toEqual([1e4, 0]);
      // ∂/∂x = σ(βx), weighted by [1, 2]: [1, 0]
      expect(g).toEqual([1, 0]);
    }
  });
  it('softmax and logSoftmax with 1e4 in a row', () => {
    const [p, gp] = valueAndGrad((x) => softmax(x), [1e4, 0], dtype);
    expect(p).toEqual([1, 0]);
    expectFinite(gp);
    const [lp, glp] = valueAndGrad((x) => logSoftmax(x), [1e4, 0], dtype);
    expect(lp).toEqual([0, -1e4]);
    // dy − softmax·Σdy = [1, 2] − [1, 0]·3 = [−2, 2]
    expect(glp).toEqual([-2, 2]);
    const [q, gq] = valueAndGrad((x) => softmax(x), [-1e4, 1e4, 0, 1e4], dtype);
    expect(q).toEqual([0, 0.5, 0, 0.5]);
    expectFinite(gq);
    const [lq, glq] = valueAndGrad((x) => logSoftmax(x), [-1e4, 1e4, 0, 1e4], dtype);
    // log Σ eˣ = 1e4 + log 2, so logSoftmax = x − 1e4 − log 2 = [−2e4 − ln2, −ln2, −1e4 − ln2, −ln2]
    [-2e4, 0, -1e4, 0].forEach((v, i) => expect(lq[i]).toBeCloseTo(v - Math.LN2, 2));
    expectFinite(glq);
  });
  it('softmax of all −1e4 is uniform', () => {
    const [p, g] = valueAndGrad((x) => softmax(x), [-1e4, -1e4], dtype);
    expect(p).toEqual([0.5, 0.5]);
    expectFinite(g);
  });
});

// ── errors ────────────────────────────────────────────────────────────────

describe('errors', () => {
  const x = tensor([[1, 2], [3, 4]]);
  it('option values must be finite numbers, naming the op and the option', () => {
    expect(() => leakyRelu(x, NaN)).toThrow(/leakyRelu: negativeSlope must be a finite number, got NaN/);
    expect(() => leakyRelu(x, Infinity)).toThrow(/leakyRelu: negativeSlope must be a finite number, got Infinity/);
    expect(() => leakyRelu(x, '0.1' as unknown as number)).toThrow(/leakyRelu: negativeSlope must be a finite number, got string/);
    expect(() => elu(x, -Infinity)).toThrow(/elu: alpha must be a finite number/);
    expect(() => softplus(x, { beta: NaN })).toThrow(/softplus: beta must be a finite number/);
    expect(() => softplus(x, { beta: 0 })).toThrow(/softplus: beta must be non-zero/);
    expect(() => softplus(x, { threshold: NaN })).toThrow(/softplus: threshold must be a number/);
    expect(() => softplus(x, { threshold: '20' as unknown as number })).toThrow(/softplus: threshold must be a number.*got string/);
    expect(() => softplus(x, 2 as unknown as object)).toThrow(/softplus: options must be an object like \{beta: 1, threshold: 20\}, got number/);
  });
  it('axis out of range names the op, the axis and the rank', () => {
    expect(() => softmax(x, 2)).toThrow(/softmax: axis 2 is out of range for a tensor of rank 2: expected an integer in \[-2, 1\]/);
    expect(() => logSoftmax(x, -3)).toThrow(/logSoftmax: axis -3 is out of range/);
    expect(() => softmax(x, 0.5)).toThrow(/softmax: axis 0.5 is out of range/);
    expect(() => logSoftmax(tensor(1), 1)).toThrow(/logSoftmax: axis 1 is out of range for a 0-d tensor: use 0 or -1/);
  });
});
