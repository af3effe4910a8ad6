/**
 * The fused optimizer kernels against references written here, over fast-check lengths, values,
 * options and 1–4 consecutive steps:
 * - naive references from the formulas (array at a time, in float64, then rounded to the dtype as
 *   storing does), within a tolerance, in float64 and float32;
 * - for float32, bit for bit: scalar references in float32 arithmetic, each operation rounded with
 *   Math.fround in the order documented in OptimizerKernels (kernels.ts), hyperparameters rounded once.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as K from '../../src/kernels/ts/optim';
import { kernels } from '../../src/kernels/registry';
import type { DType, FloatArray } from '../../src/dtype';

type Vec = number[];
type Buffers = Record<string, Vec | null>;
type TypedBuffers = Record<string, FloatArray | null>;

const DTYPES: readonly DType[] = ['float64', 'float32'];
/**
 * Relative tolerance (on 1 + |expected|) against the float64 references: float32 allows for the kernel's
 * float32 arithmetic (each operation rounded) compounded over the steps.
 */
const TOL: Record<DType, number> = { float64: 1e-10, float32: 2e-4 };

const typed = (dtype: DType, v: Vec): FloatArray => (dtype === 'float64' ? Float64Array.from(v) : Float32Array.from(v));
const round = (dtype: DType, v: Vec): Vec => (dtype === 'float32' ? v.map(Math.fround) : v);

// ── vector helpers for the references ─────────────────────────────────────
const zip = (a: Vec, b: Vec, f: (x: number, y: number) => number): Vec => a.map((x, i) => f(x, b[i]!));
const ema = (decay: number, avg: Vec, x: Vec): Vec => zip(avg, x, (a, v) => decay * a + (1 - decay) * v);
const sq = (a: Vec): Vec => a.map((x) => x * x);
const withDecay = (g: Vec, p: Vec, wd: number): Vec => zip(g, p, (gi, pi) => gi + wd * pi);

function expectClose(got: ArrayLike<number>, want: Vec, tol: number, what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!, w = want[i]!;
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    if (g === w) continue; // equal, including the same infinity (a degenerate step can overflow both)
    if (!(Math.abs(g - w) <= tol * (1 + Math.abs(w)))) throw new Error(`${what}[${i}]: kernel ${g}, reference ${w}`);
  }
}

/**
 * Runs the same steps through the kernel (typed arrays, in place) and the reference (pure, on
 * number arrays rounded to the dtype after each step), then compares p and every buffer, and checks
 * that g was left alone.
 */
function agree(
  dtype: DType, p0: Vec, bufs0: Buffers, grads: Vec[],
  kernelStep: (p: FloatArray, g: FloatArray, b: TypedBuffers, k: number) => void,
  refStep: (p: Vec, g: Vec, b: Buffers, k: number) => { p: Vec; b: Buffers },
): void {
  const p = typed(dtype, p0);
  const tb: TypedBuffers = Object.fromEntries(Object.entries(bufs0).map(([k, v]) => [k, v === null ? null : typed(dtype, v)]));
  let rp = Array.from(p);
  let rb: Buffers = Object.fromEntries(Object.entries(tb).map(([k, v]) => [k, v === null ? null : Array.from(v)]));
  grads.forEach((g0, k) => {
    const g = typed(dtype, g0);
    const gCopy = Array.from(g);
    kernelStep(p, g, tb, k);
    expect(Array.from(g)).toEqual(gCopy);
    const r = refStep(rp, gCopy, rb, k);
    rp = round(dtype, r.p);
    rb = Object.fromEntries(Object.entries(r.b).map(([key, v]) => [key, v === null ? null : round(dtype, v)]));
  });
  const tol = TOL[dtype];
  expectClose(p, rp, tol, 'p');
  for (const [key, v] of Object.entries(rb)) {
    if (v === null) expect(tb[key]).toBeNull();
    else expectClose(tb[key]!, v, tol, key);
  }
}

// ── arbitraries ───────────────────────────────────────────────────────────
const value = fc.double({ min: -10, max: 10, noNaN: true });
const positive = fc.double({ min: 0, max: 100, noNaN: true });
const decay = fc.oneof(fc.constantFrom(0, 0.9, 0.99, 0.999), fc.double({ min: 0, max: 0.999, noNaN: true }));
/**
 * The second-moment decay β2 of Adam, Adamax and NAdam against the float64 references: ≥ 0.5 (see nadamStep's
 * note). The bit-exact float32 tests below keep every β2.
 */
const slowDecay = fc.oneof(fc.constantFrom(0.5, 0.9, 0.99, 0.999), fc.double({ min: 0.5, max: 0.999, noNaN: true }));
const eps = fc.constantFrom(1e-10, 1e-8, 1e-6, 1e-3, 0.1);
const lr = fc.oneof(fc.constantFrom(0, 1e-3, 0.1, 1), fc.double({ min: 0, max: 1, noNaN: true }));
const weightDecay = fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true }));
const vec = (n: number, arb: fc.Arbitrary<number> = value) => fc.array(arb, { minLength: n, maxLength: n });
/** A length 0–12, then the initial parameter, 1–4 gradients (of `values`), and `extra(n)` (buffers of that length). */
function problem<T>(extra: (n: number) => fc.Arbitrary<T>, values: fc.Arbitrary<number> = value) {
  return fc.integer({ min: 0, max: 12 }).chain((n) =>
    fc.record({ p: vec(n, values), grads: fc.array(vec(n, values), { minLength: 1, maxLength: 4 }), extra: extra(n) }));
}
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
const RUNS = { numRuns: 120 };

describe('optimizer kernels vs naive references', () => {
  it('are the registered kernels', () => {
    for (const name of ['sgdStep', 'adagradStep', 'rmspropStep', 'adamStep', 'adamaxStep', 'nadamStep', 'adadeltaStep', 'scaleInPlace'] as const) {
      expect(kernels[name]).toBe(K[name]);
    }
  });

  for (const dtype of DTYPES) {
    describe(dtype, () => {
      it('sgdStep: plain, momentum, dampening, nesterov, lecture form, first step', () => {
        const opts = fc.record({ lr, momentum: decay, dampening: fc.double({ min: 0, max: 1, noNaN: true }), nesterov: fc.boolean(),
          weightDecay, first: fc.boolean(), lecture: fc.boolean() });
        fc.assert(fc.property(problem((n) => fc.tuple(maybe(vec(n)), opts)), ({ p, grads, extra: [buf, o] }) => {
          agree(dtype, p, { buf }, grads,
            (pp, g, b, k) => K.sgdStep(pp, g, b.buf!, o.lr, o.momentum, o.dampening, o.nesterov, o.weightDecay, o.first && k === 0, o.lecture),
            (pp, g, b, k) => {
              const d = withDecay(g, pp, o.weightDecay);
              if (b.buf === null) return { p: zip(pp, d, (x, di) => x - o.lr * di), b };
              const first = o.first && k === 0;
              if (o.lecture) {
                // update = γ·update + η·d (η·d on the first step); w −= update, or w −= γ·update + η·d (Nesterov)
                const u = first ? d.map((di) => o.lr * di) : zip(b.buf, d, (bi, di) => o.momentum * bi + o.lr * di);
                const step = o.nesterov ? zip(u, d, (ui, di) => o.momentum * ui + o.lr * di) : u;
                return { p: zip(pp, step, (x, s) => x - s), b: { buf: u } };
              }
              const nb = first ? d : zip(b.buf, d, (bi, di) => o.momentum * bi + (1 - o.dampening) * di);
              const dir = o.nesterov ? zip(d, nb, (di, bi) => di + o.momentum * bi) : nb;
              return { p: zip(pp, dir, (x, s) => x - o.lr * s), b: { buf: nb } };
            });
        }), RUNS);
      });

      it('adagradStep: ε outside or inside the root, weight decay', () => {
        const opts = fc.record({ clr: lr, weightDecay, eps, epsInside: fc.boolean() });
        fc.assert(fc.property(problem((n) => fc.tuple(vec(n, positive), opts)), ({ p, grads, extra: [sum, o] }) => {
          agree(dtype, p, { sum }, grads,
            (pp, g, b) => K.adagradStep(pp, g, b.sum!, o.clr, o.weightDecay, o.eps, o.epsInside),
            (pp, g, b) => {
              const d = withDecay(g, pp, o.weightDecay);
              const s = zip(b.sum!, sq(d), (a, x) => a + x);
              const denom = s.map((si) => (o.epsInside ? Math.sqrt(si + o.eps) : Math.sqrt(si) + o.eps));
              return { p: pp.map((x, i) => x - (o.clr * d[i]!) / denom[i]!), b: { sum: s } };
            });
        }), RUNS);
      });

      it('rmspropStep: plain, centered, momentum, ε inside', () => {
        // NOTE: centered RMSprop divides by √(v − ḡ²) + ε. When v − ḡ² cancels to ~0 (α near 0, or no
        // margin between v and ḡ²), two equal formulas that round in a different order differ by a factor
        // of up to 1/ε, so the comparison is meaningless there: keep α ≥ 0.5 and a margin ≥ 0.01 so
        // v − ḡ² ≥ 0.5⁴·0.01 over the (at most 4) steps. In float32 the kernel computes v − ḡ² in float32,
        // whose error is ~u·(v + ḡ²), not u·(v − ḡ²): against the float64 reference the float32 runs keep
        // the condition number κ = (v + ḡ²)/(v − ḡ²) of every step ≤ 100 (so that error stays ≤ ~100·u); the
        // bit-exact float32 test below covers the float32 arithmetic at any κ.
        // (Counterexample at κ ≈ 4800: v = 92.48, ḡ = −9.616, g = −9.93, α = 0.5 → p off by 2.5e-4 relative.)
        const opts = fc.record({ lr, alpha: fc.oneof(fc.constantFrom(0.5, 0.9, 0.99, 0.999), fc.double({ min: 0.5, max: 0.999, noNaN: true })), eps, weightDecay, momentum: decay, epsInside: fc.boolean() });
        // Centered needs v ≥ ḡ² (as the averages always give): v = ḡ² + extra.
        const state = (n: number) => fc.tuple(vec(n, fc.double({ min: 0.01, max: 100, noNaN: true })), maybe(vec(n)), maybe(vec(n)))
          .map(([extra, gAvg, buf]) => ({ v: extra.map((e, i) => e + (gAvg === null ? 0 : gAvg[i]! ** 2)), gAvg, buf }));
        fc.assert(fc.property(problem((n) => fc.tuple(state(n), opts)), ({ p, grads, extra: [st, o] }) => {
          let kappa = 1;
          const ref = (pp: Vec, g: Vec, b: Buffers) => {
            const d = withDecay(g, pp, o.weightDecay);
            const v = ema(o.alpha, b.v!, sq(d));
            const gAvg = b.gAvg === null ? null : ema(o.alpha, b.gAvg, d);
            const s = gAvg === null ? v : zip(v, gAvg, (vi, ga) => vi - ga * ga);
            if (gAvg !== null) s.forEach((si, i) => { kappa = Math.max(kappa, (v[i]! + gAvg[i]! ** 2) / si); });
            const denom = s.map((si) => (o.epsInside ? Math.sqrt(si + o.eps) : Math.sqrt(si) + o.eps));
            const dir = zip(d, denom, (di, de) => di / de);
            const buf = b.buf === null ? null : zip(b.buf, dir, (bi, x) => o.momentum * bi + x);
            return { p: zip(pp, buf ?? dir, (x, s2) => x - o.lr * s2), b: { v, gAvg, buf } };
          };
          if (dtype === 'float32') {
            let rp = p, rb: Buffers = st;
            for (const g of grads) ({ p: rp, b: rb } = ref(rp, g, rb));
            fc.pre(kappa <= 100);
          }
          agree(dtype, p, st, grads,
            (pp, g, b) => K.rmspropStep(pp, g, b.v!, b.gAvg!, b.buf!, o.lr, o.alpha, o.eps, o.weightDecay, o.momentum, o.epsInside),
            ref);
        }), RUNS);
      });

      it('adamStep: bias correction (textbook m̂, v̂), amsgrad, weight decay', () => {
        // NOTE: β2 ≥ 0.5, for the reason given at nadamStep: with β2 = 0 each step is a fixed-size sign that
        // cancels p, and weight decay feeds the step's last-ulp difference back with gain up to 1/ε. fast-check
        // found it in float32 in a CI run (seed 350905138): p = 0, g = 1.1e-6, 0, 0, lr = 1, β1 = β2 = 0, ε = 1e-10,
        // wd = 1.6e-6 → kernel −0.31276, reference −0.31229.
        const opts = fc.record({ lr, beta1: decay, beta2: slowDecay, eps, weightDecay, t0: fc.integer({ min: 1, max: 50 }) });
        const state = (n: number) => fc.record({ m: vec(n), v: vec(n, positive), vMax: maybe(vec(n, positive)) });
        fc.assert(fc.property(problem((n) => fc.tuple(state(n), opts)), ({ p, grads, extra: [st, o] }) => {
          const bc = (beta: number, k: number) => 1 - beta ** (o.t0 + k);
          agree(dtype, p, st, grads,
            (pp, g, b, k) => K.adamStep(pp, g, b.m!, b.v!, b.vMax!, o.lr, o.beta1, o.beta2, o.eps, o.weightDecay, bc(o.beta1, k), bc(o.beta2, k)),
            (pp, g, b, k) => {
              const d = withDecay(g, pp, o.weightDecay);
              const m = ema(o.beta1, b.m!, d);
              const v = ema(o.beta2, b.v!, sq(d));
              const vMax = b.vMax === null ? null : zip(b.vMax, v, Math.max);
              const mHat = m.map((x) => x / bc(o.beta1, k));
              const vHat = (vMax ?? v).map((x) => x / bc(o.beta2, k));
              return { p: pp.map((x, i) => x - (o.lr * mHat[i]!) / (Math.sqrt(vHat[i]!) + o.eps)), b: { m, v, vMax } };
            });
        }), RUNS);
      });

      it('adamaxStep: u = max(β2·u, |d| + ε)', () => {
        // NOTE: keep β2 ≥ 0.5, for the reason given at nadamStep below: with β2 near 0, u forgets earlier
        // gradients, each step is a fixed-size sign d/(|d| + ε), and opposite steps cancel p. The step's last-ulp
        // error (u·|step|: the kernel's clr·m/u against the reference's (lr/bc1)·(m/u)) then becomes p's whole
        // relative error once p is small, and weight decay feeds it back through d/(|d| + ε) with a gain up to 1/ε.
        // fast-check found both: float32, p = 0, g = −1.1e-3, 0, 0, β1 = β2 = 0, ε = 1e-10, wd = 3.4e-6 → p −0.4988
        // vs −0.4995; float64, g = 0.257, 0, 0, lr = 0.0275, wd = 0.297 → 0.01354403855 vs 0.01354403841. The
        // bit-exact float32 test below keeps every β2.
        const opts = fc.record({ lr, beta1: decay, beta2: slowDecay, eps, weightDecay, t0: fc.integer({ min: 1, max: 50 }) });
        fc.assert(fc.property(problem((n) => fc.tuple(vec(n), vec(n, positive), opts)), ({ p, grads, extra: [m0, u0, o] }) => {
          const bc1 = (k: number) => 1 - o.beta1 ** (o.t0 + k);
          agree(dtype, p, { m: m0, u: u0 }, grads,
            (pp, g, b, k) => K.adamaxStep(pp, g, b.m!, b.u!, o.lr, o.beta1, o.beta2, o.eps, o.weightDecay, bc1(k)),
            (pp, g, b, k) => {
              const d = withDecay(g, pp, o.weightDecay);
              const m = ema(o.beta1, b.m!, d);
              const u = zip(b.u!, d, (ui, di) => Math.max(o.beta2 * ui, Math.abs(di) + o.eps));
              return { p: pp.map((x, i) => x - (o.lr / bc1(k)) * (m[i]! / u[i]!)), b: { m, u } };
            });
        }), RUNS);
      });

      it('nadamStep: w −= cg·d/denom + cm·m/denom', () => {
        // NOTE: keep β2 ≥ 0.5. With β2 near 0, v forgets earlier gradients (β2 = 0: v = d², denom = |d| + ε), so
        // each step is about (cg + cm)·d/(|d| + ε), a sign of d of fixed size, and steps of opposite sign cancel:
        // p goes 0 → c → c·ε/|d| (~1e-7), weight decay then makes the next d ε-sized, where the step depends on
        // d/(|d| + ε) with gain up to wd·(cg + cm)/ε ≈ 1e10, so the one-ulp difference between the kernel's
        // (cg·d + cm·m)/denom and the reference's two divisions becomes a 1e-10 difference in p (e.g. p = 0,
        // g = −8.2e-4, 0, 0, cg = 0.001, cm = 1, β1 = β2 = 0, ε = 1e-10, wd = 1.7e-4: kernel −0.44322343559,
        // reference −0.44322343577, exact −0.44322343568, both ~9e-11 off). Without weight decay the same forgetting
        // lets cm·m/ε-sized steps (up to 1e11) cancel. With β2 ≥ 0.5 every later v keeps ≥ β2³ ≥ 1/8 of an
        // earlier (1 − β2)·d², so denom stays at the scale of the largest earlier |d| and neither happens.
        const opts = fc.record({ cg: lr, cm: lr, beta1: decay, beta2: slowDecay, eps, weightDecay, t0: fc.integer({ min: 1, max: 50 }) });
        fc.assert(fc.property(problem((n) => fc.tuple(vec(n), vec(n, positive), opts)), ({ p, grads, extra: [m0, v0, o] }) => {
          const bc2 = (k: number) => 1 - o.beta2 ** (o.t0 + k);
          agree(dtype, p, { m: m0, v: v0 }, grads,
            (pp, g, b, k) => K.nadamStep(pp, g, b.m!, b.v!, o.cg, o.cm, o.beta1, o.beta2, o.eps, o.weightDecay, bc2(k)),
            (pp, g, b, k) => {
              const d = withDecay(g, pp, o.weightDecay);
              const m = ema(o.beta1, b.m!, d);
              const v = ema(o.beta2, b.v!, sq(d));
              const denom = v.map((x) => Math.sqrt(x / bc2(k)) + o.eps);
              // PyTorch applies the two terms one after the other (two addcdiv_ calls).
              const p1 = pp.map((x, i) => x - (o.cg * d[i]!) / denom[i]!);
              return { p: p1.map((x, i) => x - (o.cm * m[i]!) / denom[i]!), b: { m, v } };
            });
        }), RUNS);
      });

      it('adadeltaStep: δ = √(u + ε)/√(v + ε)·d', () => {
        const opts = fc.record({ lr, rho: decay, eps, weightDecay });
        fc.assert(fc.property(problem((n) => fc.tuple(vec(n, positive), vec(n, positive), opts)), ({ p, grads, extra: [v0, u0, o] }) => {
          agree(dtype, p, { v: v0, u: u0 }, grads,
            (pp, g, b) => K.adadeltaStep(pp, g, b.v!, b.u!, o.lr, o.rho, o.eps, o.weightDecay),
            (pp, g, b) => {
              const d = withDecay(g, pp, o.weightDecay);
              const v = ema(o.rho, b.v!, sq(d));
              const delta = d.map((di, i) => (Math.sqrt(b.u![i]! + o.eps) / Math.sqrt(v[i]! + o.eps)) * di);
              const u = ema(o.rho, b.u!, sq(delta));
              return { p: zip(pp, delta, (x, de) => x - o.lr * de), b: { v, u } };
            });
        }), RUNS);
      });

      it('scaleInPlace: p ← p·factor', () => {
        fc.assert(fc.property(problem(() => fc.double({ min: -2, max: 2, noNaN: true })), ({ p, grads, extra: factor }) => {
          agree(dtype, p, {}, grads, (pp) => K.scaleInPlace(pp, factor), (pp, _g, b) => ({ p: pp.map((x) => x * factor), b }));
        }), RUNS);
      });
    });
  }

  it('float32 parameters are updated in float32 arithmetic, not in float64 rounded once', () => {
    // m0 = fround(1/97) = 0.010309278034, g = 1.5, β1 = 0.9 (fround: 0.89999997616), 1 − β1 → fround: 0.10000000149.
    // float32: β1·m0 → 0.0092783495784, (1 − β1)·g → 0.15000000596, their sum → 0.15927836299.
    // float64, rounded once: 0.9·m0 + 0.1·1.5 = 0.159278350… → 0.15927834809 (one float32 ulp lower).
    const f = Math.fround;
    const p = new Float32Array([1]), g = new Float32Array([1.5]), m = new Float32Array([1 / 97]), v = new Float32Array(1);
    const m0 = m[0]!;
    K.adamStep(p, g, m, v, null, 0.1, 0.9, 0.999, 1e-8, 0, 0.1, 0.001);
    expect(m[0]).toBe(f(f(f(0.9) * m0) + f(f(1 - 0.9) * 1.5)));
    expect(m[0]).toBe(0.15927836298942566);
    expect(m[0]).not.toBe(f(0.9 * m0 + (1 - 0.9) * 1.5));
    // float64 parameters: float64 arithmetic
    const p64 = new Float64Array([1]), m64 = new Float64Array([m0]), v64 = new Float64Array(1);
    K.adamStep(p64, new Float64Array([1.5]), m64, v64, null, 0.1, 0.9, 0.999, 1e-8, 0, 0.1, 0.001);
    expect(m64[0]).toBe(0.9 * m0 + (1 - 0.9) * 1.5);
  });
});

// ── float32: bit for bit a scalar reference in float32 arithmetic ─────────

/** One element's values: p, g and each present state buffer, by the kernel's argument names. */
type Elem = Record<string, number>;
const f = Math.fround;

function sameBits(got: ArrayLike<number>, want: Vec, what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!, w = want[i]!;
    if (!Object.is(g, w) && !(Number.isNaN(g) && Number.isNaN(w))) throw new Error(`${what}[${i}]: kernel ${g}, reference ${w}`);
  }
}

/**
 * Runs the steps through the kernel on Float32Arrays and, element by element, through `ref`, which
 * takes one element's p, g and state ({p, g, m, v, …}; absent buffers absent) and returns the new p
 * and state. Compares p and every buffer bit for bit after every step.
 */
function exactly(
  p0: Vec, bufs0: Buffers, grads: Vec[],
  kernelStep: (p: FloatArray, g: FloatArray, b: TypedBuffers, k: number) => void,
  ref: (x: Elem, k: number) => Elem,
): void {
  const p = Float32Array.from(p0);
  const tb: TypedBuffers = Object.fromEntries(Object.entries(bufs0).map(([k, v]) => [k, v === null ? null : Float32Array.from(v)]));
  const keys = Object.keys(tb).filter((k) => tb[k] !== null);
  let want: Elem[] = Array.from(p, (pi, i) => Object.fromEntries([['p', pi], ...keys.map((k) => [k, tb[k]![i]!])]));
  grads.forEach((g0, k) => {
    const g = Float32Array.from(g0);
    kernelStep(p, g, tb, k);
    want = want.map((x, i) => ref({ ...x, g: g[i]! }, k));
    sameBits(p, want.map((x) => x.p!), `step ${k + 1}: p`);
    for (const key of keys) sameBits(tb[key]!, want.map((x) => x[key]!), `step ${k + 1}: ${key}`);
  });
}

/**
 * Values spread evenly over [lo, hi]. fc.double favours tiny and extreme values, whose sums and products
 * seldom depend on where the rounding happens; the bit-for-bit tests mix in these ordinary ones.
 */
const even = (lo: number, hi: number) => fc.integer({ min: 0, max: 2 ** 30 }).map((i) => lo + ((hi - lo) * i) / 2 ** 30);
const mixed = (arb: fc.Arbitrary<number>, lo: number, hi: number) => fc.oneof(arb, even(lo, hi));

describe('float32 optimizer kernels: bit for bit a scalar reference in float32 arithmetic', () => {
  // The arbitraries of the tests above (same names, shadowed here), with ordinary values mixed in.
  const value32 = mixed(value, -10, 10), positive = mixed(fc.double({ min: 0, max: 100, noNaN: true }), 0, 100);
  const vec = (n: number, arb: fc.Arbitrary<number> = value32) => fc.array(arb, { minLength: n, maxLength: n });
  const problem32 = <T>(extra: (n: number) => fc.Arbitrary<T>) => problem(extra, value32);
  const lr = mixed(fc.oneof(fc.constantFrom(0, 1e-3, 0.1, 1), fc.double({ min: 0, max: 1, noNaN: true })), 0, 1);
  const decay = mixed(fc.oneof(fc.constantFrom(0, 0.9, 0.99, 0.999), fc.double({ min: 0, max: 0.999, noNaN: true })), 0, 0.999);
  const weightDecay = mixed(fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })), 0, 1);
  const RUNS = { numRuns: 200 };
  it('sgdStep: plain, momentum, dampening, nesterov, lecture form, first step', () => {
    const opts = fc.record({ lr, momentum: decay, dampening: fc.double({ min: 0, max: 1, noNaN: true }), nesterov: fc.boolean(),
      weightDecay, first: fc.boolean(), lecture: fc.boolean() });
    fc.assert(fc.property(problem32((n) => fc.tuple(maybe(vec(n)), opts)), ({ p, grads, extra: [buf, o] }) => {
      const lr1 = f(o.lr), mu = f(o.momentum), keep = f(1 - o.dampening), wd = f(o.weightDecay);
      exactly(p, { buf }, grads,
        (pp, g, b, k) => K.sgdStep(pp, g, b.buf!, o.lr, o.momentum, o.dampening, o.nesterov, o.weightDecay, o.first && k === 0, o.lecture),
        (x, k): Elem => {
          const d = f(x.g! + f(wd * x.p!));
          if (x.buf === undefined) return { p: f(x.p! - f(lr1 * d)) };
          const first = o.first && k === 0;
          if (o.lecture) {
            const nb = first ? f(lr1 * d) : f(f(mu * x.buf) + f(lr1 * d));
            return { buf: nb, p: f(x.p! - (o.nesterov ? f(f(mu * nb) + f(lr1 * d)) : nb)) };
          }
          const nb = first ? d : f(f(mu * x.buf) + f(keep * d));
          return { buf: nb, p: f(x.p! - f(lr1 * (o.nesterov ? f(d + f(mu * nb)) : nb))) };
        });
    }), RUNS);
  });

  it('adagradStep: ε outside or inside the root, weight decay', () => {
    const opts = fc.record({ clr: lr, weightDecay, eps, epsInside: fc.boolean() });
    fc.assert(fc.property(problem32((n) => fc.tuple(vec(n, positive), opts)), ({ p, grads, extra: [sum, o] }) => {
      const clr = f(o.clr), wd = f(o.weightDecay), e = f(o.eps);
      exactly(p, { sum }, grads,
        (pp, g, b) => K.adagradStep(pp, g, b.sum!, o.clr, o.weightDecay, o.eps, o.epsInside),
        (x) => {
          const d = f(x.g! + f(wd * x.p!));
          const s = f(x.sum! + f(d * d));
          const denom = o.epsInside ? f(Math.sqrt(f(s + e))) : f(f(Math.sqrt(s)) + e);
          return { sum: s, p: f(x.p! - f(f(clr * d) / denom)) };
        });
    }), RUNS);
  });

  it('rmspropStep: plain, centered, momentum, ε inside', () => {
    const opts = fc.record({ lr, alpha: decay, eps, weightDecay, momentum: decay, epsInside: fc.boolean() });
    const state = (n: number) => fc.record({ v: vec(n, positive), gAvg: maybe(vec(n)), buf: maybe(vec(n)) });
    fc.assert(fc.property(problem32((n) => fc.tuple(state(n), opts)), ({ p, grads, extra: [st, o] }) => {
      const lr1 = f(o.lr), al = f(o.alpha), a1 = f(1 - o.alpha), e = f(o.eps), wd = f(o.weightDecay), mu = f(o.momentum);
      exactly(p, st, grads,
        (pp, g, b) => K.rmspropStep(pp, g, b.v!, b.gAvg!, b.buf!, o.lr, o.alpha, o.eps, o.weightDecay, o.momentum, o.epsInside),
        (x) => {
          const out: Elem = {};
          const d = f(x.g! + f(wd * x.p!));
          out.v = f(f(al * x.v!) + f(f(a1 * d) * d));
          let s = out.v;
          if (x.gAvg !== undefined) {
            out.gAvg = f(f(al * x.gAvg) + f(a1 * d));
            s = f(out.v - f(out.gAvg * out.gAvg));
          }
          const denom = o.epsInside ? f(Math.sqrt(f(s + e))) : f(f(Math.sqrt(s)) + e);
          if (x.buf !== undefined) {
            out.buf = f(f(mu * x.buf) + f(d / denom));
            out.p = f(x.p! - f(lr1 * out.buf));
          } else {
            out.p = f(x.p! - f(f(lr1 * d) / denom));
          }
          return out;
        });
    }), RUNS);
  });

  it('adamStep: bias correction (PyTorch arrangement), amsgrad, weight decay', () => {
    const opts = fc.record({ lr, beta1: decay, beta2: decay, eps, weightDecay, t0: fc.integer({ min: 1, max: 50 }) });
    const state = (n: number) => fc.record({ m: vec(n), v: vec(n, positive), vMax: maybe(vec(n, positive)) });
    fc.assert(fc.property(problem32((n) => fc.tuple(state(n), opts)), ({ p, grads, extra: [st, o] }) => {
      const bc = (beta: number, k: number) => 1 - beta ** (o.t0 + k);
      const b1 = f(o.beta1), a1 = f(1 - o.beta1), b2 = f(o.beta2), a2 = f(1 - o.beta2), e = f(o.eps), wd = f(o.weightDecay);
      exactly(p, st, grads,
        (pp, g, b, k) => K.adamStep(pp, g, b.m!, b.v!, b.vMax!, o.lr, o.beta1, o.beta2, o.eps, o.weightDecay, bc(o.beta1, k), bc(o.beta2, k)),
        (x, k) => {
          const stepSize = f(o.lr / bc(o.beta1, k)), sqrtBc2 = f(Math.sqrt(bc(o.beta2, k)));
          const d = f(x.g! + f(wd * x.p!));
          const m = f(f(b1 * x.m!) + f(a1 * d));
          const v = f(f(b2 * x.v!) + f(f(a2 * d) * d));
          const out: Elem = { m, v };
          let vUsed = v;
          if (x.vMax !== undefined) out.vMax = vUsed = v < x.vMax ? x.vMax : v;
          // p −= (lr/bc1)·m / (√v/√bc2 + ε)
          out.p = f(x.p! - f(f(stepSize * m) / f(f(f(Math.sqrt(vUsed)) / sqrtBc2) + e)));
          return out;
        });
    }), RUNS);
  });

  it('adamaxStep: u = max(β2·u, |d| + ε)', () => {
    const opts = fc.record({ lr, beta1: decay, beta2: decay, eps, weightDecay, t0: fc.integer({ min: 1, max: 50 }) });
    fc.assert(fc.property(problem32((n) => fc.tuple(vec(n), vec(n, positive), opts)), ({ p, grads, extra: [m0, u0, o] }) => {
      const bc1 = (k: number) => 1 - o.beta1 ** (o.t0 + k);
      const b1 = f(o.beta1), a1 = f(1 - o.beta1), b2 = f(o.beta2), e = f(o.eps), wd = f(o.weightDecay);
      exactly(p, { m: m0, u: u0 }, grads,
        (pp, g, b, k) => K.adamaxStep(pp, g, b.m!, b.u!, o.lr, o.beta1, o.beta2, o.eps, o.weightDecay, bc1(k)),
        (x, k) => {
          const d = f(x.g! + f(wd * x.p!));
          const m = f(f(b1 * x.m!) + f(a1 * d));
          const u = Math.max(f(b2 * x.u!), f(Math.abs(d) + e));
          return { m, u, p: f(x.p! - f(f(f(o.lr / bc1(k)) * m) / u)) };
        });
    }), RUNS);
  });

  it('nadamStep: w −= (cg·d + cm·m)/denom', () => {
    const opts = fc.record({ cg: lr, cm: lr, beta1: decay, beta2: decay, eps, weightDecay, t0: fc.integer({ min: 1, max: 50 }) });
    fc.assert(fc.property(problem32((n) => fc.tuple(vec(n), vec(n, positive), opts)), ({ p, grads, extra: [m0, v0, o] }) => {
      const bc2 = (k: number) => 1 - o.beta2 ** (o.t0 + k);
      const cg = f(o.cg), cm = f(o.cm), b1 = f(o.beta1), a1 = f(1 - o.beta1), b2 = f(o.beta2), a2 = f(1 - o.beta2);
      const e = f(o.eps), wd = f(o.weightDecay);
      exactly(p, { m: m0, v: v0 }, grads,
        (pp, g, b, k) => K.nadamStep(pp, g, b.m!, b.v!, o.cg, o.cm, o.beta1, o.beta2, o.eps, o.weightDecay, bc2(k)),
        (x, k) => {
          const d = f(x.g! + f(wd * x.p!));
          const m = f(f(b1 * x.m!) + f(a1 * d));
          const v = f(f(b2 * x.v!) + f(f(a2 * d) * d));
          const denom = f(f(Math.sqrt(f(v / f(bc2(k))))) + e);
          return { m, v, p: f(x.p! - f(f(f(cg * d) + f(cm * m)) / denom)) };
        });
    }), RUNS);
  });

  it('adadeltaStep: δ = √(u + ε)/√(v + ε)·d', () => {
    const opts = fc.record({ lr, rho: decay, eps, weightDecay });
    fc.assert(fc.property(problem32((n) => fc.tuple(vec(n, positive), vec(n, positive), opts)), ({ p, grads, extra: [v0, u0, o] }) => {
      const lr1 = f(o.lr), rho = f(o.rho), r1 = f(1 - o.rho), e = f(o.eps), wd = f(o.weightDecay);
      exactly(p, { v: v0, u: u0 }, grads,
        (pp, g, b) => K.adadeltaStep(pp, g, b.v!, b.u!, o.lr, o.rho, o.eps, o.weightDecay),
        (x) => {
          const d = f(x.g! + f(wd * x.p!));
          const v = f(f(rho * x.v!) + f(f(r1 * d) * d));
          const delta = f(f(f(Math.sqrt(f(x.u! + e))) / f(Math.sqrt(f(v + e)))) * d);
          const u = f(f(rho * x.u!) + f(f(r1 * delta) * delta));
          return { v, u, p: f(x.p! - f(lr1 * delta)) };
        });
    }), RUNS);
  });

  it('scaleInPlace: p ← p·factor (factor rounded to float32 first)', () => {
    fc.assert(fc.property(problem32(() => fc.double({ min: -2, max: 2, noNaN: true })), ({ p, grads, extra: factor }) => {
      exactly(p, {}, grads, (pp) => K.scaleInPlace(pp, factor), (x) => ({ p: f(x.p! * f(factor)) }));
    }), RUNS);
  });
});
