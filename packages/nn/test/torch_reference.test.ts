/**
 * nn's losses and normalization layers against PyTorch, an independent implementation: values, gradients
 * (with respect to the input and the target of the losses, the input, weight and bias of the layers) and,
 * for the smooth cases in float64, Hessian-vector products (binaryCrossEntropy's: PyTorch's autograd of the
 * loss written with log and log1p, as its own double backward adds 1e−12 to p and 1 − p; see the
 * generator's bce_by_logs); BatchNorm1d's running statistics after one training forward. Every case runs
 * in float64 and float32 on BOTH backends, since the nn project runs on the default backend only: 'ts' (the
 * TypeScript kernels) and 'wasm' (where these sizes reach the WebAssembly kernels, and the 40 000-element
 * binaryCrossEntropy case the worker pool). The expected values are
 * test/fixtures/torch_reference.json, written by scripts/torch_reference.py with PyTorch 2.13 (CPU); the
 * inputs are regenerated here from the same counter-based streams (bench-spec.md "Data"), bit for bit.
 *
 * Tolerances, from the arithmetic rather than from the observed differences (the rule of core's
 * test/ops/torch_reference.test.ts):
 * - float64: |ours − torch| ≤ 1e−12·(|torch| + max|torch| over the array). Both round each operation to
 *   float64 (a few ulps, ~1e−16, per op; fdlibm against SLEEF for log, log1p and exp); the losses chain
 *   up to ~10 ops, the normalizations ~15 (mean, variance, rsqrt and their backward), and sums of up to
 *   160 terms (40 000 for the pooled case, whose output sum is checked against 1e−12 of Σ|out|) in other
 *   orders add a few hundred ulps of the largest term at most.
 * - float32: 1e−5 in the same form (~80 float32 ulps): each side's log, log1p and exp are within 1–4 ulps,
 *   gradients chain 3–10 rounded ops (binaryCrossEntropy's divides by p(1 − p)), and the statistics sum up
 *   to 24 terms per feature in float32 in different orders.
 * A wrong formula, branch, clamp, weight or reduction is off by far more than either.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  Tensor, tensor, getBackend, setBackend, type BackendName, type DType,
} from '@tapegrad/core';
import {
  mse, mae, huber, binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropy, nll, LayerNorm, BatchNorm1d,
  type Reduction,
} from '../src/index';
import { mulberry32 } from '../../core/test/support/mulberry32';
import { expectClose, expectMatchesReference, streamValues, TOLERANCE, type ReferenceEntry } from '../../core/test/support/torch_reference';

interface InputSpec {
  shape: number[];
  seed: number;
  lo: number;
  hi: number;
  away?: number;
  /** floor(lo + (hi − lo)·u): integers (exact 0/1 targets). */
  int?: boolean;
  /** [k, w]: values with ||x| − k| < w move to ±(k − w) or ±(k + w). */
  gap?: [number, number];
  /** Another stream of the same shape added (then rounded to float32). */
  plus?: InputSpec;
  /** false: a constant (an element weight or posWeight), not differentiated. Default true. */
  grad?: boolean;
}
interface Expected extends ReferenceEntry { state?: Record<string, number[]> }
type Args = Record<string, unknown>;
interface Case {
  name: string;
  op: string;
  args: Args;
  inputs: InputSpec[];
  hvp: boolean;
  cotangentSeed: number;
  float64: Expected;
  float32: Expected;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/torch_reference.json', import.meta.url), 'utf8')) as { torch: string; cases: Case[] };

/** The stream's values (the generator's `flat_stream`): see InputSpec, and the generator's docstring. */
function stream(spec: InputSpec): number[] {
  const n = spec.shape.reduce((p, d) => p * d, 1);
  let xs: number[];
  if (spec.int) {
    const next = mulberry32(spec.seed);
    xs = Array.from({ length: n }, () => Math.floor(spec.lo + (spec.hi - spec.lo) * (next() / 4294967296)));
  } else {
    // core's streams, then the gap
    xs = streamValues(spec.seed, n, spec.lo, spec.hi, spec.away ?? 0);
    if (spec.gap !== undefined) {
      const [k, w] = spec.gap;
      xs = xs.map((x) => {
        const a = Math.abs(x);
        return Math.abs(a - k) < w ? Math.fround(Math.sign(x) * (a < k ? k - w : k + w)) : x;
      });
    }
  }
  if (spec.plus !== undefined) {
    const extra = stream(spec.plus);
    xs = xs.map((x, i) => Math.fround(x + extra[i]!));
  }
  return xs;
}

/** The options named in `keys` that the case sets (the others stay absent, so each loss applies its defaults). */
function pick(a: Args, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => a[k] !== undefined).map((k) => [k, a[k]]));
}
const reduction = (a: Args): Reduction => a.reduction as Reduction;
const classTarget = (a: Args): number[] | number => a.target as number[] | number;

interface Run { y: Tensor; wrt: Tensor[]; state?: Record<string, Tensor> }
/** A loss: differentiated with respect to the inputs whose spec does not say grad: false. */
const loss = (f: (x: Tensor[], a: Args) => Tensor) => (xs: Tensor[], specs: InputSpec[], a: Args): Run =>
  ({ y: f(xs, a), wrt: xs.filter((_, i) => specs[i]!.grad !== false) });

/** The fixture's op names, as tapegrad calls (the generator's OPS maps the same names to PyTorch). */
const OPS: Record<string, (xs: Tensor[], specs: InputSpec[], a: Args, dtype: DType) => Run> = {
  mse: loss(([x, y], a) => mse(x!, y!, { reduction: reduction(a) })),
  mae: loss(([x, y], a) => mae(x!, y!, { reduction: reduction(a) })),
  huber: loss(([x, y], a) => huber(x!, y!, pick(a, ['reduction', 'delta']))),
  binaryCrossEntropy: loss(([p, y, w], a) => binaryCrossEntropy(p!, y!, { ...pick(a, ['reduction', 'eps']), ...(a.weighted ? { weight: w! } : {}) })),
  binaryCrossEntropyWithLogits: loss(([x, y, ...rest], a) => {
    const opts: Parameters<typeof binaryCrossEntropyWithLogits>[2] = { reduction: reduction(a) };
    if (a.weighted) opts.weight = rest.shift()!;
    if (a.posWeight !== undefined) opts.posWeight = a.posWeight === 'tensor' ? rest.shift()! : (a.posWeight as number);
    return binaryCrossEntropyWithLogits(x!, y!, opts);
  }),
  // class indices (args.target), or probabilities (a second input)
  crossEntropy: loss(([x, t], a) => crossEntropy(x!, t ?? classTarget(a), pick(a, ['reduction', 'weight', 'ignoreIndex', 'labelSmoothing']))),
  nll: loss(([x], a) => nll(x!, classTarget(a), pick(a, ['reduction', 'weight', 'ignoreIndex']))),
  layerNorm: ([x, w, b], _specs, a, dtype) => {
    const ln = new LayerNorm(a.normalizedShape as number[], { ...pick(a, ['eps', 'bias']), dtype });
    ln.weight!.data.set(w!.data);
    if (b !== undefined) ln.bias!.data.set(b.data);
    return { y: ln.forward(x!), wrt: [x!, ln.weight!, ...(ln.bias === null ? [] : [ln.bias])] };
  },
  batchNorm1d: ([x, w, b], _specs, a, dtype) => {
    const bn = new BatchNorm1d(x!.shape[1]!, { ...pick(a, ['eps']), momentum: a.momentum as number | null, dtype });
    bn.weight!.data.set(w!.data);
    bn.bias!.data.set(b!.data);
    bn.runningMean!.data.set(stream(a.runningMean as InputSpec));
    bn.runningVar!.data.set(stream(a.runningVar as InputSpec));
    expect(bn.training).toBe(true);
    const y = bn.forward(x!);
    return { y, wrt: [x!, bn.weight!, bn.bias!], state: { runningMean: bn.runningMean!, runningVar: bn.runningVar! } };
  },
};

function check(c: Case, dtype: DType, backend: BackendName): void {
  const want = c[dtype];
  const at = `${c.name} ${dtype} (${backend})`;
  const xs = c.inputs.map((s) => tensor(stream(s), { shape: s.shape, dtype, requiresGrad: s.grad !== false }));
  const { y, wrt, state } = OPS[c.op]!(xs, c.inputs, c.args, dtype);
  expectMatchesReference(at, y, wrt, want, c.cotangentSeed, dtype, c.hvp && dtype === 'float64');
  expect(Object.keys(state ?? {}).sort(), `${at}: state`).toEqual(Object.keys(want.state ?? {}).sort());
  for (const [k, t] of Object.entries(state ?? {})) expectClose(`${at} ${k}`, Array.from(t.data), want.state![k]!, TOLERANCE[dtype], dtype);
}

const BACKENDS: BackendName[] = ['ts', 'wasm'];
const initial = getBackend().name;

describe(`nn's losses and normalization layers against PyTorch ${fixture.torch} (backends ts and wasm)`, () => {
  afterAll(() => setBackend(initial));

  it('the fixture covers every loss and layer in the table, and the table every one in the fixture', () => {
    expect(new Set(fixture.cases.map((c) => c.op))).toEqual(new Set(Object.keys(OPS)));
  });

  it("setBackend('wasm') puts the WebAssembly kernels these cases reach behind the ops", () => {
    try {
      setBackend('wasm');
      expect(getBackend().wasmKernels).toEqual(expect.arrayContaining(['binaryCrossEntropy', 'binaryCrossEntropyBackward', 'unary', 'binary', 'reduce', 'softmax']));
    } finally {
      setBackend(initial);
    }
  });

  for (const c of fixture.cases) {
    it(c.name, () => {
      try {
        for (const backend of BACKENDS) {
          setBackend(backend);
          check(c, 'float64', backend);
          check(c, 'float32', backend);
        }
      } finally {
        setBackend(initial);
      }
    });
  }
});
