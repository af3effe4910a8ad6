/**
 * The WebAssembly SIMD optimizer kernels (kernels/wasm/optim.ts) against the plain-TS kernels they
 * replace, and the committed module (kernels/wasm/optim_module.ts) against its AssemblyScript source.
 *
 * Tolerance: none. The WebAssembly kernels compute in float32 (f32x4), one correctly rounded operation
 * for each of the TS kernel's float32 operations (Math.fround each), in its order, with the
 * hyperparameters rounded to float32 once per call as the TS kernel rounds them, so every parameter and
 * state element must be bit-for-bit the TS kernel's (Object.is: −0 ≠ +0; NaN = NaN).
 * Lengths are random (not multiples of 4, across the 4096-element chunk boundaries), as are the
 * hyperparameters, the values (with zeros, −0, float32 subnormals and, in one test, NaN and ±∞) and
 * the number of consecutive steps (1–4).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FloatArray } from '../../../src/dtype';
import * as ts from '../../../src/kernels/ts/optim';
import * as W from '../../../src/kernels/wasm/optim';
import { OPTIM_WASM_BASE64 } from '../../../src/kernels/wasm/optim_module';
import { mulberry32 } from '../../support/mulberry32';
import { expectCommittedModuleMatches } from '../../support/wasm_build';

const DEFAULT_MIN = W.wasmOptimConfig.minLength;

// ── data ──────────────────────────────────────────────────────────────────

/** A seeded stream in [0, 1), so long arrays need no fast-check shrinking of their values. */
function rng(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}

type Kind = 'signed' | 'positive' | 'special';
/** Values of a kind: signed ±10, positive [0, 100]; both with some 0, −0 (signed) and float32 subnormals; special adds NaN and ±∞. */
function fill(a: FloatArray, kind: Kind, r: () => number): FloatArray {
  for (let i = 0; i < a.length; i++) {
    const u = r();
    let x: number;
    if (u < 0.03) x = 0;
    else if (u < 0.05) x = kind === 'positive' ? 0 : -0;
    else if (u < 0.07) x = (kind === 'positive' ? 1 : r() < 0.5 ? -1 : 1) * 1e-40 * r();
    else if (kind === 'special' && u < 0.1) x = [NaN, Infinity, -Infinity][Math.floor(r() * 3)]!;
    else x = kind === 'positive' ? 100 * r() * r() : 20 * (r() - 0.5);
    a[i] = x;
  }
  return a;
}

function sameBits(got: FloatArray, want: FloatArray, what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!, w = want[i]!;
    if (!Object.is(g, w) && !(Number.isNaN(g) && Number.isNaN(w))) throw new Error(`${what}[${i}] of ${want.length}: WASM ${g}, TS ${w}`);
  }
}

/**
 * Runs `steps` steps of the WASM kernel and of the TS kernel from the same start (arrays of `kinds`,
 * array 0 the parameter), each step with a fresh gradient of `gradKind`, and compares every array
 * after every step bit for bit (the gradient must be left alone).
 */
function agree(
  n: number, seed: number, steps: number, kinds: readonly (Kind | null)[], gradKind: Kind,
  wasmStep: (g: FloatArray, a: (FloatArray | null)[], k: number) => void,
  tsStep: (g: FloatArray, a: (FloatArray | null)[], k: number) => void,
  Ctor: Float32ArrayConstructor | Float64ArrayConstructor = Float32Array,
): void {
  const r = rng(seed);
  const wa = kinds.map((k) => (k === null ? null : fill(new Ctor(n), k, r)));
  const ta = wa.map((a) => (a === null ? null : a.slice()));
  for (let k = 0; k < steps; k++) {
    const g = fill(new Ctor(n), gradKind, r);
    const g0 = g.slice();
    wasmStep(g, wa, k);
    tsStep(g0.slice(), ta, k);
    sameBits(g, g0, 'g');
    wa.forEach((a, i) => {
      if (a !== null) sameBits(a, ta[i]!, `step ${k + 1}: array ${i}`);
    });
  }
}

// ── arbitraries ───────────────────────────────────────────────────────────

const CHUNK = 4096;
const length = fc.oneof(
  fc.integer({ min: 0, max: 80 }),
  fc.integer({ min: 80, max: 9000 }),
  fc.constantFrom(CHUNK - 1, CHUNK, CHUNK + 1, CHUNK + 2, CHUNK + 3, 2 * CHUNK - 5, 2 * CHUNK + 7, 3 * CHUNK + 1),
);
const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });
const steps = fc.integer({ min: 1, max: 4 });
const decay = fc.oneof(fc.constantFrom(0, 0.5, 0.9, 0.99, 0.999), fc.double({ min: 0, max: 0.9999, noNaN: true }));
const eps = fc.oneof(fc.constantFrom(0, 1e-10, 1e-8, 1e-6, 1e-3, 0.1), fc.double({ min: 0, max: 1, noNaN: true }));
const lr = fc.oneof(fc.constantFrom(0, 1e-3, 0.1, 1), fc.double({ min: 0, max: 2, noNaN: true }));
const weightDecay = fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true }));
const t0 = fc.integer({ min: 1, max: 100 });
const base = { n: length, seed, steps };
const RUNS = { numRuns: 100 };
/** 1 − βᵗ for step k of a run that starts at step t0. */
const bc = (beta: number, t: number, k: number): number => 1 - beta ** (t + k);

describe.skipIf(!W.wasmOptimAvailable())('kernels/wasm optim (float32, WebAssembly SIMD): bit-for-bit the TS kernels', () => {
  beforeAll(() => {
    W.wasmOptimConfig.minLength = 0; // every length through the WebAssembly path
  });
  afterAll(() => {
    W.wasmOptimConfig.minLength = DEFAULT_MIN;
  });

  it('scaleInPlace', () => {
    fc.assert(fc.property(fc.record({ ...base, factor: fc.oneof(fc.constantFrom(0, 1, -1, 0.999), fc.double({ min: -3, max: 3, noNaN: true })) }), (c) => {
      agree(c.n, c.seed, c.steps, ['signed'], 'signed', (_g, [p]) => W.wasmScaleInPlace(p!, c.factor), (_g, [p]) => ts.scaleInPlace(p!, c.factor));
    }), RUNS);
  });

  it('sgdStep: plain, momentum, dampening, nesterov, lecture form, first step, weight decay', () => {
    const opts = fc.record({ ...base, lr, momentum: decay, dampening: fc.double({ min: 0, max: 1, noNaN: true }), nesterov: fc.boolean(),
      weightDecay, first: fc.boolean(), lecture: fc.boolean(), withBuf: fc.boolean() });
    fc.assert(fc.property(opts, (c) => {
      const call = (k: typeof ts.sgdStep) => (g: FloatArray, [p, buf]: (FloatArray | null)[], s: number) =>
        k(p!, g, buf!, c.lr, c.momentum, c.dampening, c.nesterov, c.weightDecay, c.first && s === 0, c.lecture);
      agree(c.n, c.seed, c.steps, ['signed', c.withBuf ? 'signed' : null], 'signed', call(W.wasmSgdStep), call(ts.sgdStep));
    }), { numRuns: 200 });
  });

  it('adamStep: bias corrections, weight decay, amsgrad', () => {
    const opts = fc.record({ ...base, lr, beta1: decay, beta2: decay, eps, weightDecay, t: t0, amsgrad: fc.boolean() });
    fc.assert(fc.property(opts, (c) => {
      const call = (k: typeof ts.adamStep) => (g: FloatArray, [p, m, v, vMax]: (FloatArray | null)[], s: number) =>
        k(p!, g, m!, v!, vMax!, c.lr, c.beta1, c.beta2, c.eps, c.weightDecay, bc(c.beta1, c.t, s), bc(c.beta2, c.t, s));
      agree(c.n, c.seed, c.steps, ['signed', 'signed', 'positive', c.amsgrad ? 'positive' : null], 'signed', call(W.wasmAdamStep), call(ts.adamStep));
    }), { numRuns: 200 });
  });

  it('adamaxStep', () => {
    const opts = fc.record({ ...base, lr, beta1: decay, beta2: decay, eps, weightDecay, t: t0 });
    fc.assert(fc.property(opts, (c) => {
      const call = (k: typeof ts.adamaxStep) => (g: FloatArray, [p, m, u]: (FloatArray | null)[], s: number) =>
        k(p!, g, m!, u!, c.lr, c.beta1, c.beta2, c.eps, c.weightDecay, bc(c.beta1, c.t, s));
      agree(c.n, c.seed, c.steps, ['signed', 'signed', 'positive'], 'signed', call(W.wasmAdamaxStep), call(ts.adamaxStep));
    }), RUNS);
  });

  it('nadamStep', () => {
    const opts = fc.record({ ...base, cg: lr, cm: lr, beta1: decay, beta2: decay, eps, weightDecay, t: t0 });
    fc.assert(fc.property(opts, (c) => {
      const call = (k: typeof ts.nadamStep) => (g: FloatArray, [p, m, v]: (FloatArray | null)[], s: number) =>
        k(p!, g, m!, v!, c.cg, c.cm, c.beta1, c.beta2, c.eps, c.weightDecay, bc(c.beta2, c.t, s));
      agree(c.n, c.seed, c.steps, ['signed', 'signed', 'positive'], 'signed', call(W.wasmNadamStep), call(ts.nadamStep));
    }), RUNS);
  });

  it('adagradStep: ε outside or inside the root, weight decay', () => {
    const opts = fc.record({ ...base, clr: lr, weightDecay, eps, epsInside: fc.boolean() });
    fc.assert(fc.property(opts, (c) => {
      const call = (k: typeof ts.adagradStep) => (g: FloatArray, [p, sum]: (FloatArray | null)[]) =>
        k(p!, g, sum!, c.clr, c.weightDecay, c.eps, c.epsInside);
      agree(c.n, c.seed, c.steps, ['signed', 'positive'], 'signed', call(W.wasmAdagradStep), call(ts.adagradStep));
    }), RUNS);
  });

  it('rmspropStep: plain, centered, momentum, ε inside, weight decay', () => {
    const opts = fc.record({ ...base, lr, alpha: decay, eps, weightDecay, momentum: decay, epsInside: fc.boolean(),
      centered: fc.boolean(), withBuf: fc.boolean() });
    fc.assert(fc.property(opts, (c) => {
      const call = (k: typeof ts.rmspropStep) => (g: FloatArray, [p, v, gAvg, buf]: (FloatArray | null)[]) =>
        k(p!, g, v!, gAvg!, buf!, c.lr, c.alpha, c.eps, c.weightDecay, c.momentum, c.epsInside);
      agree(c.n, c.seed, c.steps, ['signed', 'positive', c.centered ? 'signed' : null, c.withBuf ? 'signed' : null], 'signed',
        call(W.wasmRmspropStep), call(ts.rmspropStep));
    }), { numRuns: 200 });
  });

  it('adadeltaStep', () => {
    const opts = fc.record({ ...base, lr, rho: decay, eps, weightDecay });
    fc.assert(fc.property(opts, (c) => {
      const call = (k: typeof ts.adadeltaStep) => (g: FloatArray, [p, v, u]: (FloatArray | null)[]) =>
        k(p!, g, v!, u!, c.lr, c.rho, c.eps, c.weightDecay);
      agree(c.n, c.seed, c.steps, ['signed', 'positive', 'positive'], 'signed', call(W.wasmAdadeltaStep), call(ts.adadeltaStep));
    }), RUNS);
  });

  it('NaN, ±∞, −0 and subnormals in gradients and state propagate exactly as in the TS kernels', () => {
    const n = CHUNK + 37;
    for (let s = 0; s < 4; s++) {
      const t = 3 + s;
      agree(n, 100 + s, 2, ['special', 'special', 'special', 'special'], 'special',
        (g, [p, m, v, x]) => W.wasmAdamStep(p!, g, m!, v!, x!, 0.01, 0.9, 0.999, 1e-8, 0.01, bc(0.9, t, 0), bc(0.999, t, 0)),
        (g, [p, m, v, x]) => ts.adamStep(p!, g, m!, v!, x!, 0.01, 0.9, 0.999, 1e-8, 0.01, bc(0.9, t, 0), bc(0.999, t, 0)));
      agree(n, 200 + s, 2, ['special', 'special'], 'special',
        (g, [p, b]) => W.wasmSgdStep(p!, g, b!, 0.1, 0.9, 0.1, s % 2 === 0, 0.01, false, s > 1),
        (g, [p, b]) => ts.sgdStep(p!, g, b!, 0.1, 0.9, 0.1, s % 2 === 0, 0.01, false, s > 1));
      agree(n, 300 + s, 2, ['special', 'special', 'special'], 'special',
        (g, [p, m, u]) => W.wasmAdamaxStep(p!, g, m!, u!, 0.01, 0.9, 0.999, 1e-8, 0, 0.5),
        (g, [p, m, u]) => ts.adamaxStep(p!, g, m!, u!, 0.01, 0.9, 0.999, 1e-8, 0, 0.5));
      agree(n, 400 + s, 2, ['special', 'special', 'special', 'special'], 'special',
        (g, [p, v, a, b]) => W.wasmRmspropStep(p!, g, v!, a!, b!, 0.01, 0.99, 1e-8, 0, 0.9, s % 2 === 1),
        (g, [p, v, a, b]) => ts.rmspropStep(p!, g, v!, a!, b!, 0.01, 0.99, 1e-8, 0, 0.9, s % 2 === 1));
    }
  });
});

describe.skipIf(!W.wasmOptimAvailable())('kernels/wasm optim: cases handed to the TS kernels', () => {
  it('the threshold is the measured one: arrays shorter than 64 elements go to TS', () => {
    expect(DEFAULT_MIN).toBe(64);
  });

  it('float64 and mixed float32/float64 arrays: exactly the TS kernel (which reads float64 values unrounded)', () => {
    for (const n of [10, 100, 5000]) {
      // float64: values that float32 cannot hold
      agree(n, n, 2, ['signed', 'signed', 'positive', 'positive'], 'signed',
        (g, [p, m, v, x]) => W.wasmAdamStep(p!, g, m!, v!, x!, 1e-3, 0.9, 0.999, 1e-8, 0.1, 0.1, 0.001),
        (g, [p, m, v, x]) => ts.adamStep(p!, g, m!, v!, x!, 1e-3, 0.9, 0.999, 1e-8, 0.1, 0.1, 0.001), Float64Array);
      agree(n, n + 1, 2, ['signed', 'signed'], 'signed',
        (g, [p, b]) => W.wasmSgdStep(p!, g, b!, 0.1, 0.9, 0, true, 0.1, false, false),
        (g, [p, b]) => ts.sgdStep(p!, g, b!, 0.1, 0.9, 0, true, 0.1, false, false), Float64Array);
      agree(n, n + 2, 1, ['signed'], 'signed', (_g, [p]) => W.wasmScaleInPlace(p!, 0.9), (_g, [p]) => ts.scaleInPlace(p!, 0.9), Float64Array);
      // mixed: a float32 parameter with a float64 gradient (the WASM path would round g to float32 first)
      const r = rng(n);
      const p = fill(new Float32Array(n), 'signed', r), m = fill(new Float32Array(n), 'signed', r), v = fill(new Float32Array(n), 'positive', r);
      const g = new Float64Array(n).map(() => 0.1 + r() * 1e-9);
      const [p2, m2, v2] = [p.slice(), m.slice(), v.slice()];
      W.wasmAdamStep(p, g, m, v, null, 0.1, 0.9, 0.999, 1e-8, 0, 0.1, 0.001);
      ts.adamStep(p2, g, m2, v2, null, 0.1, 0.9, 0.999, 1e-8, 0, 0.1, 0.001);
      sameBits(p, p2, 'mixed p');
      sameBits(m, m2, 'mixed m');
    }
  });

  it('small arrays (below the threshold) and arrays at it agree with TS', () => {
    for (const n of [1, 2, 3, 5, 63, 64, 65]) {
      agree(n, n, 3, ['signed', 'signed', 'positive', null], 'signed',
        (g, [p, m, v]) => W.wasmAdamStep(p!, g, m!, v!, null, 1e-3, 0.9, 0.999, 1e-8, 0, 0.1, 0.001),
        (g, [p, m, v]) => ts.adamStep(p!, g, m!, v!, null, 1e-3, 0.9, 0.999, 1e-8, 0, 0.1, 0.001));
    }
  });

  it('a state array shorter than the parameter: what the TS kernel does (NaN past its end)', () => {
    const n = 300;
    const p = fill(new Float32Array(n), 'signed', rng(1)), p2 = p.slice();
    const g = fill(new Float32Array(n), 'signed', rng(2));
    const m = new Float32Array(n), v = new Float32Array(n - 100), m2 = m.slice(), v2 = v.slice();
    W.wasmAdamStep(p, g, m, v, null, 1e-3, 0.9, 0.999, 1e-8, 0, 0.1, 0.001);
    ts.adamStep(p2, g, m2, v2, null, 1e-3, 0.9, 0.999, 1e-8, 0, 0.1, 0.001);
    sameBits(p, p2, 'p');
    expect(Number.isNaN(p[n - 1]!)).toBe(true);
  });

  it('arrays that share memory: the in-place TS loop (the chunked copies could not reproduce it)', () => {
    for (const shift of [1, 3, 100]) {
      const n = 2 * CHUNK + 50;
      const mem = fill(new Float32Array(n + shift), 'signed', rng(shift)), mem2 = mem.slice();
      const g = fill(new Float32Array(n), 'signed', rng(7));
      // momentum buffer overlapping the parameter, `shift` elements further on
      W.wasmSgdStep(mem.subarray(0, n), g, mem.subarray(shift, shift + n), 0.1, 0.9, 0, false, 0, false, false);
      ts.sgdStep(mem2.subarray(0, n), g, mem2.subarray(shift, shift + n), 0.1, 0.9, 0, false, 0, false, false);
      sameBits(mem, mem2, `overlap by ${shift}`);
    }
    // disjoint views of one buffer are fine for either path
    const mem = fill(new Float32Array(600), 'signed', rng(9)), mem2 = mem.slice();
    const g = fill(new Float32Array(300), 'signed', rng(10));
    W.wasmSgdStep(mem.subarray(0, 300), g, mem.subarray(300), 0.1, 0.9, 0, true, 0, false, false);
    ts.sgdStep(mem2.subarray(0, 300), g, mem2.subarray(300), 0.1, 0.9, 0, true, 0, false, false);
    sameBits(mem, mem2, 'disjoint views');
  });

  it("setBackend('wasm') installs these kernels; setBackend('ts') restores the TS ones", async () => {
    const { setBackend, kernels, getBackend } = await import('../../../src/index');
    const names = ['sgdStep', 'adagradStep', 'rmspropStep', 'adamStep', 'adamaxStep', 'nadamStep', 'adadeltaStep', 'scaleInPlace'] as const;
    const wasmImpl = {
      sgdStep: W.wasmSgdStep, adagradStep: W.wasmAdagradStep, rmspropStep: W.wasmRmspropStep, adamStep: W.wasmAdamStep,
      adamaxStep: W.wasmAdamaxStep, nadamStep: W.wasmNadamStep, adadeltaStep: W.wasmAdadeltaStep, scaleInPlace: W.wasmScaleInPlace,
    };
    try {
      setBackend('wasm');
      for (const name of names) expect(kernels[name]).toBe(wasmImpl[name]);
      expect(getBackend().wasmKernels).toEqual(expect.arrayContaining([...names]));
    } finally {
      setBackend('ts'); // this project pins the TypeScript reference (TAPEGRAD_BACKEND=ts)
    }
    for (const name of names) expect(kernels[name]).toBe(ts[name]);
  });
});

// assemblyscript is a devDependency, so `npm ci` always installs it: this check always runs.
describe('kernels/wasm optim module', () => {
  it('matches packages/core/wasm/optim.ts recompiled', async () => {
    await expectCommittedModuleMatches('optim', OPTIM_WASM_BASE64);
  }, 60_000);
});
