import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Generator, abs, gradients, linspace, mul, randn, relu, sigmoid, sum, square, tanh, tensor, transpose, zeros, type Tensor,
} from '@tapegrad/core';
import { arb } from '@tapegrad/core/testing';
import { Maxout, Module, Parameter, ReLU, Sequential, Sigmoid, Tanh, init, type Regularizer } from '../../src/index';
import { Linear, linear, linearDefaultInit } from '../../src/layers/linear';
import { expectLayerGradients } from '../support/check_layer';

/** A test regularizer from a penalty function. */
function reg(regularizerName: string, f: (w: Tensor) => Tensor): Regularizer {
  return Object.assign(f, { regularizerName, config: {} });
}

/** y[r, j] = Σᵢ x[r, i]·W[i, j] + b[j] over the rows r of x flattened to [rows, in]. */
function affineRef(x: Tensor, w: Tensor, b: Tensor | null): number[] {
  const [inF, outF] = w.shape as [number, number];
  const rows = x.size / inF;
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < outF; j++) {
      let s = b === null ? 0 : b.data[j]!;
      for (let i = 0; i < inF; i++) s += x.data[r * inF + i]! * w.data[i * outF + j]!;
      out.push(s);
    }
  }
  return out;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(expected[i]!)));
}

/** A float64 layer configuration and an input of shape [...batch, in] (batch rank 0–2). */
const linearCase = fc
  .record({
    inF: fc.integer({ min: 1, max: 4 }),
    outF: fc.integer({ min: 1, max: 4 }),
    batch: arb.shape({ maxRank: 2, maxDim: 3 }),
    bias: fc.boolean(),
    seed: fc.nat(1_000_000),
  })
  .chain((c) => arb.tensor({ shape: [...c.batch, c.inF] }).map((x) => ({ ...c, x })));

function build(c: { inF: number; outF: number; bias: boolean; seed: number }): Linear {
  return new Linear(c.inF, c.outF, { bias: c.bias, dtype: 'float64', generator: new Generator(c.seed) });
}

describe('linear', () => {
  it('equals x @ W + b for batched inputs', () => {
    fc.assert(
      fc.property(linearCase, (c) => {
        const w = randn([c.inF, c.outF], { dtype: 'float64', generator: new Generator(c.seed) });
        const b = c.bias ? randn([c.outF], { dtype: 'float64', generator: new Generator(c.seed + 1) }) : null;
        const y = linear(c.x, w, b);
        expect(y.shape).toEqual([...c.batch, c.outF]);
        expectClose(y.data, affineRef(c.x, w, b));
      }),
      { numRuns: 25 },
    );
  });

  it('a 1-D input gives a 1-D output', () => {
    // [1, 2] @ [[1, 2, 3], [4, 5, 6]] + [0.5, 0.5, 0.5] = [9.5, 12.5, 15.5]
    const y = linear(tensor([1, 2]), tensor([[1, 2, 3], [4, 5, 6]]), tensor([0.5, 0.5, 0.5]));
    expect(y.shape).toEqual([3]);
    expect(y.toArray()).toEqual([9.5, 12.5, 15.5]);
  });

  it('names the shapes when they do not fit', () => {
    expect(() => linear(zeros([2, 5]), zeros([4, 3]))).toThrow('linear: input has shape [2,5] but the weight has shape [4,3]; the last dimension of the input must be 4');
    expect(() => linear(zeros([2, 4]), zeros([4]))).toThrow('linear: the weight must be a 2-D Tensor [in, out], got [4]');
    expect(() => linear(zeros([2, 4]), zeros([4, 3]), zeros([4]))).toThrow('linear: the bias must have shape [3] (one per output unit), got [4]');
  });
});

describe('Linear', () => {
  it('forward equals x @ W + b, shape [..., out]', () => {
    fc.assert(
      fc.property(linearCase, (c) => {
        const layer = build(c);
        const y = layer.forward(c.x);
        expect(y.shape).toEqual([...c.batch, c.outF]);
        expectClose(y.data, affineRef(c.x, layer.weight, layer.bias));
      }),
      { numRuns: 25 },
    );
  });

  it('gradients wrt input, weight and bias match finite differences (first and second order)', () => {
    fc.assert(
      fc.property(linearCase, (c) => {
        expectLayerGradients(build(c), [c.x], { order: 2 });
      }),
      { numRuns: 20 },
    );
  });

  it('parameters: weight [in, out] and bias [out], or weight only with {bias: false}', () => {
    const layer = new Linear(4, 3);
    expect(layer.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([['weight', [4, 3]], ['bias', [3]]]);
    const noBias = new Linear(4, 3, { bias: false });
    expect(noBias.bias).toBeNull();
    expect(noBias.namedParameters().map(([n]) => n)).toEqual(['weight']);
    expect(noBias.toString()).toBe('Linear(4 → 3, bias=false)');
  });

  describe('{activation}: the activation fused into the product (Keras Dense(activation=…))', () => {
    const layers = { sigmoid: Sigmoid, tanh: Tanh, relu: ReLU } as const;
    const ops = { sigmoid, tanh, relu } as const;
    const sameBits = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));

    it('equals Linear followed by the activation layer bit for bit: forward and every gradient (float32, with and without bias)', () => {
      for (const act of ['sigmoid', 'tanh', 'relu'] as const) {
        for (const bias of [true, false]) {
          // 300 rows · 40 → 30: large enough for the WebAssembly kernels on that backend.
          const fused = new Linear(40, 30, { activation: act, bias, generator: new Generator(5) });
          const plain = new Linear(40, 30, { bias, generator: new Generator(5) });
          const x = randn([300, 40], { generator: new Generator(6) });
          const yf = fused.forward(x), yp = new Sequential(plain, new layers[act]()).forward(x);
          expect(sameBits(yf.data, yp.data), `${act} forward, bias ${bias}`).toBe(true);
          const gf = gradients(sum(mul(yf, yf)), [fused.weight, ...(bias ? [fused.bias!] : [])]);
          const gp = gradients(sum(mul(yp, yp)), [plain.weight, ...(bias ? [plain.bias!] : [])]);
          gf.forEach((g, i) => expect(sameBits(g!.data, gp[i]!.data), `${act} gradient ${i}, bias ${bias}`).toBe(true));
        }
      }
    });

    it('the function form: linear(x, W, b, activation) = activation(linear(x, W, b))', () => {
      const x = randn([3, 4], { dtype: 'float64' }), w = randn([4, 2], { dtype: 'float64' }), b = randn([2], { dtype: 'float64' });
      for (const act of ['sigmoid', 'tanh', 'relu'] as const) {
        expect(sameBits(linear(x, w, b, act).data, ops[act](linear(x, w, b)).data)).toBe(true);
        expect(sameBits(linear(x, w, null, act).data, ops[act](linear(x, w)).data)).toBe(true);
      }
    });

    it('gradients wrt input, weight and bias match finite differences (float64; first and second order for sigmoid and tanh)', () => {
      fc.assert(
        fc.property(linearCase, fc.constantFrom('sigmoid' as const, 'tanh' as const), (c, act) => {
          const layer = new Linear(c.inF, c.outF, { bias: c.bias, activation: act, dtype: 'float64', generator: new Generator(c.seed) });
          expectLayerGradients(layer, [c.x], { order: 2 });
        }),
        { numRuns: 12 },
      );
    });

    it('is shown by toString and checked like the other options', () => {
      expect(new Linear(4, 3, { activation: 'relu' }).toString()).toBe('Linear(4 → 3, activation=relu)');
      expect(new Linear(4, 3, { activation: null }).activation).toBeNull();
      expect(() => new Linear(4, 3, { activation: 'gelu' as never })).toThrow(
        "Linear(4 → 3): activation must be 'sigmoid', 'tanh' or 'relu' (or null for none), got 'gelu'; for another activation put its layer after this one",
      );
      expect(() => linear(zeros([2, 4]), zeros([4, 3]), null, 'softmax' as never)).toThrow("linear: activation must be 'sigmoid', 'tanh' or 'relu'");
      expect(() => new Maxout(4, 3, 2, { activation: 'relu' } as never)).toThrow('Maxout(4 → 3, pieces=2): takes no activation option');
    });
  });

  describe('default initialization (PyTorch): W, b ~ U(−1/√in, 1/√in)', () => {
    it.each([[1, 1], [3, 7], [16, 4], [100, 50]])('in = %i, out = %i: every |w|, |b| ≤ 1/√in', (inF, outF) => {
      for (const dtype of ['float32', 'float64'] as const) {
        const layer = new Linear(inF, outF, { dtype, generator: new Generator(inF * 100 + outF) });
        const bound = 1 / Math.sqrt(inF);
        // float32 may round a draw just below the bound up to it: allow one float32 ulp.
        const slack = dtype === 'float32' ? bound * 2 ** -23 : 0;
        for (const v of layer.weight.data) expect(Math.abs(v)).toBeLessThanOrEqual(bound + slack);
        for (const v of layer.bias!.data) expect(Math.abs(v)).toBeLessThanOrEqual(bound + slack);
      }
    });

    it('fills the interval: the variance of W is bound²/3 = 1/(3·in)', () => {
      // n = 10 000 draws of U(−a, a): Var = a²/3, the sample variance has relative sd ≈ √(0.8/n) ≈ 0.9%; allow 5%.
      const layer = new Linear(100, 100, { dtype: 'float64', generator: new Generator(3) });
      const d = layer.weight.data;
      let s2 = 0;
      for (const v of d) s2 += v * v;
      expect(Math.abs(s2 / d.length / (1 / 300) - 1)).toBeLessThan(0.05);
    });

    it('records the initializer as linearDefault (the bias with fanIn = in) and re-draws within the same bounds', () => {
      const layer = new Linear(1, 100, { dtype: 'float64', generator: new Generator(0) });
      expect(layer.weight.initializer!.initName).toBe('linearDefault');
      expect(layer.weight.initializer!.config).toEqual({ scale: 1 / 3, mode: 'fanIn', distribution: 'uniform' });
      expect(layer.bias!.initializer!.initName).toBe('linearDefault');
      expect(layer.bias!.initializer!.config).toMatchObject({ fanIn: 1 });
      const before = layer.bias!.clone();
      layer.resetParameters(new Generator(1));
      expect(layer.bias!.data).not.toEqual(before.data);
      // in = 1: the bias bound is 1. Had the re-draw used the bias's own fan (100), every |b| would be ≤ 0.1.
      const maxAbs = Math.max(...Array.from(layer.bias!.data, Math.abs));
      expect(maxAbs).toBeLessThanOrEqual(1);
      expect(maxAbs).toBeGreaterThan(0.5);
    });

    it('linearDefaultInit(fanIn) keeps its fan unless the call overrides it', () => {
      const i = linearDefaultInit(4);
      for (const v of i([1000], { dtype: 'float64', generator: new Generator(2) }).data) expect(Math.abs(v)).toBeLessThanOrEqual(0.5);
      const wide = i([1000], { dtype: 'float64', generator: new Generator(2), fanIn: 1 }).data;
      expect(Math.max(...Array.from(wide, Math.abs))).toBeGreaterThan(0.5);
    });

    it('is deterministic under a seeded generator', () => {
      const a = new Linear(5, 3, { generator: new Generator(42) });
      const b = new Linear(5, 3, { generator: new Generator(42) });
      expect(a.weight.data).toEqual(b.weight.data);
      expect(a.bias!.data).toEqual(b.bias!.data);
      expect(new Linear(5, 3, { generator: new Generator(43) }).weight.data).not.toEqual(a.weight.data);
    });
  });

  it('records custom initializers and regularizers on the parameters', () => {
    const he = init.heNormal();
    const c = init.constant(0.01);
    const wr = reg('halfSquare', (w) => mul(sum(square(w)), 0.5));
    const br = reg('absSum', (w) => sum(abs(w)));
    const layer = new Linear(4, 3, { weightInitializer: he, biasInitializer: c, weightRegularizer: wr, biasRegularizer: br, generator: new Generator(0) });
    expect(layer.weight.initializer).toBe(he);
    expect(layer.bias!.initializer).toBe(c);
    expect(layer.weight.regularizer).toBe(wr);
    expect(layer.bias!.regularizer).toBe(br);
    expect(layer.activityRegularizer).toBeNull();
    expect(Array.from(layer.bias!.data)).toEqual([0.01, 0.01, 0.01].map(Math.fround));
    expect(new Linear(4, 3).weight.regularizer).toBeNull();
  });

  it('the He-normal weight has variance 2/in', () => {
    // 200·300 = 60 000 draws of N(0, 2/200): relative sd of the sample variance ≈ √(2/n) ≈ 0.6%; allow 3%.
    const layer = new Linear(200, 300, { weightInitializer: init.heNormal(), dtype: 'float64', generator: new Generator(5) });
    let s2 = 0;
    for (const v of layer.weight.data) s2 += v * v;
    expect(Math.abs(s2 / layer.weight.size / (2 / 200) - 1)).toBeLessThan(0.03);
  });

  it('regularizationLoss adds the weight, bias and activity penalties (activity in training mode only)', () => {
    const wr = reg('halfSquare', (w) => mul(sum(square(w)), 0.5));
    const br = reg('absSum', (w) => sum(abs(w)));
    const ar = reg('sumSquare', (y) => sum(square(y)));
    const layer = new Linear(3, 2, { weightRegularizer: wr, biasRegularizer: br, activityRegularizer: ar, dtype: 'float64', generator: new Generator(1) });
    expect(layer.activityRegularizer).toBe(ar);
    const x = linspace(-1, 1, 6, { dtype: 'float64' }).reshape([2, 3]);
    const sq = (t: Tensor) => Array.from(t.data).reduce((s, v) => s + v * v, 0);
    const paramPenalty = 0.5 * sq(layer.weight) + Array.from(layer.bias!.data).reduce((s, v) => s + Math.abs(v), 0);
    const y = layer.forward(x);
    expect(layer.regularizationLoss().item()).toBeCloseTo(paramPenalty + sq(y), 12);
    // The activity penalty was consumed; in eval mode none is recorded.
    layer.eval();
    layer.forward(x);
    expect(layer.regularizationLoss().item()).toBeCloseTo(paramPenalty, 12);
  });

  it('errors name the layer, the shapes and the fix', () => {
    const layer = new Linear(4, 3);
    expect(() => layer.forward(zeros([2, 5]))).toThrow('Linear(4 → 3): input has shape [2,5]; the last dimension must be 4');
    expect(() => layer.forward(zeros([]))).toThrow('Linear(4 → 3): input has shape []; the last dimension must be 4');
    expect(() => layer.forward(zeros([2, 4], { dtype: 'float64' }))).toThrow(
      "Linear(4 → 3): input is float64 but the layer's parameters are float32; convert the input with x.astype('float32') or build the layer with {dtype: 'float64'}",
    );
    expect(() => new Linear(0, 3)).toThrow('Linear: inFeatures must be a positive integer, got 0');
    expect(() => new Linear(4, 2.5)).toThrow('Linear: outFeatures must be a positive integer, got 2.5');
    expect(() => new Linear(4, 3, { weightInitializer: 'he' as never })).toThrow('Linear(4 → 3): weightInitializer must be an initializer such as init.heNormal() or init.constant(0.01), got string');
    expect(() => new Linear(4, 3, null as never)).toThrow('Linear(4 → 3): options must be an object');
    expect(() => new Linear(4, 3, { generator: 7 as never })).toThrow('Linear(4 → 3): generator must be a Generator (new Generator(seed))');
    expect(() => new Linear(4, 3, { dtype: 'int32' as never })).toThrow("Linear(4 → 3): dtype must be 'float32' or 'float64', got 'int32'");
  });
});

// ── parameter tying: a tied autoencoder ───────────────────────────────────

/** A decoder whose weight is another layer's weight, used transposed: y = h @ Wᵀ + c. */
class TiedDecoder extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter;

  constructor(tied: Parameter) {
    super();
    this.weight = tied;
    this.bias = Parameter.create([tied.shape[0]!], init.zeros(), { dtype: tied.dtype });
  }

  forward(h: Tensor): Tensor {
    return linear(h, transpose(this.weight), this.bias);
  }
}

/** encoder Linear(4 → 2), tanh, decoder with the encoder's weight transposed (2 → 4). */
class TiedAutoencoder extends Module {
  readonly encoder: Linear;
  readonly decoder: TiedDecoder;

  constructor(generator: Generator) {
    super();
    this.encoder = new Linear(4, 2, { dtype: 'float64', generator });
    this.decoder = new TiedDecoder(this.encoder.weight);
    this.decoder.bias.data.set([0.1, -0.2, 0.3, -0.4]);
  }

  forward(x: Tensor): Tensor {
    return this.decoder.forward(tanh(this.encoder.forward(x)));
  }
}

describe('parameter tying (tied autoencoder)', () => {
  const x = linspace(-1.5, 2, 12, { dtype: 'float64' }).reshape([3, 4]);

  it('lists the shared weight once', () => {
    const ae = new TiedAutoencoder(new Generator(0));
    expect(ae.namedParameters().map(([n]) => n)).toEqual(['encoder.weight', 'encoder.bias', 'decoder.bias']);
    expect(ae.decoder.weight).toBe(ae.encoder.weight);
  });

  it('the shared gradient is the sum of the gradients of both uses', () => {
    const ae = new TiedAutoencoder(new Generator(0));
    const loss = sum(square(ae.forward(x).sub(x)));
    loss.backward();
    // By hand: two independent copies W1 (encoder) and W2 (decoder, transposed); ∂L/∂W = ∂L/∂W1 + ∂L/∂W2.
    const W1 = ae.encoder.weight.clone().requiresGrad_();
    const W2 = ae.encoder.weight.clone().requiresGrad_();
    const h = tanh(linear(x, W1, ae.encoder.bias));
    const loss2 = sum(square(linear(h, transpose(W2), ae.decoder.bias).sub(x)));
    const [g1, g2] = gradients(loss2, [W1, W2]) as [Tensor, Tensor];
    expect(loss2.item()).toBeCloseTo(loss.item(), 12);
    // Both uses contribute (neither partial gradient is zero) …
    expect(Math.max(...Array.from(g1.data, Math.abs))).toBeGreaterThan(1e-3);
    expect(Math.max(...Array.from(g2.data, Math.abs))).toBeGreaterThan(1e-3);
    // … and the tied parameter receives their sum.
    expectClose(ae.encoder.weight.grad!.data, Array.from(g1.data, (v, i) => v + g2.data[i]!));
  });

  it('gradients wrt input and every parameter match finite differences (both slots swapped by functionalCall)', () => {
    fc.assert(
      fc.property(fc.nat(1000), arb.tensor({ shape: arb.shape({ minRank: 0, maxRank: 2, maxDim: 3 }).map((s) => [...s, 4]) }), (seed, xs) => {
        expectLayerGradients(new TiedAutoencoder(new Generator(seed)), [xs], { order: 2 });
      }),
      { numRuns: 10 },
    );
  });
});
