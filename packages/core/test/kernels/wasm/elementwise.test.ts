/**
 * The WebAssembly SIMD unary, binary, reduce, softmax and fused kernels (kernels/wasm/elementwise.ts) against
 * the plain-TS kernels they replace, their accuracy against float64 Math, and the committed module
 * (kernels/wasm/elementwise_module.ts) against its AssemblyScript source.
 *
 * Lengths are drawn to cross the module's chunk boundaries (CHUNK = 8192 floats) and to end mid-vector;
 * values mix ordinary numbers, arbitrary float32 bit patterns (subnormals, huge values, NaN, ±Infinity)
 * and signed zeros.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ActivationBackwardKernelOp, BinaryKernelOp, ReduceKernelOp, UnaryKernelOp } from '../../../src/kernels/kernels';
import { binary as tsBinary, unary as tsUnary } from '../../../src/kernels/ts/elementwise';
import {
  activationBackward as tsActivationBackward, binaryCrossEntropy as tsBinaryCrossEntropy,
  binaryCrossEntropyBackward as tsBinaryCrossEntropyBackward,
} from '../../../src/kernels/ts/fused';
import { reduce as tsReduce } from '../../../src/kernels/ts/reduce';
import { softmax as tsSoftmax } from '../../../src/kernels/ts/softmax';
import {
  MIN_CHEAP, MIN_REDUCE, MIN_SOFTMAX, MIN_TRANSCENDENTAL, wasmActivationBackward, wasmActivationBackwardF32, wasmBinary,
  wasmBinaryCrossEntropy, wasmBinaryCrossEntropyBackward, wasmBinaryCrossEntropyBackwardF32, wasmBinaryCrossEntropyF32,
  wasmBinaryF32, wasmElementwiseChunk, wasmReduce, wasmReduceF32, wasmSoftmax, wasmSoftmaxF32, wasmUnary, wasmUnaryF32,
} from '../../../src/kernels/wasm/elementwise';
import { ELEMENTWISE_WASM_BASE64 } from '../../../src/kernels/wasm/elementwise_module';
import { mulberry32 } from '../../support/mulberry32';
import { unitIntervalFloats } from '../../support/unit_floats';
import { expectCommittedModuleMatches } from '../../support/wasm_build';

const CHUNK = 8192;

// ── helpers ───────────────────────────────────────────────────────────────

const bits32 = new Int32Array(1), float32 = new Float32Array(bits32.buffer);

/** Position of a float32 on the number line in ulps (−0 and +0 both 0), so ulp distance is a difference. */
function ordinal(v: number): number {
  float32[0] = v;
  const b = bits32[0]!;
  return b < 0 ? -(b & 0x7fffffff) : b;
}

/** Distance in float32 ulps; 0 for two NaNs, Infinity when only one is NaN or infinite. */
function ulps(a: number, b: number): number {
  if (a !== a || b !== b) return a !== a && b !== b ? 0 : Infinity;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b ? 0 : Infinity;
  return Math.abs(ordinal(a) - ordinal(b));
}

/** The float32 ulp at |v| (the spacing of the binade holding the correctly rounded result). */
function ulpAt(v: number): number {
  const a = Math.abs(v);
  return a < 2 ** -126 ? 2 ** -149 : 2 ** (Math.floor(Math.log2(a)) - 23);
}

const SPECIALS = [0, -0, Infinity, -Infinity, NaN, 2 ** -149, -(2 ** -149), 2 ** -126, 1e-30, -1e-30, 88.72, -88.72, -103.9, 104, 1, -1];

/**
 * n float32 values from `seed`: mostly uniform in ±scale, `wild` of them arbitrary bit patterns
 * (any float32, NaN included), a few from SPECIALS.
 */
function values(n: number, seed: number, scale = 10, wild = 0.1): Float32Array {
  const next = mulberry32(seed), out = new Float32Array(n), u = new Uint32Array(out.buffer);
  for (let i = 0; i < n; i++) {
    const r = next() / 2 ** 32;
    if (r < wild) u[i] = next();
    else if (r < wild + 0.03) out[i] = SPECIALS[next() % SPECIALS.length]!;
    else out[i] = (next() / 2 ** 32 - 0.5) * 2 * scale;
  }
  return out;
}

/** Lengths around the interesting places: tiny, not multiples of 4, chunk boundaries, several chunks. */
const lengthArb = fc.oneof(
  fc.integer({ min: 0, max: 70 }),
  fc.integer({ min: 0, max: 3 * CHUNK + 10 }),
  fc.constantFrom(CHUNK - 1, CHUNK, CHUNK + 1, CHUNK + 3, 2 * CHUNK - 2, 2 * CHUNK + 5),
);
const seedArb = fc.integer({ min: 0, max: 2 ** 31 - 1 });

// ── unary ─────────────────────────────────────────────────────────────────

const EXACT_UNARY: UnaryKernelOp[] = ['neg', 'abs', 'square', 'sqrt', 'reciprocal', 'relu', 'clamp', 'leakyRelu'];

/**
 * The transcendentals are computed in float64 and rounded once, like the TS kernel with Math: a fast core
 * (relative error ~2⁻³⁴) wherever a rounding test proves that rounding it gives the TS kernel's float32,
 * the full-precision cores (a few float64 ulps) elsewhere. Over all 2³² float32 inputs of each function
 * (TAPEGRAD_EXHAUSTIVE=1 runs that check below: ~30 min for the seven; TAPEGRAD_EXHAUSTIVE_OPS=exp,sigmoid
 * restricts it to those) no input differs.
 */
const TRANSCENDENTAL: UnaryKernelOp[] = ['exp', 'log', 'log1p', 'tanh', 'sigmoid', 'softplus', 'logSigmoid'];

/** Runs op through wasmUnaryF32 and the TS kernel; returns [wasm, ts]. */
function runUnary(op: UnaryKernelOp, x: Float32Array, p0?: number, p1?: number, inPlace = false): [Float32Array, Float32Array] {
  const ref = new Float32Array(x.length);
  tsUnary(op, x, ref, p0, p1);
  const out = inPlace ? x.slice() : new Float32Array(x.length).fill(12345);
  expect(wasmUnaryF32(op, inPlace ? out : x, out, p0, p1)).toBe(true);
  return [out, ref];
}

/** Same value (±0 told apart; any NaN equals any NaN). */
const same = (a: number, b: number): boolean => Object.is(a, b) || (a !== a && b !== b);

function expectUnaryMatches(op: UnaryKernelOp, x: Float32Array, got: Float32Array, ref: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    if (!same(got[i]!, ref[i]!)) throw new Error(`${op}(${x[i]}) at ${i} of ${x.length}: WASM ${got[i]}, TS kernel ${ref[i]}`);
  }
}

const wasmAvailable = wasmElementwiseChunk() > 0;

describe.skipIf(!wasmAvailable)('kernels/wasm elementwise: unary', () => {
  it('runs in chunks of 8192 floats', () => {
    expect(wasmElementwiseChunk()).toBe(CHUNK);
  });

  it('matches the TS kernel bit for bit (random lengths and values, in place or not)', () => {
    const bound = fc.oneof(fc.constantFrom(0, -0, 1, -1, 0.1, 6, Infinity, -Infinity, NaN), fc.double({ min: -5, max: 5 }));
    fc.assert(fc.property(fc.constantFrom(...EXACT_UNARY, ...TRANSCENDENTAL), lengthArb, seedArb, bound, bound, fc.boolean(),
      (op, n, seed, p0, p1, inPlace) => {
        const x = values(n, seed, op === 'exp' ? 100 : 10);
        // clamp with a bound that rounds to a float32 zero of the other sign is declined (tested below).
        if (op === 'clamp' && [p0, p1].some((p) => p !== 0 && Math.fround(p) === 0)) return;
        const [got, ref] = runUnary(op, x, p0, p1, inPlace);
        expectUnaryMatches(op, x, got, ref);
      }), { numRuns: 150 });
  });

  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
  const exhaustive = env['TAPEGRAD_EXHAUSTIVE'] === '1';
  const stride = exhaustive ? 1 : 4099;
  const checked = TRANSCENDENTAL.filter((op) => !env['TAPEGRAD_EXHAUSTIVE_OPS'] || env['TAPEGRAD_EXHAUSTIVE_OPS'].split(',').includes(op));
  it(`transcendentals: correctly rounded and equal to the TS kernel on every ${stride === 1 ? '' : `${stride}th `}float32 input`, () => {
    const block = 1 << 20;
    const u = new Uint32Array(block), x = new Float32Array(u.buffer);
    const got = new Float32Array(block), ref = new Float64Array(block), ref32 = new Float32Array(block), x64 = new Float64Array(block);
    for (const op of checked) {
      let worst = 0;
      for (let start = 0; start < 2 ** 32; start += block * stride) {
        const n = Math.min(block, Math.ceil((2 ** 32 - start) / stride));
        for (let i = 0; i < n; i++) u[i] = start + i * stride;
        const xs = x.subarray(0, n);
        x64.set(xs);
        wasmUnaryF32(op, xs, got.subarray(0, n));
        tsUnary(op, x64.subarray(0, n), ref.subarray(0, n));
        tsUnary(op, xs, ref32.subarray(0, n));
        for (let i = 0; i < n; i++) {
          if (!same(got[i]!, ref32[i]!)) throw new Error(`${op}(${x[i]}) = ${got[i]}, TS kernel ${ref32[i]}`);
          // Error against the float64 value in float32 ulps: ≤ ½ (correct rounding) wherever the result is finite.
          if (Number.isFinite(got[i]!) && ref[i] !== 0) worst = Math.max(worst, Math.abs(got[i]! - ref[i]!) / ulpAt(ref[i]!));
        }
      }
      expect(worst, op).toBeLessThanOrEqual(0.5 + 1e-6);
    }
  }, exhaustive ? 3_600_000 : 30_000);

  it('tails and special values: exact where the result is exact, as Math gives them', () => {
    const cases: [UnaryKernelOp, number, number][] = [
      ['exp', -Infinity, 0], ['exp', Infinity, Infinity], ['exp', 0, 1], ['exp', -0, 1], ['exp', 89, Infinity],
      ['exp', 88.8, Infinity], ['exp', -104, 0], ['exp', -120, 0], ['exp', 2 ** -149, 1],
      ['log', 0, -Infinity], ['log', -0, -Infinity], ['log', -1, NaN], ['log', -Infinity, NaN], ['log', Infinity, Infinity], ['log', 1, 0],
      ['log1p', -1, -Infinity], ['log1p', -2, NaN], ['log1p', Infinity, Infinity], ['log1p', -0, -0], ['log1p', 0, 0],
      ['log1p', 2 ** -149, 2 ** -149], ['log1p', -(2 ** -149), -(2 ** -149)],
      ['tanh', -0, -0], ['tanh', 0, 0], ['tanh', 2 ** -149, 2 ** -149], ['tanh', -1e-30, -1e-30], ['tanh', 10, 1], ['tanh', -20, -1],
      ['tanh', Infinity, 1], ['tanh', -Infinity, -1],
      ['sigmoid', -Infinity, 0], ['sigmoid', Infinity, 1], ['sigmoid', 0, 0.5], ['sigmoid', -0, 0.5], ['sigmoid', -110, 0], ['sigmoid', 20, 1],
      ['softplus', -Infinity, 0], ['softplus', Infinity, Infinity], ['softplus', -120, 0], ['softplus', 100, 100],
      ['logSigmoid', Infinity, 0], ['logSigmoid', -Infinity, -Infinity], ['logSigmoid', -100, -100],
    ];
    for (const [op, x, want] of cases) {
      const [got] = runUnary(op, new Float32Array([x]));
      expect(got[0], `${op}(${x})`).toBe(Math.fround(want));
    }
    // NaN in, NaN out, for every op.
    for (const op of [...EXACT_UNARY, ...TRANSCENDENTAL]) expect(runUnary(op, new Float32Array([NaN]), 0.1, 2)[0][0], op).toBeNaN();
    // Subnormal results (exp, sigmoid, softplus of large negative x), and logSigmoid's zero sign where
    // e^{−|x|} underflows (Math.exp gives exactly 0 below −745.1332: then −0 turns into +0).
    const tail = new Float32Array(Array.from({ length: 400 }, (_, i) => -87 - i * 0.05));
    for (const op of ['exp', 'sigmoid', 'softplus'] as const) expectUnaryMatches(op, tail, ...runUnary(op, tail));
    const edge = new Float32Array([745.13318, 745.13324, -745.13318, -745.13324, 700, 800, 3e38]);
    expectUnaryMatches('logSigmoid', edge, ...runUnary('logSigmoid', edge));
    expectUnaryMatches('softplus', edge, ...runUnary('softplus', edge));
  });

  it('inputs near a float32 rounding boundary (where the fast cores defer to the full ones) match the TS kernel', () => {
    // The fast paths recompute a vector with the full cores when a lane's float64 value lies within T = 2¹⁹
    // float64 ulps of a float32 rounding boundary (low 29 mantissa bits within T of 2²⁸). Inputs whose TS
    // float64 value lies that close are picked out and placed one per vector, at every lane position.
    const f64 = new Float64Array(1), low = new Uint32Array(f64.buffer);
    for (const op of TRANSCENDENTAL) {
      const cand = values(200_000, 77, op === 'exp' ? 80 : 10, 0);
      const ref = new Float64Array(cand.length);
      tsUnary(op, Float64Array.from(cand), ref);
      const near: number[] = [];
      for (let i = 0; i < cand.length; i++) {
        f64[0] = ref[i]!;
        if (Math.abs((low[0]! & 0x1fffffff) - 2 ** 28) <= 2 ** 19) near.push(cand[i]!);
      }
      expect(near.length, op).toBeGreaterThan(50);
      const x = cand.slice(0, near.length * 4);
      near.forEach((v, j) => { x[4 * j + (j % 4)] = v; });
      expectUnaryMatches(op, x, ...runUnary(op, x));
    }
  });

  it('tanh is correctly rounded near 0 too, down to the subnormals', () => {
    const x = new Float32Array(2000).map((_, i) => (i % 2 ? -1 : 1) * 2 ** (-149 + (i >> 1) * 0.149));
    const [got] = runUnary('tanh', x);
    for (let i = 0; i < x.length; i++) expect(got[i], String(x[i])).toBe(Math.fround(Math.tanh(x[i]!)));
  });

  it('declines the ops it does not run and clamp bounds that round to a zero of the other sign', () => {
    const x = values(100, 1), out = new Float32Array(100);
    for (const op of ['sign', 'sin', 'cos', 'expm1', 'elu'] as const) expect(wasmUnaryF32(op, x, out)).toBe(false);
    expect(wasmUnaryF32('clamp', x, out, 1e-50, 1)).toBe(false);
    expect(wasmUnaryF32('clamp', x, out, -1, -1e-50)).toBe(false);
    expect(Array.from(out)).toEqual(new Array(100).fill(0));
    // clamp(−0, 1e−50, 1) is 1e−50 → +0 in float32; with the bound rounded first it would stay −0.
    const z = new Float32Array(MIN_CHEAP).fill(-0), got = new Float32Array(MIN_CHEAP);
    wasmUnary('clamp', z, got, 1e-50, 1);
    expect(Object.is(got[0], 0)).toBe(true);
  });

  it('wasmUnary: WASM from the thresholds on; tiny and float64 arrays in the TS kernel', () => {
    // Told apart by the NaN they write for log(−1): the module's is all ones (0xffffffff), the TS
    // kernel's is whatever V8 stores for Math.log(−1) (0x7fe00000 in Node 20).
    const nanBits = (kernel: typeof wasmUnary, n: number): number => {
      const x = new Float32Array(n).fill(-1), out = new Float32Array(n);
      kernel('log', x, out);
      return new Uint32Array(out.buffer)[0]!;
    };
    const tsBits = nanBits(tsUnary, 1);
    expect(tsBits).not.toBe(0xffffffff);
    expect(nanBits(wasmUnary, MIN_TRANSCENDENTAL - 1)).toBe(tsBits);
    expect(nanBits(wasmUnary, MIN_TRANSCENDENTAL)).toBe(0xffffffff);
    const x64 = Float64Array.from(values(5000, 3)), got64 = new Float64Array(5000), ts64 = new Float64Array(5000);
    for (const op of ['exp', 'tanh', 'neg', 'sin'] as const) {
      wasmUnary(op, x64, got64);
      tsUnary(op, x64, ts64);
      expect(Array.from(got64)).toEqual(Array.from(ts64));
    }
  });
});

// ── binary ────────────────────────────────────────────────────────────────

const WASM_BINARY: BinaryKernelOp[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge'];

type Kind = 'full' | 'scalar' | 'row' | 'column';

interface BinaryCase { op: BinaryKernelOp; kind: Kind; swap: boolean; rows: number; split: boolean; L: number; drop: boolean; seed: number }

/** Output [rows, L] (or [r1, r2, L] when split), one operand full-size, the other broadcast by `kind`. */
const binaryCaseArb: fc.Arbitrary<BinaryCase> = fc.record({
  op: fc.constantFrom(...WASM_BINARY),
  kind: fc.constantFrom<Kind>('full', 'scalar', 'row', 'column'),
  swap: fc.boolean(),
  rows: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 400 })),
  split: fc.boolean(),
  L: fc.oneof(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 3000 }), fc.constantFrom(CHUNK - 1, CHUNK + 3)),
  drop: fc.boolean(),
  seed: seedArb,
}).filter((c) => c.rows * c.L <= 4 * CHUNK);

function binaryOperands(c: BinaryCase): { a: Float32Array; aShape: number[]; b: Float32Array; bShape: number[]; outShape: number[] } {
  const lead = c.split && c.rows % 2 === 0 ? [2, c.rows / 2] : [c.rows];
  const outShape = [...lead, c.L];
  // Shapes of the broadcast operand; `drop` leaves out its leading 1s where that is allowed.
  const small = c.kind === 'full' ? outShape
    : c.kind === 'scalar' ? (c.drop ? [] : outShape.map(() => 1))
      : c.kind === 'row' ? (c.drop ? [c.L] : [...lead.map(() => 1), c.L])
        : [...lead, 1];
  const size = (s: number[]): number => s.reduce((p, d) => p * d, 1);
  const full = values(size(outShape), c.seed), other = values(size(small), c.seed + 1);
  return c.swap
    ? { a: other, aShape: small, b: full, bShape: outShape, outShape }
    : { a: full, aShape: outShape, b: other, bShape: small, outShape };
}

describe.skipIf(!wasmAvailable)('kernels/wasm elementwise: binary', () => {
  it('matches the TS kernel bit for bit on every fast path (same shape, scalar, row, column; either side)', () => {
    fc.assert(fc.property(binaryCaseArb, (c) => {
      const { a, aShape, b, bShape, outShape } = binaryOperands(c);
      const n = outShape.reduce((p, d) => p * d, 1);
      const got = new Float32Array(n), ref = new Float32Array(n);
      expect(wasmBinaryF32(c.op, a, aShape, b, bShape, got, outShape)).toBe(true);
      tsBinary(c.op, a, aShape, b, bShape, ref, outShape);
      for (let i = 0; i < n; i++) {
        if (!(Object.is(got[i], ref[i]) || (got[i] !== got[i] && ref[i] !== ref[i]))) {
          throw new Error(`${c.op}: at ${i}, WASM ${got[i]}, TS kernel ${ref[i]} (${JSON.stringify(c)})`);
        }
      }
    }), { numRuns: 250 });
  });

  it('maximum / minimum: NaN propagates and −0 < +0, as Math.max / Math.min', () => {
    const a = new Float32Array([NaN, 1, -0, 0, -0, 0, 2, -Infinity]), b = new Float32Array([1, NaN, 0, -0, -0, 0, -Infinity, 2]);
    const mx = new Float32Array(8), mn = new Float32Array(8);
    wasmBinaryF32('maximum', a, [8], b, [8], mx, [8]);
    wasmBinaryF32('minimum', a, [8], b, [8], mn, [8]);
    expect(Array.from(mx)).toEqual([NaN, NaN, 0, 0, -0, 0, 2, 2]);
    expect(Array.from(mn)).toEqual([NaN, NaN, -0, -0, -0, 0, -Infinity, -Infinity]);
  });

  it('declines other broadcast patterns and pow; wasmBinary then gives exactly the TS result, as for float64 and tiny outputs', () => {
    const cases: [number[], number[], number[]][] = [
      [[3, 1, 5], [1, 4, 5], [3, 4, 5]], // both broadcast
      [[3, 4, 5], [4, 1], [3, 4, 5]], // a column of a middle axis
      [[3, 4, 5], [4, 5], [3, 4, 5]], // a trailing block, not one row
    ];
    for (const [aShape, bShape, outShape] of cases) {
      const size = (s: number[]): number => s.reduce((p, d) => p * d, 1);
      const a = values(size(aShape), 1), b = values(size(bShape), 2), n = size(outShape);
      const got = new Float32Array(n), ref = new Float32Array(n);
      expect(wasmBinaryF32('add', a, aShape, b, bShape, got, outShape)).toBe(false);
      wasmBinary('add', a, aShape, b, bShape, got, outShape);
      tsBinary('add', a, aShape, b, bShape, ref, outShape);
      expect(Array.from(got)).toEqual(Array.from(ref));
    }
    const x = values(1000, 4), y = values(1000, 5), out = new Float32Array(1000), ref = new Float32Array(1000);
    expect(wasmBinaryF32('pow', x, [1000], y, [1000], out, [1000])).toBe(false);
    wasmBinary('pow', x, [1000], y, [1000], out, [1000]);
    tsBinary('pow', x, [1000], y, [1000], ref, [1000]);
    expect(Array.from(out)).toEqual(Array.from(ref));
    const x64 = Float64Array.from(x), o64 = new Float64Array(1000), r64 = new Float64Array(1000);
    wasmBinary('div', x64, [1000], x64.subarray(0, 1), [], o64, [1000]);
    tsBinary('div', x64, [1000], x64.subarray(0, 1), [], r64, [1000]);
    expect(Array.from(o64)).toEqual(Array.from(r64));
    expect(MIN_CHEAP).toBeGreaterThan(8); // W4's 8-element ops stay in the TS kernel
  });
});

// ── reduce ────────────────────────────────────────────────────────────────

type Pattern = 'all' | 'last' | 'leading';

interface ReduceCase { op: ReduceKernelOp; pattern: Pattern; rows: number; L: number; split: boolean; seed: number; zeros: boolean; nan: boolean }

const reduceCaseArb: fc.Arbitrary<ReduceCase> = fc.record({
  op: fc.constantFrom<ReduceKernelOp>('sum', 'max', 'min'),
  pattern: fc.constantFrom<Pattern>('all', 'last', 'leading'),
  rows: fc.oneof(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 3000 })),
  L: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 3000 }), fc.constantFrom(CHUNK - 1, CHUNK, CHUNK + 5, 2 * CHUNK + 1)),
  split: fc.boolean(),
  seed: seedArb,
  zeros: fc.boolean(),
  nan: fc.boolean(),
}).filter((c) => c.rows * c.L <= 5 * CHUNK);

/** Values for reductions: optionally only zeros of both signs and negatives (max is then ±0), optionally without NaN. */
function reduceValues(c: ReduceCase, n: number): Float32Array {
  const x = values(n, c.seed, 10, c.nan ? 0.02 : 0).map((v) => (c.nan || v === v ? v : 1));
  if (c.zeros) {
    const next = mulberry32(c.seed + 7);
    for (let i = 0; i < n; i++) x[i] = next() % 3 === 0 ? (next() % 2 ? 0 : -0) : -Math.abs(x[i]!);
  }
  return x;
}

describe.skipIf(!wasmAvailable)('kernels/wasm elementwise: reduce', () => {
  it('matches the TS kernel: max, min and leading-axis sums bit for bit; float64-accumulated sums within one float32 rounding', () => {
    fc.assert(fc.property(reduceCaseArb, (c) => {
      const lead = c.split && c.rows % 2 === 0 ? [2, c.rows / 2] : [c.rows];
      const shape = [...lead, c.L];
      const n = c.rows * c.L;
      const axes = c.pattern === 'all' ? shape.map((_, i) => i) : c.pattern === 'last' ? [shape.length - 1] : lead.map((_, i) => i);
      const outLen = c.pattern === 'all' ? 1 : c.pattern === 'last' ? c.rows : c.L;
      const x = reduceValues(c, n);
      const got = new Float32Array(outLen).fill(12345), ref = new Float32Array(outLen);
      const handled = wasmReduceF32(c.op, x, shape, axes, got);
      // Leading-axis reductions keeping more than a chunk of values are declined.
      expect(handled).toBe(!(c.pattern === 'leading' && outLen > 1 && c.L > CHUNK));
      if (!handled) return;
      tsReduce(c.op, x, shape, axes, ref);
      const floatSum = c.op === 'sum' && outLen !== c.L; // float64 accumulation over everything or rows
      const rowLen = outLen === 1 ? n : c.L;
      for (let o = 0; o < outLen; o++) {
        if (floatSum && Number.isFinite(ref[o]!)) {
          // Both kernels add in float64 (in different orders) and round once: the float64 sums differ by at
          // most 2·len·2⁻⁵³·Σ|x|, so the results differ by that plus one float32 rounding.
          let abs = 0;
          for (let j = 0; j < rowLen; j++) abs += Math.abs(x[(outLen === 1 ? 0 : o * c.L) + j]!);
          expect(Math.abs(got[o]! - ref[o]!)).toBeLessThanOrEqual(ulpAt(ref[o]!) + 2 * rowLen * 2 ** -53 * abs);
        } else if (!(Object.is(got[o], ref[o]) || (got[o] !== got[o] && ref[o] !== ref[o]))) {
          throw new Error(`${c.op} at ${o}: WASM ${got[o]}, TS kernel ${ref[o]} (${JSON.stringify(c)})`);
        }
      }
    }), { numRuns: 200 });
  });

  it('max / min of zeros keep the sign of the first zero, across vector lanes and chunks', () => {
    for (const [first, second] of [[-0, 0], [0, -0]]) {
      for (const at of [5, CHUNK + 2]) {
        const x = new Float32Array(2 * CHUNK + 10).fill(-1);
        x[at] = first;
        x[at + 7] = second;
        x[CHUNK - 1] = second;
        for (const op of ['max', 'min'] as const) {
          const y = op === 'max' ? x : x.map((v) => (v === 0 ? v : -v));
          const got = new Float32Array(1), ref = new Float32Array(1);
          wasmReduceF32(op, y, [y.length], [0], got);
          tsReduce(op, y, [y.length], [0], ref);
          expect(Object.is(got[0], ref[0]), `${op} ${first} at ${at}`).toBe(true);
        }
      }
    }
  });

  it('declines other axis patterns and empty inputs; wasmReduce then gives exactly the TS result, as for float64 and tiny inputs', () => {
    const x = values(3 * 4 * 5, 9, 10, 0);
    for (const axes of [[1], [0, 2], [1, 2]]) {
      const outLen = [3, 4, 5].filter((_, i) => !axes.includes(i)).reduce((p, d) => p * d, 1);
      const got = new Float32Array(outLen), ref = new Float32Array(outLen);
      expect(wasmReduceF32('sum', x, [3, 4, 5], axes, got)).toBe(false);
      wasmReduce('sum', x, [3, 4, 5], axes, got);
      tsReduce('sum', x, [3, 4, 5], axes, ref);
      expect(Array.from(got)).toEqual(Array.from(ref));
    }
    expect(wasmReduceF32('max', new Float32Array(0), [0, 3], [0], new Float32Array(3))).toBe(false);
    const x64 = Float64Array.from(values(1000, 10)), o64 = new Float64Array(1), r64 = new Float64Array(1);
    wasmReduce('sum', x64, [1000], [0], o64);
    tsReduce('sum', x64, [1000], [0], r64);
    expect(o64[0]).toBe(r64[0]);
    expect(MIN_REDUCE).toBeGreaterThan(8);
  });
});

// ── softmax ───────────────────────────────────────────────────────────────

describe.skipIf(!wasmAvailable)('kernels/wasm elementwise: softmax', () => {
  /**
   * Tolerances against the TS kernel. Both compute in float64 and round once; their float64 sums s differ
   * by a few float64 ulps (another order, another exp). softmax: ≤ 1 float32 ulp (a different rounding
   * where the value lies at a boundary). logSoftmax = x − (m + ln s): the float64 roundings of m + ln s
   * and x − lse (≈ 2⁻⁵²·|x| each) can be large against a result near 0 (x ≈ lse, cancellation; the TS
   * kernel carries the same error), so: 1 float32 ulp + 2⁻⁴⁸·(|x| + |result| + 1).
   */
  it('matches the TS kernel within those tolerances (rows of random length, NaN / ±Infinity rows included)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 300 }),
      fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: CHUNK })),
      fc.boolean(), seedArb, fc.constantFrom(1, 10, 100), fc.constantFrom(0, 0.01),
      (rows, L, log, seed, scale, wild) => {
        if (rows * L > 4 * CHUNK) rows = Math.max(1, Math.floor((4 * CHUNK) / L));
        const x = values(rows * L, seed, scale, wild);
        const got = new Float32Array(rows * L), ref = new Float32Array(rows * L);
        expect(wasmSoftmaxF32(x, rows, L, 1, got, log)).toBe(true);
        tsSoftmax(x, rows, L, 1, ref, log);
        for (let i = 0; i < rows * L; i++) {
          const g = got[i]!, t = ref[i]!;
          // logSoftmax: a result of exactly 0 (x = lse in the TS kernel) is the cancellation case too (seeds 382
          // and 511 gave −1.4e−14 there), so it gets the same absolute tolerance.
          const ok = !Number.isFinite(t) || !Number.isFinite(g) ? same(g, t)
            : log ? Math.abs(g - t) <= ulpAt(t) + 2 ** -48 * (Math.abs(x[i]!) + Math.abs(t) + 1)
              : t === 0 ? same(g, t) : ulps(g, t) <= 1;
          if (!ok) throw new Error(`${log ? 'logSoftmax' : 'softmax'} at ${i} of ${rows}×${L}: WASM ${g}, TS kernel ${t}`);
        }
      }), { numRuns: 120 });
  });

  it('logSoftmax where the TS kernel gives exactly 0 (x = lse): within the cancellation tolerance', () => {
    // Found by the property above (seeds 382 and 511): WASM gave −1.4e−14 where the TS kernel gave 0.
    for (const seed of [382, 511]) {
      const x = values(89 * 10, seed, 100, 0), got = new Float32Array(890), ref = new Float32Array(890);
      wasmSoftmaxF32(x, 89, 10, 1, got, true);
      tsSoftmax(x, 89, 10, 1, ref, true);
      for (let i = 0; i < 890; i++) {
        const g = got[i]!, t = ref[i]!;
        if (!Number.isFinite(t) || !Number.isFinite(g)) expect(same(g, t)).toBe(true);
        else expect(Math.abs(g - t)).toBeLessThanOrEqual(ulpAt(t) + 2 ** -48 * (Math.abs(x[i]!) + Math.abs(t) + 1));
      }
      expect(ref.some((v, i) => v === 0 && got[i] !== 0)).toBe(true); // the case this test is for
    }
  });

  it('edge rows as the TS kernel: all −Infinity → NaN, a +Infinity, a NaN, one element', () => {
    const rows = [[-Infinity, -Infinity, -Infinity], [1, Infinity, 2], [1, NaN, 2], [5, 5, 5]];
    for (const log of [false, true]) {
      for (const row of rows) {
        const x = new Float32Array(row), got = new Float32Array(3), ref = new Float32Array(3);
        wasmSoftmaxF32(x, 1, 3, 1, got, log);
        tsSoftmax(x, 1, 3, 1, ref, log);
        expect(Array.from(got), JSON.stringify(row)).toEqual(Array.from(ref));
      }
      const one = new Float32Array(1);
      wasmSoftmaxF32(new Float32Array([7]), 1, 1, 1, one, log);
      expect(one[0]).toBe(log ? 0 : 1);
    }
  });

  it('declines inner > 1 and rows longer than a chunk; wasmSoftmax then gives exactly the TS result', () => {
    const x = values(2 * 5 * 3, 11, 5, 0), got = new Float32Array(30), ref = new Float32Array(30);
    expect(wasmSoftmaxF32(x, 2, 5, 3, got, false)).toBe(false);
    wasmSoftmax(x, 2, 5, 3, got, false);
    tsSoftmax(x, 2, 5, 3, ref, false);
    expect(Array.from(got)).toEqual(Array.from(ref));
    const long = values(CHUNK + 1, 12, 5, 0), gl = new Float32Array(CHUNK + 1), rl = new Float32Array(CHUNK + 1);
    expect(wasmSoftmaxF32(long, 1, CHUNK + 1, 1, gl, true)).toBe(false);
    wasmSoftmax(long, 1, CHUNK + 1, 1, gl, true);
    tsSoftmax(long, 1, CHUNK + 1, 1, rl, true);
    expect(Array.from(gl)).toEqual(Array.from(rl));
    expect(MIN_SOFTMAX).toBeGreaterThan(8);
  });
});

// ── fused activation backwards ────────────────────────────────────────────

describe.skipIf(!wasmAvailable)('kernels/wasm elementwise: activationBackward', () => {
  it('matches the TS kernel bit for bit (random lengths across chunks, special values, in place or not)', () => {
    fc.assert(fc.property(fc.constantFrom<ActivationBackwardKernelOp>('sigmoid', 'tanh', 'relu'), lengthArb, seedArb, fc.constantFrom('no', 'dy', 'y'),
      (op, n, seed, inPlace) => {
        // y mostly in ±1.5 (activation outputs and a little beyond), dy in ±10; both with specials and wild bit patterns.
        const y = values(n, seed, 1.5), dy = values(n, seed + 1);
        const ref = new Float32Array(n);
        tsActivationBackward(op, y, dy, ref);
        const yIn = y.slice(), dyIn = dy.slice();
        const out = inPlace === 'dy' ? dyIn : inPlace === 'y' ? yIn : new Float32Array(n).fill(12345);
        expect(wasmActivationBackwardF32(op, yIn, dyIn, out)).toBe(true);
        for (let i = 0; i < n; i++) {
          if (!same(out[i]!, ref[i]!)) throw new Error(`${op} at ${i} of ${n} (y ${y[i]}, dy ${dy[i]}): WASM ${out[i]}, TS kernel ${ref[i]}`);
        }
      }), { numRuns: 150 });
  });

  it('special values and tails (lengths 1…9, the last vector partly past the data)', () => {
    const ys = [0, -0, 1, -1, 0.5, NaN, Infinity, -Infinity, 2 ** -149];
    for (let n = 1; n <= ys.length; n++) {
      for (const op of ['sigmoid', 'tanh', 'relu'] as const) {
        const y = new Float32Array(ys.slice(0, n)), dy = new Float32Array(n).fill(-3), got = new Float32Array(n), ref = new Float32Array(n);
        wasmActivationBackwardF32(op, y, dy, got);
        tsActivationBackward(op, y, dy, ref);
        for (let i = 0; i < n; i++) expect(same(got[i]!, ref[i]!), `${op}(${y[i]}) of ${n}`).toBe(true);
      }
    }
  });

  it('wasmActivationBackward: float64 and tiny arrays get exactly the TS result', () => {
    for (const n of [MIN_CHEAP - 1, 5000]) {
      const y = Float64Array.from(values(n, 20, 1.5)), dy = Float64Array.from(values(n, 21)), got = new Float64Array(n), ref = new Float64Array(n);
      const y32 = Float32Array.from(y), dy32 = Float32Array.from(dy), got32 = new Float32Array(n), ref32 = new Float32Array(n);
      for (const op of ['sigmoid', 'tanh', 'relu'] as const) {
        wasmActivationBackward(op, y, dy, got);
        tsActivationBackward(op, y, dy, ref);
        expect(Array.from(got)).toEqual(Array.from(ref));
        wasmActivationBackward(op, y32, dy32, got32);
        tsActivationBackward(op, y32, dy32, ref32);
        expect(Array.from(got32)).toEqual(Array.from(ref32));
      }
    }
  });
});

// ── fused binary cross-entropy ────────────────────────────────────────────

/** n probabilities from `seed`: mostly uniform in [0, 1], some exactly 0 or 1, some within a few ulps of them, some tiny. */
function probabilities(n: number, seed: number): Float32Array {
  const next = mulberry32(seed), out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = next() % 20;
    out[i] = r === 0 ? 0 : r === 1 ? 1 : r === 2 ? 1 - (next() % 8) * 2 ** -24 : r === 3 ? 2 ** -(next() % 150) : next() / 2 ** 32;
  }
  return out;
}

describe.skipIf(!wasmAvailable)('kernels/wasm elementwise: binaryCrossEntropy', () => {
  /** Runs wasmBinaryCrossEntropyF32 and the TS kernel; throws at the first difference (±0 told apart, NaNs equal). */
  function expectBceMatches(p: Float32Array, y: Float32Array, inPlace: 'no' | 'p' | 'y' = 'no'): void {
    const n = p.length, ref = new Float32Array(n);
    tsBinaryCrossEntropy(p, y, ref);
    const pIn = p.slice(), yIn = y.slice();
    const out = inPlace === 'p' ? pIn : inPlace === 'y' ? yIn : new Float32Array(n).fill(12345);
    expect(wasmBinaryCrossEntropyF32(pIn, yIn, out)).toBe(true);
    for (let i = 0; i < n; i++) {
      if (!same(out[i]!, ref[i]!)) throw new Error(`at ${i} of ${n} (p ${p[i]}, y ${y[i]}): WASM ${out[i]}, TS kernel ${ref[i]}`);
    }
  }

  it('matches the TS kernel bit for bit (probabilities, hard and soft targets; random lengths across chunks; in place or not)', () => {
    fc.assert(fc.property(lengthArb, seedArb, fc.boolean(), fc.constantFrom<'no' | 'p' | 'y'>('no', 'p', 'y'), (n, seed, hard, inPlace) => {
      const y = hard ? probabilities(n, seed + 1).map((v) => (v < 0.5 ? 0 : 1)) : probabilities(n, seed + 1);
      expectBceMatches(probabilities(n, seed), y, inPlace);
    }), { numRuns: 150 });
  });

  it('matches it on any float32 values too (outside [0, 1], NaN, ±Infinity, −0: the loss checks its inputs, the kernel does not)', () => {
    fc.assert(fc.property(lengthArb, seedArb, (n, seed) => expectBceMatches(values(n, seed, 2), values(n, seed + 1, 2))), { numRuns: 60 });
    const sp = [0, -0, 1, -1, 2, 0.5, NaN, Infinity, -Infinity, 2 ** -149, 1 - 2 ** -24, 1 + 2 ** -23];
    const p = new Float32Array(sp.length * sp.length), y = new Float32Array(sp.length * sp.length);
    sp.forEach((a, i) => sp.forEach((b, j) => { p[i * sp.length + j] = a; y[i * sp.length + j] = b; }));
    for (let n = 1; n <= 9; n++) expectBceMatches(p.subarray(0, n), y.subarray(0, n)); // tails: the last vector partly past the data
    expectBceMatches(p, y);
  });

  it('every float32 p in [0, 1] (every 257th bit pattern), against y = 0, 1 and 0.3', () => {
    const p = unitIntervalFloats(257), n = p.length;
    for (const t of [0, 1, 0.3]) expectBceMatches(p, new Float32Array(n).fill(t));
  });

  it('binaryCrossEntropyBackward: matches the TS kernel bit for bit (probabilities and any float32 values; across chunks; in place or not)', () => {
    fc.assert(fc.property(lengthArb, seedArb, fc.boolean(), fc.constantFrom('no', 'p', 'y', 'dy'), (n, seed, wild, inPlace) => {
      const p = wild ? values(n, seed, 2) : probabilities(n, seed), y = wild ? values(n, seed + 1, 2) : probabilities(n, seed + 1);
      const dy = values(n, seed + 2, 1, wild ? 0.1 : 0);
      const ref = new Float32Array(n);
      tsBinaryCrossEntropyBackward(p, y, dy, ref);
      const pIn = p.slice(), yIn = y.slice(), dyIn = dy.slice();
      const out = inPlace === 'p' ? pIn : inPlace === 'y' ? yIn : inPlace === 'dy' ? dyIn : new Float32Array(n).fill(12345);
      expect(wasmBinaryCrossEntropyBackwardF32(pIn, yIn, dyIn, out)).toBe(true);
      for (let i = 0; i < n; i++) {
        if (!same(out[i]!, ref[i]!)) throw new Error(`at ${i} of ${n} (p ${p[i]}, y ${y[i]}, dy ${dy[i]}): WASM ${out[i]}, TS kernel ${ref[i]}`);
      }
    }), { numRuns: 150 });
  });

  it('binaryCrossEntropyBackward: every float32 p in [0, 1] (every 257th bit pattern), the floor and its tie, tails', () => {
    const p = unitIntervalFloats(257, [1e-12]), n = p.length;
    for (const t of [0, 1, 0.3]) {
      for (const len of [n, 1, 2, 3, 5, 7]) {
        const ps = p.subarray(n - len), y = new Float32Array(len).fill(t), dy = new Float32Array(len).fill(1 / 5000);
        const got = new Float32Array(len), ref = new Float32Array(len);
        wasmBinaryCrossEntropyBackwardF32(ps, y, dy, got);
        tsBinaryCrossEntropyBackward(ps, y, dy, ref);
        for (let i = 0; i < len; i++) if (!same(got[i]!, ref[i]!)) throw new Error(`p ${ps[i]}, y ${t}: WASM ${got[i]}, TS kernel ${ref[i]}`);
      }
    }
  });

  it('wasmBinaryCrossEntropy / wasmBinaryCrossEntropyBackward: float64 and tiny arrays get exactly the TS result', () => {
    for (const n of [MIN_TRANSCENDENTAL - 1, MIN_CHEAP - 1, 5000]) {
      const p = probabilities(n, 30), y = probabilities(n, 31);
      const p64 = Float64Array.from(p), y64 = Float64Array.from(y), got64 = new Float64Array(n), ref64 = new Float64Array(n);
      wasmBinaryCrossEntropy(p64, y64, got64);
      tsBinaryCrossEntropy(p64, y64, ref64);
      expect(Array.from(got64)).toEqual(Array.from(ref64));
      const got = new Float32Array(n), ref = new Float32Array(n);
      wasmBinaryCrossEntropy(p, y, got);
      tsBinaryCrossEntropy(p, y, ref);
      expect(Array.from(got)).toEqual(Array.from(ref));
      const dy = values(n, 32, 1, 0);
      wasmBinaryCrossEntropyBackward(p64, y64, Float64Array.from(dy), got64);
      tsBinaryCrossEntropyBackward(p64, y64, Float64Array.from(dy), ref64);
      expect(Array.from(got64)).toEqual(Array.from(ref64));
      wasmBinaryCrossEntropyBackward(p, y, dy, got);
      tsBinaryCrossEntropyBackward(p, y, dy, ref);
      expect(Array.from(got)).toEqual(Array.from(ref));
    }
  });
});

// ── the committed module ──────────────────────────────────────────────────

describe('kernels/wasm elementwise_module.ts', () => {
  it('decodes to a valid WebAssembly module with the kernels the loader calls', () => {
    // WebAssembly's classes are not in the project's type libs (ES2022, no DOM): typed locally.
    const wa = (globalThis as unknown as { WebAssembly: {
      Module: { new (bytes: Uint8Array): object; exports(module: object): { name: string }[] };
    } }).WebAssembly;
    const names = wa.Module.exports(new wa.Module(Buffer.from(ELEMENTWISE_WASM_BASE64, 'base64'))).map((e) => e.name).sort();
    expect(names).toEqual(['activationBackward', 'binary', 'binaryCrossEntropy', 'binaryCrossEntropyBackward', 'bufA', 'bufB', 'bufC', 'chunk', 'memory', 'reduceAll', 'reduceLeading', 'reduceRows', 'runRange', 'softmaxRows', 'staticEnd', 'unary']);
  });

  it('matches packages/core/wasm/elementwise.ts recompiled with the same asc flags', async () => {
    await expectCommittedModuleMatches('elementwise', ELEMENTWISE_WASM_BASE64);
  }, 60_000);
});
