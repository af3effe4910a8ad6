/**
 * WebAssembly SIMD unary, binary, reduce, softmax and fused kernels, each with exactly the signature of
 * its plain-TS kernel (kernels/ts/elementwise.ts, reduce.ts, softmax.ts, fused.ts) and falling back to it.
 *
 * The module is packages/core/wasm/elementwise.ts (AssemblyScript; formulas and accuracy in its
 * header), compiled by scripts/build_wasm.mjs into ./elementwise_module.ts. Tensors stay ordinary
 * garbage-collected typed arrays: each call streams them through the module's three fixed buffers
 * A, B, C of CHUNK floats (copy a chunk in, one call, copy the result out), so module memory never
 * grows, every view over it is made once, and the copies stay in L1/L2 (KERNELS.md §5).
 *
 * What runs in WebAssembly (float32 arrays at or above the size thresholds below), with the TS
 * kernel's results (the module's header has the details):
 * - unary: neg, abs, square, sqrt, reciprocal, relu, clamp, leakyRelu (bit for bit), and exp, log, log1p,
 *   tanh, sigmoid, softplus, logSigmoid, computed in float64 and rounded once like the TS kernel's Math (a
 *   fast core where a rounding test proves the float32 result, the full-precision cores elsewhere): bit for
 *   bit equal to it on all 2³² float32 inputs;
 * - binary: add, sub, mul, div, maximum, minimum and the comparisons (bit for bit), when b (or a) has the
 *   output's size, is a scalar, a row vector (the last axis, broadcast over the rows) or a column
 *   vector (one value per row, broadcast along the last axis);
 * - reduce (sum, max, min): over everything, over the last axis, or over leading axes (bias gradients).
 *   max, min and leading-axis sums (accumulated in float32 in order, as the TS kernel does) are bit for
 *   bit; sums over everything or a row add in float64 like the TS kernel, in another order, so they can
 *   round to the neighbouring float32;
 * - softmax / logSoftmax along the last axis (inner = 1) with rows of at most CHUNK floats, in float64
 *   like the TS kernel (within 1 float32 ulp of it; see the test for logSoftmax near 0);
 * - activationBackward (sigmoid, tanh, relu), bit for bit: the composed ops' float32 steps, one f32x4 operation each;
 * - binaryCrossEntropy, bit for bit: unary log and log1p as above, then the composed ops' float32 steps;
 *   binaryCrossEntropyBackward, bit for bit: the composed ops' float32 steps.
 * Everything else (float64 or mixed dtypes, tiny arrays, other ops and layouts) runs the TS kernel.
 */
import type { FloatArray } from '../../dtype';
import type { Shape } from '../../shape';
import type { ActivationBackwardKernelOp, BinaryKernelOp, ReduceKernelOp, UnaryKernelOp } from '../kernels';
import { binary as tsBinary, unary as tsUnary } from '../ts/elementwise';
import {
  activationBackward as tsActivationBackward, binaryCrossEntropy as tsBinaryCrossEntropy,
  binaryCrossEntropyBackward as tsBinaryCrossEntropyBackward,
} from '../ts/fused';
import { reduce as tsReduce } from '../ts/reduce';
import { softmax as tsSoftmax } from '../ts/softmax';
import { ELEMENTWISE_WASM_BASE64 } from './elementwise_module';
import { MIN_POOLED, pooledElementwise } from './gemm';
import { FIRST_TRANSCENDENTAL, UNARY } from './unary_codes';
import { instantiate } from './load';

/*
 * Size thresholds (elements): below them the TS kernel runs. Measured here (Node 20, per call, TS kernel
 * vs the WASM path): a WASM call costs a fixed ~30–60 ns (dispatch, copies in and out, a view lookup) plus
 * ~0.1 ns per element for cheap ops and ~3 ns for the float64 transcendentals (1.5–4 ns since their fast
 * cores, which only lowers the crossovers below), against ~1 ns (cheap) and
 * 7–18 ns (Math.exp … softplus) per element in the TS kernel. Crossovers: neg / add / mul by a scalar at
 * 32–48 elements (at 64: 68 vs 41 ns, 103 vs 66 ns), exp / tanh / sigmoid at 8 (16: 113 vs 79 ns),
 * sum / max over everything at 16–32, row sums and softmax over rows of 10 at 16–32. Each threshold
 * sits at or above its crossover, so small tensors (W4's 8 elements) keep the TS kernel's cost.
 */
export const MIN_CHEAP = 64;
export const MIN_TRANSCENDENTAL = 16;
export const MIN_REDUCE = 64;
export const MIN_SOFTMAX = 32;
/** From this many elements the transcendental unary ops and binaryCrossEntropy run on every pool thread (see gemm.ts). */
export { MIN_POOLED };

// Op codes: the U_* (./unary_codes.ts), B_*, R_* constants of packages/core/wasm/elementwise.ts.
const CLAMP = 6;
const BINARY: Partial<Record<BinaryKernelOp, number>> = {
  add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5, eq: 6, ne: 7, lt: 8, le: 9, gt: 10, ge: 11,
};
/** The code of b ∘ a for a ∘ b (rsub = 12, rdiv = 13; comparisons mirror). */
const SWAPPED = [0, 12, 2, 13, 4, 5, 6, 7, 10, 11, 8, 9];
const REDUCE: Record<ReduceKernelOp, number> = { sum: 0, max: 1, min: 2 };
const GRAD: Record<ActivationBackwardKernelOp, number> = { sigmoid: 0, tanh: 1, relu: 2 };

interface Exports {
  memory: { readonly buffer: ArrayBuffer };
  chunk(): number;
  bufA(): number;
  bufB(): number;
  bufC(): number;
  unary(op: number, n: number, p0: number, p1: number): void;
  binary(op: number, rows: number, len: number, bRow: number, bCol: number): void;
  reduceAll(op: number, n: number): number;
  reduceRows(op: number, rows: number, len: number): void;
  reduceLeading(op: number, rows: number, len: number): void;
  softmaxRows(rows: number, len: number, log: number): void;
  activationBackward(op: number, n: number): void;
  binaryCrossEntropy(n: number): void;
  binaryCrossEntropyBackward(n: number): void;
}

/** The instantiated module and the views over its memory (which never grows), made once. */
interface Module {
  w: Exports;
  /** Floats per buffer. */
  chunk: number;
  heap: Float32Array;
  /** Float indices of buffers A, B, C in heap. */
  a: number;
  b: number;
  c: number;
  /** Views over C[0, len), by len (bounded: cleared when it holds 64). */
  cViews: Map<number, Float32Array>;
}

/** null: not tried yet; false: unavailable (no WebAssembly SIMD), use TS. */
let mod: Module | null | false = null;

function load(): Module | false {
  if (mod === null) {
    const w = instantiate<Exports>(ELEMENTWISE_WASM_BASE64);
    mod = w === null ? false : {
      w, chunk: w.chunk(), heap: new Float32Array(w.memory.buffer),
      a: w.bufA() >>> 2, b: w.bufB() >>> 2, c: w.bufC() >>> 2, cViews: new Map(),
    };
  }
  return mod;
}

/** Floats per chunk of the module (8192), or 0 where WebAssembly SIMD is unavailable (for tests). */
export function wasmElementwiseChunk(): number {
  const m = load();
  return m ? m.chunk : 0;
}

/** heap[C, C + len) as a cached view (the copy out of the module needs one of exactly that length). */
function cView(m: Module, len: number): Float32Array {
  let v = m.cViews.get(len);
  if (v === undefined) {
    if (m.cViews.size >= 64) m.cViews.clear();
    v = m.heap.subarray(m.c, m.c + len);
    m.cViews.set(len, v);
  }
  return v;
}

/** Copies src[from, from + len) to heap[at…] (whole arrays without making a view). */
function copyIn(m: Module, src: Float32Array, from: number, len: number, at: number): void {
  m.heap.set(len === src.length ? src : src.subarray(from, from + len), at);
}

/**
 * Streams same-length arrays through the module a chunk at a time: x (and y, z) into buffers A (B, C),
 * then run(len) writes C, which is copied to out.
 */
function streamChunks(m: Module, out: Float32Array, run: (len: number) => void, x: Float32Array, y?: Float32Array, z?: Float32Array): void {
  const n = x.length, ch = m.chunk;
  for (let i = 0; i < n; i += ch) {
    const len = Math.min(ch, n - i);
    copyIn(m, x, i, len, m.a);
    if (y !== undefined) copyIn(m, y, i, len, m.b);
    if (z !== undefined) copyIn(m, z, i, len, m.c);
    run(len);
    out.set(cView(m, len), i);
  }
}

const isF32 = (x: FloatArray): x is Float32Array => x instanceof Float32Array;

// ── unary ─────────────────────────────────────────────────────────────────

/** Kernels.unary: WASM for the ops listed in the header on float32 arrays above the thresholds, else the TS kernel. */
export function wasmUnary(op: UnaryKernelOp, x: FloatArray, out: FloatArray, p0 = 0, p1 = 0): void {
  const n = x.length;
  if (n >= MIN_TRANSCENDENTAL && isF32(x) && isF32(out)) {
    const code = UNARY[op];
    if (code !== undefined && n >= (code >= FIRST_TRANSCENDENTAL ? MIN_TRANSCENDENTAL : MIN_CHEAP)
      && wasmUnaryF32(op, x, out, p0, p1)) return;
  }
  tsUnary(op, x, out, p0, p1);
}

/** A float64 bound that rounds to a float32 zero of another sign could flip the sign of a clamped zero. */
const clampBoundOk = (p: number): boolean => p === 0 || Math.fround(p) !== 0;

/**
 * The WebAssembly path of wasmUnary at any size (exported for tests and benchmarks). Returns false,
 * having written nothing, for ops it does not run or when WebAssembly SIMD is unavailable.
 */
export function wasmUnaryF32(op: UnaryKernelOp, x: Float32Array, out: Float32Array, p0 = 0, p1 = 0): boolean {
  const code = UNARY[op];
  if (code === undefined) return false;
  // clamp runs with float32 bounds: min/max commute with rounding, except for a zero's sign (above).
  if (code === CLAMP && !(clampBoundOk(p0) && clampBoundOk(p1))) return false;
  const m = load();
  if (!m) return false;
  if (code >= FIRST_TRANSCENDENTAL && x.length >= MIN_POOLED && pooledElementwise(0, code, x, null, out)) return true;
  streamChunks(m, out, (len) => m.w.unary(code, len, p0, p1), x);
  return true;
}

// ── binary ────────────────────────────────────────────────────────────────

/** Kernels.binary: WASM for the fast paths in the header on float32 arrays of at least MIN_CHEAP outputs, else the TS kernel. */
export function wasmBinary(op: BinaryKernelOp, a: FloatArray, aShape: Shape, b: FloatArray, bShape: Shape, out: FloatArray, outShape: Shape): void {
  if (out.length >= MIN_CHEAP && isF32(a) && isF32(b) && isF32(out) && wasmBinaryF32(op, a, aShape, b, bShape, out, outShape)) return;
  tsBinary(op, a, aShape, b, bShape, out, outShape);
}

/** How the smaller operand broadcasts against the full-size one. */
const enum Kind { Full, Scalar, Row, Column }

/** Whether an operand of `shape` (holding `len` values) broadcasts as a row vector over rows of L. */
const isRow = (shape: Shape, len: number, L: number): boolean => len === L && shape.length > 0 && shape[shape.length - 1] === L;
/**
 * Whether it broadcasts as a column: one value per row of the [n / L, L] output. Its last axis is 1 and
 * it holds n / L values; as each of its other axes is 1 or the output's, they all equal the output's.
 */
const isColumn = (shape: Shape, len: number, rows: number): boolean => len === rows && shape.length > 0 && shape[shape.length - 1] === 1;

/**
 * The WebAssembly path of wasmBinary at any size (exported for tests). Returns false, having written
 * nothing, for other ops or broadcast patterns, or when WebAssembly SIMD is unavailable.
 */
export function wasmBinaryF32(op: BinaryKernelOp, a: Float32Array, aShape: Shape, b: Float32Array, bShape: Shape, out: Float32Array, outShape: Shape): boolean {
  const code = BINARY[op];
  if (code === undefined) return false;
  const n = out.length;
  const L = outShape.length === 0 ? 1 : outShape[outShape.length - 1]!;
  if (n === 0) return true;
  const rows = n / L;
  // The full-size operand goes to A; when it is b, the op is swapped (b ∘ a).
  let x = a, y = b, c = code, kind: Kind;
  if (a.length === n && b.length === n) kind = Kind.Full;
  else if (b.length === 1) kind = Kind.Scalar;
  else if (a.length === 1) { x = b; y = a; c = SWAPPED[code]!; kind = Kind.Scalar; }
  else if (a.length === n && isRow(bShape, b.length, L)) kind = Kind.Row;
  else if (b.length === n && isRow(aShape, a.length, L)) { x = b; y = a; c = SWAPPED[code]!; kind = Kind.Row; }
  else if (a.length === n && isColumn(bShape, b.length, rows)) kind = Kind.Column;
  else if (b.length === n && isColumn(aShape, a.length, rows)) { x = b; y = a; c = SWAPPED[code]!; kind = Kind.Column; }
  else return false;
  const m = load();
  if (!m) return false;
  const ch = m.chunk, w = m.w;
  if (kind === Kind.Full || kind === Kind.Scalar) {
    // Flat: chunks of the whole array against chunks of y, or against y[0] splatted.
    if (kind === Kind.Scalar) m.heap[m.b] = y[0]!;
    for (let i = 0; i < n; i += ch) {
      const len = Math.min(ch, n - i);
      copyIn(m, x, i, len, m.a);
      if (kind === Kind.Full) copyIn(m, y, i, len, m.b);
      w.binary(c, 1, len, 0, kind === Kind.Full ? 1 : 0);
      out.set(cView(m, len), i);
    }
  } else if (L <= ch) {
    // Whole rows per chunk; a row vector is copied once.
    const per = Math.floor(ch / L);
    if (kind === Kind.Row) copyIn(m, y, 0, L, m.b);
    for (let r = 0; r < rows; r += per) {
      const nr = Math.min(per, rows - r);
      copyIn(m, x, r * L, nr * L, m.a);
      if (kind === Kind.Row) w.binary(c, nr, L, 0, 1);
      else { copyIn(m, y, r, nr, m.b); w.binary(c, nr, L, 1, 0); }
      out.set(cView(m, nr * L), r * L);
    }
  } else {
    // Rows longer than a chunk: each row in segments, against a segment of the row vector or the row's value.
    for (let r = 0; r < rows; r++) {
      if (kind === Kind.Column) m.heap[m.b] = y[r]!;
      for (let j = 0; j < L; j += ch) {
        const len = Math.min(ch, L - j);
        copyIn(m, x, r * L + j, len, m.a);
        if (kind === Kind.Row) copyIn(m, y, j, len, m.b);
        w.binary(c, 1, len, 0, kind === Kind.Row ? 1 : 0);
        out.set(cView(m, len), r * L + j);
      }
    }
  }
  return true;
}

// ── fused activation backwards ────────────────────────────────────────────

/** Kernels.activationBackward: WASM for float32 arrays of at least MIN_CHEAP elements, else the TS kernel. */
export function wasmActivationBackward(op: ActivationBackwardKernelOp, y: FloatArray, dy: FloatArray, out: FloatArray): void {
  if (y.length >= MIN_CHEAP && isF32(y) && isF32(dy) && isF32(out) && wasmActivationBackwardF32(op, y, dy, out)) return;
  tsActivationBackward(op, y, dy, out);
}

/**
 * The WebAssembly path of wasmActivationBackward at any size (exported for tests). Returns false, having
 * written nothing, when WebAssembly SIMD is unavailable.
 */
export function wasmActivationBackwardF32(op: ActivationBackwardKernelOp, y: Float32Array, dy: Float32Array, out: Float32Array): boolean {
  const m = load();
  if (!m) return false;
  const code = GRAD[op];
  streamChunks(m, out, (len) => m.w.activationBackward(code, len), y, dy);
  return true;
}

// ── fused binary cross-entropy ────────────────────────────────────────────

/** Kernels.binaryCrossEntropy: WASM for float32 arrays of at least MIN_TRANSCENDENTAL elements, else the TS kernel. */
export function wasmBinaryCrossEntropy(p: FloatArray, y: FloatArray, out: FloatArray): void {
  if (p.length >= MIN_TRANSCENDENTAL && isF32(p) && isF32(y) && isF32(out) && wasmBinaryCrossEntropyF32(p, y, out)) return;
  tsBinaryCrossEntropy(p, y, out);
}

/**
 * The WebAssembly path of wasmBinaryCrossEntropy at any size (exported for tests). Returns false, having
 * written nothing, when WebAssembly SIMD is unavailable.
 */
export function wasmBinaryCrossEntropyF32(p: Float32Array, y: Float32Array, out: Float32Array): boolean {
  const m = load();
  if (!m) return false;
  if (p.length >= MIN_POOLED && pooledElementwise(1, 0, p, y, out)) return true;
  streamChunks(m, out, (len) => m.w.binaryCrossEntropy(len), p, y);
  return true;
}

/** Kernels.binaryCrossEntropyBackward: WASM for float32 arrays of at least MIN_CHEAP elements, else the TS kernel. */
export function wasmBinaryCrossEntropyBackward(p: FloatArray, y: FloatArray, dy: FloatArray, out: FloatArray): void {
  if (p.length >= MIN_CHEAP && isF32(p) && isF32(y) && isF32(dy) && isF32(out) && wasmBinaryCrossEntropyBackwardF32(p, y, dy, out)) return;
  tsBinaryCrossEntropyBackward(p, y, dy, out);
}

/**
 * The WebAssembly path of wasmBinaryCrossEntropyBackward at any size (exported for tests): p to A, y to B and
 * dy to C, which the module overwrites with the result. Returns false, having written nothing, when
 * WebAssembly SIMD is unavailable.
 */
export function wasmBinaryCrossEntropyBackwardF32(p: Float32Array, y: Float32Array, dy: Float32Array, out: Float32Array): boolean {
  const m = load();
  if (!m) return false;
  streamChunks(m, out, (len) => m.w.binaryCrossEntropyBackward(len), p, y, dy);
  return true;
}

// ── reduce ────────────────────────────────────────────────────────────────

/** Kernels.reduce: WASM for float32 inputs of at least MIN_REDUCE elements reduced over everything, the last axis or leading axes. */
export function wasmReduce(op: ReduceKernelOp, x: FloatArray, xShape: Shape, axes: readonly number[], out: FloatArray): void {
  if (x.length >= MIN_REDUCE && isF32(x) && isF32(out) && wasmReduceF32(op, x, xShape, axes, out)) return;
  tsReduce(op, x, xShape, axes, out);
}

/** max / min of two partial results as the TS kernel's scan combines them: NaN is sticky, the earlier of equal values stays. */
function combine(code: number, acc: number, v: number): number {
  if (code === 0) return acc + v;
  return acc !== acc || !(v !== v || (code === 1 ? v > acc : v < acc)) ? acc : v;
}

/** op over x[from, from + len) in float64 (sum) or float32 (max, min), chunk by chunk. */
function reduceRange(m: Module, code: number, x: Float32Array, from: number, len: number): number {
  let acc = code === 0 ? 0 : code === 1 ? -Infinity : Infinity;
  for (let i = 0; i < len; i += m.chunk) {
    const k = Math.min(m.chunk, len - i);
    copyIn(m, x, from + i, k, m.a);
    acc = combine(code, acc, m.w.reduceAll(code, k));
  }
  return acc;
}

/**
 * The WebAssembly path of wasmReduce at any size (exported for tests). Returns false, having written
 * nothing, for other axis patterns, an empty x, leading-axis reductions keeping more than CHUNK
 * values, or when WebAssembly SIMD is unavailable.
 */
export function wasmReduceF32(op: ReduceKernelOp, x: Float32Array, xShape: Shape, axes: readonly number[], out: Float32Array): boolean {
  const n = x.length, rank = xShape.length, code = REDUCE[op];
  if (n === 0) return false;
  let leading = axes.length > 0 && axes.length < rank;
  for (let i = 0; i < axes.length && leading; i++) leading = axes[i] === i;
  const last = axes.length === 1 && axes[0] === rank - 1;
  if (!(out.length === 1 || last || leading)) return false;
  const m = load();
  if (!m) return false;
  const ch = m.chunk, w = m.w;
  if (out.length === 1) {
    out[0] = reduceRange(m, code, x, 0, n);
  } else if (last) {
    const L = xShape[rank - 1]!, rows = n / L;
    if (L > ch) {
      for (let r = 0; r < rows; r++) out[r] = reduceRange(m, code, x, r * L, L);
    } else {
      const per = Math.floor(ch / L);
      for (let r = 0; r < rows; r += per) {
        const nr = Math.min(per, rows - r);
        copyIn(m, x, r * L, nr * L, m.a);
        w.reduceRows(code, nr, L);
        out.set(cView(m, nr), r);
      }
    }
  } else {
    const L = out.length, rows = n / L;
    if (L > ch) return false;
    m.heap.fill(code === 0 ? 0 : code === 1 ? -Infinity : Infinity, m.c, m.c + L);
    const per = Math.floor(ch / L);
    for (let r = 0; r < rows; r += per) {
      const nr = Math.min(per, rows - r);
      copyIn(m, x, r * L, nr * L, m.a);
      w.reduceLeading(code, nr, L);
    }
    out.set(cView(m, L));
  }
  return true;
}

// ── softmax ───────────────────────────────────────────────────────────────

/** Kernels.softmax: WASM for float32 rows (inner = 1) of at most CHUNK floats, at least MIN_SOFTMAX elements in all; else the TS kernel. */
export function wasmSoftmax(x: FloatArray, outer: number, axisLen: number, inner: number, out: FloatArray, log: boolean): void {
  if (inner === 1 && outer * axisLen >= MIN_SOFTMAX && isF32(x) && isF32(out) && wasmSoftmaxF32(x, outer, axisLen, inner, out, log)) return;
  tsSoftmax(x, outer, axisLen, inner, out, log);
}

/**
 * The WebAssembly path of wasmSoftmax at any size (exported for tests). Returns false, having written
 * nothing, unless inner = 1 and 0 < axisLen ≤ CHUNK, or when WebAssembly SIMD is unavailable.
 */
export function wasmSoftmaxF32(x: Float32Array, outer: number, axisLen: number, inner: number, out: Float32Array, log: boolean): boolean {
  const m = load();
  if (!m || inner !== 1 || axisLen <= 0 || axisLen > m.chunk) return false;
  const L = axisLen, per = Math.floor(m.chunk / L);
  for (let r = 0; r < outer; r += per) {
    const nr = Math.min(per, outer - r);
    copyIn(m, x, r * L, nr * L, m.a);
    m.w.softmaxRows(nr, L, log ? 1 : 0);
    out.set(cView(m, nr * L), r * L);
  }
  return true;
}
