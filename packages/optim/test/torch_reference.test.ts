/**
 * optim's update rules, learning-rate schedules and gradient clipping against torch.optim (PyTorch 2.13,
 * CPU), an independent implementation. The expected values are test/fixtures/torch_reference.json, written
 * by scripts/torch_reference.py; initial values, gradients and metrics are regenerated here from the same
 * counter-based mulberry32 streams (bench-spec.md "Data"), bit for bit. Every case runs on both kernel
 * backends (this project runs on the default one only): 'ts', and 'wasm', where the [64, 72] parameter
 * goes through the fused WebAssembly update kernels in a full and a partial 4096-element chunk, the [64]
 * one in one partial chunk, and the [2, 3] one (below their 64-element threshold) through the TS kernel.
 *
 * Tolerances, |ours − torch| ≤ tol·(|torch| + max|torch| over the array), from the arithmetic rather than
 * from the observed differences. Both sides start from the same values and gradients and do, per element,
 * the same operations in the parameters' dtype in nearly the same order (torch: lerp for m, fused
 * multiply-adds in its vector kernels, NAdam's Πμ rounded to float32 and w updated by two addcdiv_). With
 * u the unit roundoff and M = max|w|, per element and step:
 * - w ← w − Δ is rounded at most twice on each side (AdamW: the decay, then the step), ≤ u·|w| each:
 *   ≤ 4u·M, and 2u·M for the rules that round w once on both sides (SGD, RMSprop, Adagrad, Adadelta).
 * - Δ itself: ≤ 10 roundings in the step and ≤ 3 per step in each state element carried from earlier
 *   steps, ≤ 25u·|Δ| over 5 steps. A rounding in m is relative to the terms it sums (β1·|m| + (1 − β1)·|d|,
 *   which may cancel), not to |m|, and Adam-like rules then divide by √v̂ + ε, which amplifies it into a
 *   large *relative* error of a small step; not into a large absolute one: by Cauchy–Schwarz,
 *   Σₖ(1 − β1)β1ᵏ|dₜ₋ₖ|/(1 − β1ᵗ) ≤ κ·√(v/(1 − β2ᵗ)) with κ ≤ 1.05 for these betas and t ≤ 5, so such
 *   errors stay below u·lr·κ per rounding, and Adam-like steps are ≤ lr·κ ≤ 0.021. The largest step of
 *   the other cases is ≈ 1.1·M (SGD with Nesterov momentum on the [2, 3] parameter: 0.1·(1 + 0.9·4.1)·2.05).
 * - A difference in w feeds back through weight decay (d = g + wd·w) and the adaptive denominators. The
 *   gradients are at least 0.05 in magnitude, which keeps those denominators away from 0: perturbing w in
 *   float64 before any step t ≥ 2 (a property of the data, not of the comparison) changes w after step 5
 *   by at most 1.001 times the perturbation.
 * Over K = 5 steps, relative to M: ≤ 5·(2 + 25·1.1)u ≈ 150u (SGD-like) and 5·(4 + 25·0.021)u·1.001 ≈ 23u
 * (Adam-like). float32 (u = 2⁻²⁴): 8.8e−6 → tol 1e−5; float64 (u = 2⁻⁵³): 1.7e−14 → tol 1e−12 (as core's
 * torch test). Learning rates (Python floats on torch's side, float64 here) use the float64 tolerance.
 * Clipping: torch sums the n = 4678 terms |g|ᵖ of the total norm in an order of its own, in the gradients'
 * dtype; such a sum is within (n − 1)·u of exact (relative), the p-th root does not enlarge that, and the
 * coefficient maxNorm/(total + 1e−6) and the products g·coef add ≤ 4u: tol = max(the optimizers' tol,
 * (n + 8)·u) (2.8e−4 in float32).
 * A wrong formula, option or step count is off by far more than either.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tensor, getBackend, setBackend, type BackendName, type DType, type Tensor } from '@tapegrad/core';
import {
  SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, NAdam,
  stepDecay, multiStep, exponentialGamma, cosineAnnealing, linearWarmup, sequence, reduceOnPlateau,
  clipGradNorm, clipGradValue, type Schedule, type ReduceOnPlateauOptions,
} from '../src/index';
import { expectClose, sampled as sampledEvery, streamValues as stream } from '../../core/test/support/torch_reference';

interface ParamSpec { shape: number[]; init: [number, number]; grad: [number, number]; gradAway: number }
/** The sampled values of every parameter (or gradient) and, for those sampled, the sum of all elements. */
interface Snapshot { values: number[][]; sums: (number | null)[] }
interface ScheduleSpec { fn: string; options?: Record<string, unknown>; entries?: { schedule: ScheduleSpec; steps?: number }[] }
interface OptimizerCase {
  name: string;
  optimizer: string;
  options: Record<string, unknown>;
  schedule: ScheduleSpec | null;
  groups: { params: number[]; options: Record<string, unknown> }[] | null;
  /** [parameter, step]: no gradient for that parameter at that step (1..K). */
  skip: [number, number][];
  seed: number;
  float32: Snapshot[];
  float64: Snapshot[];
}
interface ScheduleCase { name: string; schedule: ScheduleSpec; steps: number; lr: number[] }
interface PlateauCase {
  name: string;
  options: ReduceOnPlateauOptions;
  metric: { seed: number; lo: number; hi: number; slope: number };
  steps: number;
  lr: number[];
  numBadEpochs: number[];
  cooldownCounter: number[];
  best: number[];
}
type ClipDraw = Snapshot & { total?: number };
interface ClipCase {
  name: string;
  fn: string;
  options: { maxNorm?: number; normType?: number | 'Infinity'; limit?: number };
  seed: number;
  draws: number;
  float32: ClipDraw[];
  float64: ClipDraw[];
}
interface Fixture {
  torch: string;
  steps: number;
  params: ParamSpec[];
  optimizers: OptimizerCase[];
  schedules: ScheduleCase[];
  plateaus: PlateauCase[];
  clipping: ClipCase[];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/torch_reference.json', import.meta.url), 'utf8')) as Fixture;

// ── the test's tables ─────────────────────────────────────────────────────

type AnyOptions = Record<string, unknown>;
type Params = Tensor[] | ({ params: Tensor[] } & AnyOptions)[];
/** torch.optim's classes, as tapegrad's. */
const OPTIMIZERS: Record<string, (params: Params, options: AnyOptions) => { step(): unknown }> = {
  SGD: (p, o) => new SGD(p as never, o as never),
  Adam: (p, o) => new Adam(p as never, o as never),
  AdamW: (p, o) => new AdamW(p as never, o as never),
  RMSprop: (p, o) => new RMSprop(p as never, o as never),
  Adagrad: (p, o) => new Adagrad(p as never, o as never),
  Adadelta: (p, o) => new Adadelta(p as never, o as never),
  Adamax: (p, o) => new Adamax(p as never, o as never),
  NAdam: (p, o) => new NAdam(p as never, o as never),
};

/** torch.optim.lr_scheduler's classes, as tapegrad's schedules (see the generator's torch_scheduler). */
const SCHEDULES: Record<string, (s: ScheduleSpec) => Schedule> = {
  stepDecay: (s) => stepDecay(s.options as never),
  multiStep: (s) => multiStep(s.options as never),
  exponentialGamma: (s) => exponentialGamma(s.options as never),
  cosineAnnealing: (s) => cosineAnnealing(s.options as never),
  linearWarmup: (s) => {
    const lr = s.options!.lr;
    return linearWarmup({ ...s.options, lr: typeof lr === 'number' ? lr : makeSchedule(lr as ScheduleSpec) } as never);
  },
  sequence: (s) => sequence(s.entries!.map((e) => ({ schedule: makeSchedule(e.schedule), ...(e.steps === undefined ? {} : { steps: e.steps }) }))),
};
const makeSchedule = (s: ScheduleSpec): Schedule => SCHEDULES[s.fn]!(s);

const CLIPS: Record<string, (ps: Tensor[], o: ClipCase['options']) => number | undefined> = {
  clipGradNorm: (ps, o) => clipGradNorm(ps, o.maxNorm!, o.normType === undefined ? {} : { normType: o.normType === 'Infinity' ? Infinity : o.normType }),
  clipGradValue: (ps, o) => { clipGradValue(ps, o.limit!); return undefined; },
};

/** Every case of the fixture, by kind: the fixture and this table must match exactly. */
const CASES = {
  optimizers: [
    'SGD', 'SGD, weightDecay', 'SGD, momentum 0.9', 'SGD, momentum + dampening', 'SGD, Nesterov + weightDecay',
    'Adam, defaults', 'Adam, betas + weightDecay', 'Adam, amsgrad', 'AdamW',
    'RMSprop', 'RMSprop, momentum + weightDecay', 'RMSprop, centered', 'RMSprop, centered + momentum',
    'Adagrad, lrDecay + initialAccumulatorValue + weightDecay', 'Adadelta, weightDecay', 'Adamax, weightDecay', 'NAdam, weightDecay',
    'SGD momentum, stepDecay schedule', 'Adam, cosineAnnealing schedule', 'Adam, parameters without a gradient at some steps',
    'AdamW, two groups (no decay, own lr)',
  ],
  schedules: [
    'stepDecay (StepLR)', 'multiStep with a repeated milestone (MultiStepLR)', 'exponentialGamma (ExponentialLR)',
    'cosineAnnealing past tMax (CosineAnnealingLR)', 'linearWarmup to a number (LinearLR)',
    'linearWarmup over cosineAnnealing (ChainedScheduler)', 'sequence: warm-up, then cosine (SequentialLR)',
  ],
  plateaus: ['reduceOnPlateau, min, rel, cooldown (ReduceLROnPlateau)', 'reduceOnPlateau, max, abs (ReduceLROnPlateau)'],
  clipping: [
    'clipGradNorm 1 (clips)', 'clipGradNorm 100 (below the limit)', 'clipGradNorm 500, normType 1', 'clipGradNorm 2, normType 3',
    'clipGradNorm 0.5, normType Infinity', 'clipGradValue 0.3',
  ],
};

/** The parameters of every optimizer and clipping case (the generator's PARAMS). */
const PARAMS: ParamSpec[] = [
  { shape: [64, 72], init: [-1, 1], grad: [-1, 1], gradAway: 0.05 },
  { shape: [64], init: [-1, 1], grad: [-0.5, 0.5], gradAway: 0.05 },
  { shape: [2, 3], init: [-1, 1], grad: [-2, 2], gradAway: 0.05 },
];

// ── data, sampling, comparison ───────────────────────────────────────────

const numel = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/** Parameter j starts from stream seed + 10·j and gets at step t (1..K) the gradient stream seed + 10·j + t. */
const initValues = (seed: number, j: number): number[] => stream(seed + 10 * j, numel(PARAMS[j]!.shape), ...PARAMS[j]!.init);
const gradValues = (seed: number, j: number, t: number): number[] =>
  stream(seed + 10 * j + t, numel(PARAMS[j]!.shape), ...PARAMS[j]!.grad, PARAMS[j]!.gradAway);

/** Every step-th element (the generator's sampling of arrays over 512 elements, step = size // 32). */
const sampled = (values: ArrayLike<number>): number[] => sampledEvery(values, 32);

/** The sum of all n elements against torch's: the elementwise bound summed, tol·(Σ|w| + n·max|w|). */
function expectSum(what: string, values: ArrayLike<number>, want: number, tol: number): void {
  let s = 0, s1 = 0, m = 0;
  for (let i = 0; i < values.length; i++) { s += values[i]!; s1 += Math.abs(values[i]!); m = Math.max(m, Math.abs(values[i]!)); }
  expect(Math.abs(s - want), `${what}: sum of all ${values.length} elements`).toBeLessThanOrEqual(tol * (s1 + values.length * m));
}

function expectSnapshot(what: string, arrays: readonly ArrayLike<number>[], want: Snapshot, tol: number, dtype: DType): void {
  arrays.forEach((a, j) => {
    expectClose(`${what}, parameter ${j}`, sampled(a), want.values[j]!, tol, dtype);
    if (want.sums[j] !== null) expectSum(`${what}, parameter ${j}`, a, want.sums[j]!, tol);
  });
}

const TOL: Record<DType, number> = { float32: 1e-5, float64: 1e-12 };
const UNIT_ROUNDOFF: Record<DType, number> = { float32: 2 ** -24, float64: 2 ** -53 };
const DTYPES: DType[] = ['float32', 'float64'];
const BACKENDS: BackendName[] = ['ts', 'wasm'];
const WASM_OPTIM_KERNELS = ['sgdStep', 'adamStep', 'rmspropStep', 'adagradStep', 'adadeltaStep', 'adamaxStep', 'nadamStep', 'scaleInPlace'];

/** Runs fn on each backend in turn, then restores the one that was active. */
function onEachBackend(fn: (backend: BackendName) => void): void {
  const before = getBackend().name;
  try {
    for (const b of BACKENDS) {
      setBackend(b);
      if (b === 'wasm') expect(getBackend().wasmKernels).toEqual(expect.arrayContaining(WASM_OPTIM_KERNELS));
      fn(b);
    }
  } finally {
    setBackend(before);
  }
}

// ── the cases ────────────────────────────────────────────────────────────

function checkOptimizer(c: OptimizerCase, dtype: DType, backend: BackendName): void {
  const ps = PARAMS.map((s, j) => tensor(initValues(c.seed, j), { shape: s.shape, dtype, requiresGrad: true }));
  const options: AnyOptions = { ...c.options, ...(c.schedule === null ? {} : { lr: makeSchedule(c.schedule) }) };
  const params: Params = c.groups === null ? ps : c.groups.map((g) => ({ params: g.params.map((j) => ps[j]!), ...g.options }));
  const opt = OPTIMIZERS[c.optimizer]!(params, options);
  for (let t = 1; t <= fixture.steps; t++) {
    ps.forEach((p, j) => {
      const skipped = c.skip.some(([sj, st]) => sj === j && st === t);
      p.grad = skipped ? null : tensor(gradValues(c.seed, j, t), { shape: PARAMS[j]!.shape, dtype });
    });
    opt.step();
    expectSnapshot(`${c.name}, ${dtype}, ${backend}, step ${t}`, ps.map((p) => p.data), c[dtype][t - 1]!, TOL[dtype], dtype);
  }
}

function checkClip(c: ClipCase, dtype: DType, backend: BackendName): void {
  const n = PARAMS.reduce((s, p) => s + numel(p.shape), 0);
  const tol = Math.max(TOL[dtype], (n + 8) * UNIT_ROUNDOFF[dtype]);
  for (let t = 1; t <= c.draws; t++) {
    const want = c[dtype][t - 1]!;
    const ps = PARAMS.map((s, j) => {
      const p = tensor(new Array<number>(numel(s.shape)).fill(0), { shape: s.shape, dtype, requiresGrad: true });
      p.grad = tensor(gradValues(c.seed, j, t), { shape: s.shape, dtype });
      return p;
    });
    const total = CLIPS[c.fn]!(ps, c.options);
    const what = `${c.name}, ${dtype}, ${backend}, draw ${t}`;
    if (want.total !== undefined) expectClose(`${what}, total norm`, [total!], [want.total], tol, dtype);
    else expect(total, `${what}: returns nothing`).toBeUndefined();
    expectSnapshot(`${what}, clipped gradient`, ps.map((p) => p.grad!.data), want, tol, dtype);
  }
}

/** The learning rate the optimizer reads before each step (opt.lr: the schedule at opt.stepCount). */
function checkSchedule(c: ScheduleCase): void {
  const w = tensor([0], { requiresGrad: true, dtype: 'float64' });
  const opt = new SGD([w], { lr: makeSchedule(c.schedule) });
  const lrs: number[] = [];
  for (let t = 0; t < c.steps; t++) {
    lrs.push(opt.lr);
    w.grad = tensor([0], { dtype: 'float64' });
    opt.step();
  }
  expectClose(`${c.name}: lr`, lrs, c.lr, TOL.float64, 'float64');
}

function checkPlateau(c: PlateauCase): void {
  const plateau = reduceOnPlateau(c.options);
  const m = c.metric;
  const metrics = stream(m.seed, c.steps, m.lo, m.hi).map((v, t) => v + m.slope * t);
  const got = { lr: [] as number[], numBadEpochs: [] as number[], cooldownCounter: [] as number[], best: [] as number[] };
  for (const x of metrics) {
    got.lr.push(plateau.step(x));
    got.numBadEpochs.push(plateau.state.numBadEpochs);
    got.cooldownCounter.push(plateau.state.cooldownCounter);
    got.best.push(plateau.state.best);
  }
  expectClose(`${c.name}: lr`, got.lr, c.lr, TOL.float64, 'float64');
  // the counters and the best metric involve no rounding: exactly torch's
  expect(got.numBadEpochs, `${c.name}: numBadEpochs`).toEqual(c.numBadEpochs);
  expect(got.cooldownCounter, `${c.name}: cooldownCounter`).toEqual(c.cooldownCounter);
  expect(got.best, `${c.name}: best`).toEqual(c.best);
}

describe(`optim against torch.optim ${fixture.torch} (backends ts and wasm)`, () => {
  it("the fixture's cases are the table's, and use only the table's optimizers, schedules and clipping functions", () => {
    expect(fixture.optimizers.map((c) => c.name)).toEqual(CASES.optimizers);
    expect(fixture.schedules.map((c) => c.name)).toEqual(CASES.schedules);
    expect(fixture.plateaus.map((c) => c.name)).toEqual(CASES.plateaus);
    expect(fixture.clipping.map((c) => c.name)).toEqual(CASES.clipping);
    expect(fixture.params).toEqual(PARAMS);
    expect(new Set(fixture.optimizers.map((c) => c.optimizer))).toEqual(new Set(Object.keys(OPTIMIZERS)));
    const fns = new Set<string>();
    const walk = (s: ScheduleSpec): void => {
      fns.add(s.fn);
      if (typeof s.options?.lr === 'object') walk(s.options.lr as ScheduleSpec);
      s.entries?.forEach((e) => walk(e.schedule));
    };
    [...fixture.schedules.map((c) => c.schedule), ...fixture.optimizers.flatMap((c) => (c.schedule === null ? [] : [c.schedule]))].forEach(walk);
    expect(fns).toEqual(new Set(Object.keys(SCHEDULES)));
    expect(new Set(fixture.clipping.map((c) => c.fn))).toEqual(new Set(Object.keys(CLIPS)));
  });

  describe('update rules (parameters after each of 5 steps)', () => {
    for (const c of fixture.optimizers) {
      it(c.name, () => onEachBackend((b) => { for (const dtype of DTYPES) checkOptimizer(c, dtype, b); }));
    }
  });

  describe('learning-rate schedules (the lr of each step)', () => {
    for (const c of fixture.schedules) it(c.name, () => onEachBackend(() => checkSchedule(c)));
    for (const c of fixture.plateaus) it(c.name, () => onEachBackend(() => checkPlateau(c)));
  });

  describe('gradient clipping (total norm and clipped gradients)', () => {
    for (const c of fixture.clipping) {
      it(c.name, () => onEachBackend((b) => { for (const dtype of DTYPES) checkClip(c, dtype, b); }));
    }
  });

  it('leaves the backend as it found it', () => {
    const before = getBackend().name;
    onEachBackend(() => {});
    expect(getBackend().name).toBe(before);
  });
});
