/**
 * WebAssembly SIMD optimizer updates behind the kernel interface: each `wasm…Step` has exactly the
 * signature of its plain-TS kernel (kernels/ts/optim.ts, see OptimizerKernels in kernels.ts) and
 * gives bit-for-bit the same results.
 *
 * The kernels themselves are packages/core/wasm/optim.ts (AssemblyScript; float32 arithmetic in
 * f32x4, the TS kernels' float32 operations in the same order), compiled by scripts/build_wasm.mjs
 * into ./optim_module.ts. Hyperparameters are passed as f32 arguments: the derived ones (1 − β,
 * lr/bc1, √bc2) are computed here in float64 exactly as the TS kernel computes them, and the call
 * rounds each to float32 (to nearest, as the TS kernel's Math.fround).
 *
 * Parameters, gradients and optimizer state stay in ordinary garbage-collected Float32Arrays. A
 * call walks them in chunks of CHUNK elements: it copies the chunk of every array into fixed buffers
 * in the module's memory (one per array, CHUNK floats each, so the working set stays in L2), runs the
 * update there, and copies the updated chunks (parameter and state, never the gradient) back. The
 * module's memory is sized once, at instantiation, and never grows.
 *
 * Measured (Node 20, this 2-core box, 235 146 float32 parameters, medians, copies included): Adam
 * 1.1 ns per parameter (2.5–2.8 with the earlier f64x2 arithmetic), SGD with momentum 0.5, RMSprop 1.0,
 * Adadelta 1.2, scaleInPlace 0.2; the TS kernels take 8–16 ns (Adam 11–15). A call costs a fixed
 * ~0.2 µs (Adam: 7 copies, the checks, the call).
 *
 * Delegated to the TS kernel: float64 (or mixed) arrays, arrays shorter than wasmOptimConfig.minLength
 * (64, where the fixed cost stopped outweighing the TS loop for every kernel when both computed in
 * float64; measured again with float32 arithmetic, the crossover is 16–24 elements for Adam and SGD and
 * 50–64 for scaleInPlace, and the threshold has not been retuned),
 * arrays whose lengths differ or whose memory overlaps (the chunked copies would not reproduce the
 * in-place loop), and runtimes without WebAssembly SIMD.
 */
import type { FloatArray } from '../../dtype';
import * as ts from '../ts/optim';
import { instantiate } from './load';
import { OPTIM_WASM_BASE64 } from './optim_module';

/** Elements per chunk: each of the (up to 5) buffers holds CHUNK floats (16 KiB). 2K–16K measured the same within noise. */
const CHUNK = 4096;
/** Buffers in the module's memory: parameter, gradient and up to three state arrays. */
const SLOTS = 5;
/**
 * Below `minLength` elements the TS kernel is used (see the header for the measurement). Exported
 * (mutable) so that tests and benchmarks can send any length through the WebAssembly path.
 */
export const wasmOptimConfig = { minLength: 64 };
const PAGE = 65536;

/** The module's memory, typed locally (the project compiles without the DOM lib). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface OptimExports {
  memory: WasmMemory;
  bufBase(): number;
  scale(n: number, p: number, factor: number): void;
  sgdPlain(n: number, p: number, g: number, lr: number, wd: number): void;
  sgdMomentum(n: number, p: number, g: number, buf: number, lr: number, mom: number, keep: number, wd: number, flags: number): void;
  adam(n: number, p: number, g: number, m: number, v: number, vMax: number, beta1: number, a1: number, beta2: number, a2: number,
    stepSize: number, sqrtBc2: number, eps: number, wd: number): void;
  adamax(n: number, p: number, g: number, m: number, u: number, beta1: number, a1: number, beta2: number, clr: number, eps: number, wd: number): void;
  nadam(n: number, p: number, g: number, m: number, v: number, cg: number, cm: number, beta1: number, a1: number, beta2: number, a2: number,
    eps: number, wd: number, bc2: number): void;
  adagrad(n: number, p: number, g: number, sum: number, clr: number, wd: number, eps: number, epsInside: number): void;
  rmsprop(n: number, p: number, g: number, v: number, gAvg: number, buf: number, lr: number, alpha: number, a1: number, eps: number,
    wd: number, mom: number, flags: number): void;
  adadelta(n: number, p: number, g: number, v: number, u: number, lr: number, rho: number, r1: number, eps: number, wd: number): void;
}

/** The instantiated module (null: not yet tried; false: unavailable, use TS). */
let wasm: OptimExports | null | false = null;
/** Float32 view over the module's memory (which never grows after instantiation). */
let heap = new Float32Array(0);
/** Byte address of buffer slot k: slotBytes[k]; its first element in `heap`: slotAt[k]. */
const slotBytes: number[] = [];
const slotAt: number[] = [];
/** Views over the slots of length CHUNK (full chunks), and over shorter prefixes by `slot·(CHUNK+1) + length`. */
const fullViews: Float32Array[] = [];
let partViews = new Map<number, Float32Array>();
const MAX_PART_VIEWS = 256;

/** Instantiates the module on first use (synchronously: it is a few KB) and sizes its memory. False when unavailable. */
function instance(): OptimExports | false {
  if (wasm === null) {
    wasm = false;
    try {
      const exp = instantiate<OptimExports>(OPTIM_WASM_BASE64);
      if (exp) {
        const base = exp.bufBase() >>> 0;
        const need = base + SLOTS * CHUNK * 4;
        const have = exp.memory.buffer.byteLength;
        if (need > have) exp.memory.grow(Math.ceil((need - have) / PAGE));
        heap = new Float32Array(exp.memory.buffer);
        for (let k = 0; k < SLOTS; k++) {
          slotBytes[k] = base + k * CHUNK * 4;
          slotAt[k] = (base >>> 2) + k * CHUNK;
          fullViews[k] = heap.subarray(slotAt[k]!, slotAt[k]! + CHUNK);
        }
        wasm = exp;
      }
    } catch {
      wasm = false;
    }
  }
  return wasm;
}

/** Whether the WebAssembly optimizer module is usable in this runtime (instantiates it on first call). */
export function wasmOptimAvailable(): boolean {
  return instance() !== false;
}

/** Copies src[lo, lo + len) into buffer slot k. */
function copyIn(src: Float32Array, lo: number, len: number, k: number): void {
  heap.set(len === src.length ? src : src.subarray(lo, lo + len), slotAt[k]!);
}

/** Copies the first len elements of buffer slot k to dst[lo…]. */
function copyOut(dst: Float32Array, lo: number, len: number, k: number): void {
  if (len === CHUNK) {
    dst.set(fullViews[k]!, lo);
    return;
  }
  const key = k * (CHUNK + 1) + len;
  let view = partViews.get(key);
  if (view === undefined) {
    if (partViews.size >= MAX_PART_VIEWS) partViews = new Map();
    view = heap.subarray(slotAt[k]!, slotAt[k]! + len);
    partViews.set(key, view);
  }
  dst.set(view, lo);
}

/** Whether two arrays share memory (same buffer, intersecting byte ranges). */
function overlap(a: FloatArray, b: FloatArray): boolean {
  return a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

/** An array the WebAssembly path can take alongside a float32 p of length n: absent, or float32 of length n. */
const fits = (a: FloatArray | null, n: number): boolean => a === null || (a instanceof Float32Array && a.length === n);

/**
 * Whether the WebAssembly path takes these arrays: all float32, p at least minLength long, every other
 * array of p's length, no two sharing memory, and the module available. (`.buffer` costs ~8 ns per
 * read, so each buffer is read once; byte ranges are compared only when two buffers coincide.)
 */
function usable(p: FloatArray, a: FloatArray, b: FloatArray | null = null, c: FloatArray | null = null, d: FloatArray | null = null): boolean {
  const n = p.length;
  if (!(p instanceof Float32Array) || n < wasmOptimConfig.minLength || !fits(a, n) || !fits(b, n) || !fits(c, n) || !fits(d, n)) return false;
  const pb = p.buffer, ab = a.buffer, bb = b?.buffer, cb = c?.buffer, db = d?.buffer;
  if (ab === pb || bb === pb || bb === ab || cb === pb || cb === ab || (cb !== undefined && cb === bb)
    || db === pb || db === ab || (db !== undefined && (db === bb || db === cb))) {
    const all = [p, a, b, c, d].filter((x): x is FloatArray => x !== null);
    for (let i = 0; i < all.length; i++) for (let j = 0; j < i; j++) if (overlap(all[i]!, all[j]!)) return false;
  }
  return instance() !== false;
}

/**
 * Runs an update chunk by chunk: copies chunk [lo, lo + len) of every present array into its buffer
 * slot (array k → slot k), calls update(len), and copies back every updated array — all but the
 * gradient, which is always array 1 (scaleInPlace has only array 0).
 */
function chunked(arrays: readonly (FloatArray | null)[], update: (len: number) => void): void {
  const n = arrays[0]!.length;
  for (let lo = 0; lo < n; lo += CHUNK) {
    const len = Math.min(CHUNK, n - lo);
    for (let k = 0; k < arrays.length; k++) {
      const x = arrays[k];
      if (x) copyIn(x as Float32Array, lo, len, k);
    }
    update(len);
    for (let k = 0; k < arrays.length; k++) {
      const x = arrays[k];
      if (x && k !== 1) copyOut(x as Float32Array, lo, len, k);
    }
  }
}

// ── kernels ───────────────────────────────────────────────────────────────

/** OptimizerKernels.scaleInPlace: p ← p·factor. */
export function wasmScaleInPlace(p: FloatArray, factor: number): void {
  if (!(p instanceof Float32Array) || p.length < wasmOptimConfig.minLength || instance() === false) {
    ts.scaleInPlace(p, factor);
    return;
  }
  const w = wasm as OptimExports, s = slotBytes;
  chunked([p], (len) => w.scale(len, s[0]!, factor));
}

/** OptimizerKernels.sgdStep. */
export function wasmSgdStep(p: FloatArray, g: FloatArray, buf: FloatArray | null, lr: number, momentum: number, dampening: number,
  nesterov: boolean, weightDecay: number, first: boolean, lecture: boolean): void {
  if (!usable(p, g, buf)) {
    ts.sgdStep(p, g, buf, lr, momentum, dampening, nesterov, weightDecay, first, lecture);
    return;
  }
  const w = wasm as OptimExports, s = slotBytes;
  if (buf === null) {
    chunked([p, g], (len) => w.sgdPlain(len, s[0]!, s[1]!, lr, weightDecay));
    return;
  }
  const keep = 1 - dampening;
  // On the first step the kernel does not read the buffer's old contents.
  const flags = (lecture ? 1 : 0) | (first ? 2 : 0) | (nesterov ? 4 : 0);
  chunked([p, g, buf], (len) => w.sgdMomentum(len, s[0]!, s[1]!, s[2]!, lr, momentum, keep, weightDecay, flags));
}

/** OptimizerKernels.adamStep (amsgrad when vMax is given). */
export function wasmAdamStep(p: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, vMax: FloatArray | null, lr: number, beta1: number,
  beta2: number, eps: number, weightDecay: number, bc1: number, bc2: number): void {
  if (!usable(p, g, m, v, vMax)) {
    ts.adamStep(p, g, m, v, vMax, lr, beta1, beta2, eps, weightDecay, bc1, bc2);
    return;
  }
  const w = wasm as OptimExports, s = slotBytes;
  // Derived exactly as the TS kernel derives them.
  const a1 = 1 - beta1, a2 = 1 - beta2, stepSize = lr / bc1, sqrtBc2 = Math.sqrt(bc2);
  const maxSlot = vMax === null ? 0 : s[4]!;
  chunked([p, g, m, v, vMax], (len) => w.adam(len, s[0]!, s[1]!, s[2]!, s[3]!, maxSlot, beta1, a1, beta2, a2, stepSize, sqrtBc2, eps, weightDecay));
}

/** OptimizerKernels.adamaxStep. */
export function wasmAdamaxStep(p: FloatArray, g: FloatArray, m: FloatArray, u: FloatArray, lr: number, beta1: number, beta2: number,
  eps: number, weightDecay: number, bc1: number): void {
  if (!usable(p, g, m, u)) {
    ts.adamaxStep(p, g, m, u, lr, beta1, beta2, eps, weightDecay, bc1);
    return;
  }
  const w = wasm as OptimExports, s = slotBytes;
  const a1 = 1 - beta1, clr = lr / bc1;
  chunked([p, g, m, u], (len) => w.adamax(len, s[0]!, s[1]!, s[2]!, s[3]!, beta1, a1, beta2, clr, eps, weightDecay));
}

/** OptimizerKernels.nadamStep. */
export function wasmNadamStep(p: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, cg: number, cm: number, beta1: number,
  beta2: number, eps: number, weightDecay: number, bc2: number): void {
  if (!usable(p, g, m, v)) {
    ts.nadamStep(p, g, m, v, cg, cm, beta1, beta2, eps, weightDecay, bc2);
    return;
  }
  const w = wasm as OptimExports, s = slotBytes;
  const a1 = 1 - beta1, a2 = 1 - beta2;
  chunked([p, g, m, v], (len) => w.nadam(len, s[0]!, s[1]!, s[2]!, s[3]!, cg, cm, beta1, a1, beta2, a2, eps, weightDecay, bc2));
}

/** OptimizerKernels.adagradStep. */
export function wasmAdagradStep(p: FloatArray, g: FloatArray, sum: FloatArray, clr: number, weightDecay: number, eps: number, epsInside: boolean): void {
  if (!usable(p, g, sum)) {
    ts.adagradStep(p, g, sum, clr, weightDecay, eps, epsInside);
    return;
  }
  const w = wasm as OptimExports, s = slotBytes;
  chunked([p, g, sum], (len) => w.adagrad(len, s[0]!, s[1]!, s[2]!, clr, weightDecay, eps, epsInside ? 1 : 0));
}

/** OptimizerKernels.rmspropStep (centered when gAvg is given, momentum when buf is given). */
export function wasmRmspropStep(p: FloatArray, g: FloatArray, v: FloatArray, gAvg: FloatArray | null, buf: FloatArray | null, lr: number,
  alpha: number, eps: number, weightDecay: number, momentum: number, epsInside: boolean): void {
  if (!usable(p, g, v, gAvg, buf)) {
    ts.rmspropStep(p, g, v, gAvg, buf, lr, alpha, eps, weightDecay, momentum, epsInside);
    return;
  }
  const w = wasm as OptimExports, s = slotBytes;
  const a1 = 1 - alpha;
  const flags = (gAvg !== null ? 1 : 0) | (buf !== null ? 2 : 0) | (epsInside ? 4 : 0);
  chunked([p, g, v, gAvg, buf], (len) => w.rmsprop(len, s[0]!, s[1]!, s[2]!, s[3]!, s[4]!, lr, alpha, a1, eps, weightDecay, momentum, flags));
}

/** OptimizerKernels.adadeltaStep. */
export function wasmAdadeltaStep(p: FloatArray, g: FloatArray, v: FloatArray, u: FloatArray, lr: number, rho: number, eps: number, weightDecay: number): void {
  if (!usable(p, g, v, u)) {
    ts.adadeltaStep(p, g, v, u, lr, rho, eps, weightDecay);
    return;
  }
  const w = wasm as OptimExports, s = slotBytes;
  const r1 = 1 - rho;
  chunked([p, g, v, u], (len) => w.adadelta(len, s[0]!, s[1]!, s[2]!, s[3]!, lr, rho, r1, eps, weightDecay));
}
