/**
 * core's ops against PyTorch, an independent implementation: values, gradients and (smooth ops, float64)
 * Hessian-vector products, in float64 and float32, on whichever backend this project pins (core: the
 * TypeScript kernels; core-wasm: WebAssembly, where these sizes reach the SIMD kernels and the largest
 * cases the worker pool). The expected values are test/fixtures/torch_reference.json, written by
 * scripts/torch_reference.py with PyTorch 2.13 (CPU); the inputs are regenerated here from the same
 * counter-based streams (bench-spec.md "Data"), bit for bit.
 *
 * Tolerances, from the arithmetic rather than from the observed differences:
 * - float64: |ours − torch| ≤ 1e−12·(|torch| + max|torch| over the array). Both round each operation to
 *   float64 (a few ulps, ~1e−16, per op, fdlibm against SLEEF for the transcendentals); sums of up to 300
 *   terms in other orders add ~300 ulps of the largest term.
 * - float32: 1e−5 in the same form (~80 float32 ulps): each side's transcendentals are within 1–4 ulps,
 *   gradients chain 2–5 rounded ops, and products and reductions sum up to 96 terms in different orders.
 * A wrong formula, branch, broadcast or axis is off by far more than either.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  Tensor, tensor, getBackend, sum, mul, neg, exp, log, log1p, expm1, sqrt, square, abs, reciprocal, sin, cos,
  clamp, sigmoid, tanh, relu, leakyRelu, elu, selu, softplus, logSigmoid, add, sub, div, pow, maximum, minimum, mean,
  max, min, variance, std, logSumExp, softmax, logSoftmax, matmul, affine, gather, indexSelect, scatterAdd,
  type DType, type FusedActivation,
} from '../../src/index';
import { expectMatchesReference, streamValues, type ReferenceEntry } from '../support/torch_reference';

interface InputSpec { shape: number[]; seed: number; lo: number; hi: number; away: number }
interface Case {
  name: string;
  op: string;
  args: Record<string, unknown>;
  inputs: InputSpec[];
  hvp: boolean;
  cotangentSeed: number;
  float64: ReferenceEntry;
  float32: ReferenceEntry;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/torch_reference.json', import.meta.url), 'utf8')) as { torch: string; cases: Case[] };

/** An input's values: the generator's `stream`. */
const stream = (spec: InputSpec): number[] =>
  streamValues(spec.seed, spec.shape.reduce((p, d) => p * d, 1), spec.lo, spec.hi, spec.away ?? 0);

type Args = Record<string, unknown>;
const num = (a: Args, k: string): number => a[k] as number;
const axisOf = (a: Args): number | number[] => a.axis as number | number[];
const keep = (a: Args): boolean => (a.keepDims as boolean | undefined) ?? false;
/** An index tensor (float32 integers, as core's indexing ops take them). */
const indexTensor = (rows: number[][]): Tensor => tensor(rows);

/** The fixture's op names, as tapegrad calls. */
const OPS: Record<string, (x: Tensor[], a: Args) => Tensor> = {
  neg: ([x]) => neg(x!), exp: ([x]) => exp(x!), log: ([x]) => log(x!), log1p: ([x]) => log1p(x!), expm1: ([x]) => expm1(x!),
  sqrt: ([x]) => sqrt(x!), square: ([x]) => square(x!), abs: ([x]) => abs(x!), reciprocal: ([x]) => reciprocal(x!),
  sin: ([x]) => sin(x!), cos: ([x]) => cos(x!), clamp: ([x], a) => clamp(x!, num(a, 'min'), num(a, 'max')),
  sigmoid: ([x]) => sigmoid(x!), tanh: ([x]) => tanh(x!), relu: ([x]) => relu(x!),
  leakyRelu: ([x], a) => leakyRelu(x!, num(a, 'slope')), elu: ([x], a) => elu(x!, num(a, 'alpha')), selu: ([x]) => selu(x!),
  softplus: ([x], a) => softplus(x!, { beta: num(a, 'beta'), threshold: num(a, 'threshold') }), logSigmoid: ([x]) => logSigmoid(x!),
  add: ([x, y]) => add(x!, y!), sub: ([x, y]) => sub(x!, y!), mul: ([x, y]) => mul(x!, y!), div: ([x, y]) => div(x!, y!),
  pow: ([x, y]) => pow(x!, y!), maximum: ([x, y]) => maximum(x!, y!), minimum: ([x, y]) => minimum(x!, y!),
  sum: ([x], a) => (a.axis === undefined ? sum(x!) : sum(x!, axisOf(a), keep(a))),
  mean: ([x], a) => mean(x!, axisOf(a), keep(a)),
  max: ([x], a) => (a.axis === undefined ? max(x!) : max(x!, axisOf(a), keep(a))),
  min: ([x], a) => min(x!, axisOf(a), keep(a)),
  variance: ([x], a) => variance(x!, axisOf(a), { correction: num(a, 'correction') }),
  std: ([x], a) => std(x!, axisOf(a), { correction: num(a, 'correction') }),
  logSumExp: ([x], a) => logSumExp(x!, axisOf(a)),
  softmax: ([x], a) => softmax(x!, num(a, 'axis')), logSoftmax: ([x], a) => logSoftmax(x!, num(a, 'axis')),
  matmul: ([x, y]) => matmul(x!, y!),
  affine: ([x, w, b], a) => (a.activation === 'none' ? affine(x!, w!, b!) : affine(x!, w!, b!, a.activation as FusedActivation)),
  gather: ([x], a) => gather(x!, num(a, 'axis'), indexTensor(a.index as number[][])),
  indexSelect: ([x], a) => indexSelect(x!, num(a, 'axis'), a.indices as number[]),
  scatterAdd: ([x, s], a) => scatterAdd(x!, num(a, 'axis'), indexTensor(a.index as number[][]), s!),
};

function check(c: Case, dtype: DType): void {
  const xs = c.inputs.map((s) => tensor(stream(s), { shape: s.shape, dtype, requiresGrad: true }));
  expectMatchesReference(`${c.name} ${dtype}`, OPS[c.op]!(xs, c.args), xs, c[dtype], c.cotangentSeed, dtype, c.hvp && dtype === 'float64');
}

describe(`core's ops against PyTorch ${fixture.torch} (backend ${getBackend().name})`, () => {
  it('the fixture covers every op in the table, and the table every op in the fixture', () => {
    expect(new Set(fixture.cases.map((c) => c.op))).toEqual(new Set(Object.keys(OPS)));
  });
  for (const c of fixture.cases) {
    it(c.name, () => {
      check(c, 'float64');
      check(c, 'float32');
    });
  }
});
