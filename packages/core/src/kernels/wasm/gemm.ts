/**
 * WebAssembly SIMD GEMM behind the kernel interface: `wasmMatmul` has exactly the signature of the
 * plain-TS kernel (kernels/ts/matmul.ts) and can replace it with `setKernel('matmul', wasmMatmul)`.
 *
 * The kernel itself is packages/core/wasm/gemm.ts (AssemblyScript; 4×8 f32x4 micro-tile on packed
 * panels, KC = 256, MC = 72; see its header), compiled by scripts/build_wasm.mjs into ./gemm_module.ts
 * (ordinary memory) and ./gemm_shared_module.ts (shared memory, for the worker pool in ./pool.ts).
 *
 * float32 products run `gemm`, float64 products `gemm64` (the same kernel on f64x2: 4×4 tiles, about
 * half the float32 rate and 4–6× the TS kernel's float64 rate, see docs/performance.md).
 *
 * Tensors stay in ordinary garbage-collected typed arrays. Each call copies the operands into the
 * module's linear memory, runs the product there and copies C out (KERNELS.md: ≤ 2 % of the GEMM
 * time from n = 256). Operands the caller marks stable (the storage of pristine tensors: see
 * `pristineStorage` in tensor.ts — never written since creation) are copied once and stay resident
 * in a ring region, found again by array identity: the input batch of full-batch training, or the
 * same A used forward (A·W) and backward (Aᵀ·dY). Memory layout (bytes): [module data | control block |
 * one scratch block per pool thread | resident operands | C (batch·m·n) | A | B | bias (n, when given)]; a pooled elementwise call (pooledElementwise, at the end) puts its x | y | out where C starts. The memory is shared when the runtime allows it (then products of
 * at least PARALLEL_MIN multiply-adds are split over setNumThreads() threads), grows to the largest
 * call seen and is kept for reuse (it never shrinks); the views over it are cached and re-created
 * after a grow, so a call allocates nothing else.
 *
 * Delegated to the TS kernel: mixed float32/float64 operands, tiny products (m·n·k < TINY = 1024, where
 * the fixed cost of the copies and the call dominates), and runtimes without WebAssembly SIMD.
 */
import type { FloatArray } from '../../dtype';
import type { FusedActivation } from '../kernels';
import { matmul as tsMatmul } from '../ts/matmul';
import { unary as tsUnary } from '../ts/elementwise';
import { GEMM_WASM_BASE64 } from './gemm_module';
import { decodeBase64 } from './load';
import { GEMM_SHARED_WASM_BASE64 } from './gemm_shared_module';
import { CONTROL_BYTES, KernelPool, defaultThreads, threadsSupported, type GemmFn, type RangeFn } from './pool';
import { UNARY } from './unary_codes';

/**
 * Below this many multiply-adds (m·n·k) the TS kernel is used. Measured here (Node 20, per call): the WASM
 * path costs a fixed ~0.2–0.5 µs (copies, call, view lookup), so TS wins only on the tiniest products
 * (2×2×2: 0.03 vs 0.5 µs); WASM already wins at 6×6×6 (0.3 vs 0.9 µs) and 16×16×16 (0.5 vs 2.7 µs), and
 * the two tie around 1×100×10, where the TS kernel's direct loop for m ≤ 2 suits the shape best.
 */
const TINY = 1024;
/** Views over C are cached per length; the cache is cleared when it holds this many. */
const MAX_VIEWS = 64;
const PAGE = 65536;
/** The memory's maximum (4 GiB, all of wasm32): shared memories must declare one, and the module's import says this. */
const MAX_PAGES = 65536;
/**
 * From this many multiply-adds (m·n·k summed over the batch) a product is split over the pool's
 * threads: about 40 µs on one thread, where sharing starts to pay (measured: docs/performance.md).
 */
const PARALLEL_MIN = 1 << 20;
/** Bytes past the last operand that the kernel may read (gemm.ts: inPlaceA's edge tiles). */
const READ_SLACK = 64;

/**
 * The parts of the WebAssembly JS API used here, typed locally: the project compiles against lib
 * ES2022 without DOM, where @types/node does not declare WebAssembly's classes.
 */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}

interface GemmExports {
  dataEnd(): number;
  scratchBytes(): number;
  gemm: GemmFn;
  gemm64: GemmFn;
  /** The shared build only (threads.ts). */
  runRange?: RangeFn;
}

/** The runtime's WebAssembly object, or undefined where there is none. */
const wasmApi = (): WasmApi | undefined => (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** The smallest module using a SIMD opcode: (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt). */
const SIMD_PROBE = [0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11];

let simdSupported: boolean | undefined;

/** Whether this runtime has WebAssembly with SIMD128 (false when WebAssembly is missing). Cached. */
export function wasmSimdSupported(): boolean {
  if (simdSupported === undefined) {
    let ok = false;
    try {
      const api = wasmApi();
      ok = api !== undefined && api.validate(new Uint8Array(SIMD_PROBE));
    } catch {
      ok = false;
    }
    simdSupported = ok;
  }
  return simdSupported;
}

interface Runtime {
  memory: WasmMemory;
  /** Whether memory is shared (then the worker pool may run). */
  shared: boolean;
  /** The compiled module, handed to the workers. */
  module: object;
  gemm: GemmFn;
  gemm64: GemmFn;
  /** The elementwise kernels' pool entry: in the shared build only. */
  runRange: RangeFn | undefined;
  /** First byte after the module's static data (64-aligned): the control block starts here. */
  dataEnd: number;
  /** Bytes of one thread's scratch (packed panels). */
  scratchBytes: number;
}

/** The runtime (null: not yet tried; false: unavailable, use TS). */
let runtime: Runtime | null | false = null;
/** Float32 and float64 views over the whole memory; re-created after every grow. */
let heap: Float32Array<ArrayBufferLike> = new Float32Array(0);
let heap64: Float64Array<ArrayBufferLike> = new Float64Array(0);
/**
 * Views over C at byte viewsAt, by length (negative for float64); cleared on grow and when C moves
 * (the thread count changed).
 */
let cViews = new Map<number, FloatArray>();
let viewsAt = -1;

/** Instantiates the module on first use (synchronously: it is ~2.8 KB). Returns false when unavailable. */
function instance(): Runtime | false {
  if (runtime === null) {
    runtime = false;
    const api = wasmApi();
    if (api && wasmSimdSupported()) {
      try {
        runtime = instantiate(api, true);
      } catch {
        // No shared memory here (e.g. a browser page that is not cross-origin isolated): one thread.
        try { runtime = instantiate(api, false); } catch { runtime = false; }
      }
    }
    if (runtime) setViews(runtime);
  }
  return runtime;
}

function instantiate(api: WasmApi, shared: boolean): Runtime {
  const memory = new api.Memory(shared ? { initial: 64, maximum: MAX_PAGES, shared: true } : { initial: 64 });
  const module = new api.Module(decodeBase64(shared ? GEMM_SHARED_WASM_BASE64 : GEMM_WASM_BASE64));
  const exp = new api.Instance(module, { env: { memory } }).exports as GemmExports;
  return { memory, shared, module, gemm: exp.gemm, gemm64: exp.gemm64, runRange: exp.runRange, dataEnd: exp.dataEnd() >>> 0,
    scratchBytes: exp.scratchBytes() >>> 0 };
}

function setViews(r: Runtime): void {
  heap = new Float32Array(r.memory.buffer);
  heap64 = new Float64Array(r.memory.buffer);
  cViews = new Map();
}

// ── threads ───────────────────────────────────────────────────────────────

let requestedThreads: number | undefined;
let pool: KernelPool | null = null;

/**
 * Sets how many threads large float32 products use on the WebAssembly backend: the calling thread
 * plus n − 1 workers (default: the number of cores, or TAPEGRAD_THREADS). Where threads are not
 * available (no shared memory, or neither Node's worker_threads nor a cross-origin isolated browser
 * page) the count stays 1.
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`setNumThreads: the thread count must be a positive integer, got ${String(n)}`);
  requestedThreads = n;
  if (pool && pool.threads !== effectiveThreads()) {
    pool.close();
    pool = null;
  }
}

/** The thread count large WebAssembly products run on (1 where threads are unavailable). */
export function getNumThreads(): number {
  return effectiveThreads();
}

function effectiveThreads(): number {
  requestedThreads ??= defaultThreads();
  if (requestedThreads === 1 || !threadsSupported()) return 1;
  const r = instance();
  return r && r.shared && (pool === null || pool.usable) ? requestedThreads : 1;
}

/** Diagnostics for tests: the pool's thread count and how many tasks its workers have run (0 without a pool). */
export function poolStats(): { threads: number; workerTasks: number } {
  return pool ? { threads: pool.threads, workerTasks: pool.workerTasks } : { threads: 1, workerTasks: 0 };
}

/** Byte offset of thread i's scratch block. */
const scratchAt = (r: Runtime, i: number): number => r.dataEnd + CONTROL_BYTES + i * r.scratchBytes;

/** The pool for the current thread count, started on first use; null for one thread. */
function currentPool(r: Runtime): KernelPool | null {
  const threads = effectiveThreads();
  if (threads === 1 || r.runRange === undefined) return null;
  if (pool === null) {
    if (!ensureMemory(r, scratchAt(r, threads))) return null;
    pool = new KernelPool(r.module, r.memory, r.gemm, r.gemm64, r.runRange, r.dataEnd, (i) => scratchAt(r, i), threads);
  }
  return pool;
}

/** Makes linear memory at least `bytes` long. False if it cannot grow (then the caller falls back to TS). */
function ensureMemory(r: Runtime, bytes: number): boolean {
  const have = r.memory.buffer.byteLength;
  if (bytes > have) {
    if (bytes > MAX_PAGES * PAGE) return false;
    try {
      r.memory.grow(Math.ceil((bytes - have) / PAGE));
    } catch {
      return false;
    }
  }
  if (heap.buffer !== r.memory.buffer) setViews(r);
  return true;
}

/**
 * Whether the operand elements src[lo, hi) are copied as the whole array (one memcpy, no view to
 * allocate; done unless most of the array is unused) or as that slice.
 */
const copiesWhole = (src: FloatArray, lo: number, hi: number): boolean => src.length <= 2 * (hi - lo) + 1024;

/** How many elements copyIn writes. */
const copyLength = (src: FloatArray, lo: number, hi: number): number => (copiesWhole(src, lo, hi) ? src.length : hi - lo);

/** The heap view for src's element type. */
const heapFor = (src: FloatArray): FloatArray => (src instanceof Float64Array ? heap64 : heap);

/** Copies src[lo, hi) (or all of src) to its heap view at element `at`. Returns the heap index that src[0] corresponds to. */
function copyIn(src: FloatArray, lo: number, hi: number, at: number): number {
  const h = heapFor(src);
  if (copiesWhole(src, lo, hi)) {
    h.set(src, at);
    return at;
  }
  // Rare (the ops pass whole tensors): a small slice of a big array. subarray allocates one view object.
  h.set(src.subarray(lo, hi), at);
  return at - lo;
}

/** Rounds a byte count up to a multiple of 64 (plain arithmetic, as counts may pass 2³¹). */
const align64 = (bytes: number): number => Math.ceil(bytes / 64) * 64;

/**
 * Batched out = op(A) @ op(B) — the same contract as kernels/ts/matmul.ts: out contiguous
 * batch × m × n, overwritten; A item i at a[aOffset + i·aBatchStride] is m×k row-major (k×m when
 * transA); B item i at b[bOffset + i·bBatchStride] is k×n (n×k when transB); a stride of 0 broadcasts.
 * float32 and float64 run in WebAssembly SIMD; mixed operands and tiny products run in the TS kernel.
 */
export function wasmMatmul(a: FloatArray, b: FloatArray, out: FloatArray, batch: number, m: number, k: number, n: number,
  aBatchStride: number, bBatchStride: number, transA: boolean, transB: boolean, aOffset = 0, bOffset = 0,
  aStable = false, bStable = false, bias: FloatArray | null = null, activation: FusedActivation | null = null): void {
  if (m * n * k >= TINY) {
    if (a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array && (bias === null || bias instanceof Float32Array)) {
      if (wasmMatmulF32(a, b, out, batch, m, k, n, aBatchStride, bBatchStride, transA, transB, aOffset, bOffset, aStable, bStable, bias, activation)) return;
    } else if (a instanceof Float64Array && b instanceof Float64Array && out instanceof Float64Array && (bias === null || bias instanceof Float64Array)) {
      if (wasmMatmulF64(a, b, out, batch, m, k, n, aBatchStride, bBatchStride, transA, transB, aOffset, bOffset, aStable, bStable, bias, activation)) return;
    }
  }
  tsMatmul(a, b, out, batch, m, k, n, aBatchStride, bBatchStride, transA, transB, aOffset, bOffset, aStable, bStable, bias, activation);
}

/**
 * The WebAssembly path of wasmMatmul for float32 at any size (no tiny-product or dtype dispatch;
 * exported for tests and benchmarks). Products of at least PARALLEL_MIN multiply-adds run on every
 * thread (setNumThreads). Returns false, having written nothing, when WebAssembly SIMD is
 * unavailable or memory cannot grow enough; the caller then uses another kernel. aStable / bStable:
 * the caller guarantees that array's contents never change while it is reachable, so its copy in
 * wasm memory may be kept and reused by later products (see the header). bias: null or n values added to
 * every row of C after the product (as the kernel interface says). activation: null, or the unary op then
 * applied to C — in float32, by the elementwise module's runRange on C while it is still in wasm memory (on
 * every thread when C is large), before C is copied out; else (float64, or a memory without runRange) by the
 * TS unary kernel on `out`. Both give the unary kernel's bits.
 */
export function wasmMatmulF32(a: Float32Array, b: Float32Array, out: Float32Array, batch: number, m: number, k: number, n: number,
  aBatchStride: number, bBatchStride: number, transA: boolean, transB: boolean, aOffset = 0, bOffset = 0,
  aStable = false, bStable = false, bias: Float32Array | null = null, activation: FusedActivation | null = null): boolean {
  return wasmGemm(a, b, out, batch, m, k, n, aBatchStride, bBatchStride, transA, transB, aOffset, bOffset, aStable, bStable, bias, activation);
}

/** wasmMatmulF32 for float64 operands (the module's gemm64). */
export function wasmMatmulF64(a: Float64Array, b: Float64Array, out: Float64Array, batch: number, m: number, k: number, n: number,
  aBatchStride: number, bBatchStride: number, transA: boolean, transB: boolean, aOffset = 0, bOffset = 0,
  aStable = false, bStable = false, bias: Float64Array | null = null, activation: FusedActivation | null = null): boolean {
  return wasmGemm(a, b, out, batch, m, k, n, aBatchStride, bBatchStride, transA, transB, aOffset, bOffset, aStable, bStable, bias, activation);
}

// ── resident operands ─────────────────────────────────────────────────────

/**
 * A stable operand's copy in the resident region (bytes from the memory's start). It does not refer to
 * its source array, so the WeakMap below keeps no array alive.
 */
interface Resident { at: number; bytes: number; valid: boolean }
/** Copies by source array; an entry is valid until the ring reuses its bytes or the region moves. */
let residents = new WeakMap<FloatArray, Resident>();
/** The valid entries, in no particular order (few: the ring holds at least 4 of the largest). */
let residentList: Resident[] = [];
/** Where the region starts (after the pool's scratch blocks); -1 before the first use. */
let regionAt = -1;
/** The region's size: 4× the largest operand kept so far, at most RESIDENT_REGION_MAX. */
let regionBytes = 0;
/** The ring's next free byte, relative to regionAt. */
let regionNext = 0;
/** Operands larger than this are copied per call as usual. */
const RESIDENT_OPERAND_MAX = 64 << 20;
const RESIDENT_REGION_MAX = 256 << 20;

/** Drops every resident copy (the region moved: the pool's thread count changed). */
function resetResidents(at: number): void {
  residents = new WeakMap();
  residentList = [];
  regionAt = at;
  regionNext = 0;
}

/**
 * src's resident copy, reserving one if there is none (listed in `fresh`: it is copied in once memory
 * is large enough). null when src is too large to keep, or when reserving would evict `keep` (the
 * other operand of the same product).
 */
function residentFor(src: FloatArray, es: number, keep: Resident | null): Resident | null {
  const hit = residents.get(src);
  if (hit !== undefined && hit.valid) return hit;
  const bytes = align64(src.length * es);
  if (bytes > RESIDENT_OPERAND_MAX) return null;
  // Growing the region moves only C, A and B (placed after it per call), never the copies in it.
  if (regionBytes < 4 * bytes) regionBytes = Math.min(RESIDENT_REGION_MAX, 4 * bytes);
  if (regionNext + bytes > regionBytes) regionNext = 0;
  const lo = regionAt + regionNext, hi = lo + bytes;
  const overlapping = residentList.filter((e) => e.at < hi && e.at + e.bytes > lo);
  if (keep !== null && overlapping.includes(keep)) return null;
  for (const e of overlapping) e.valid = false;
  residentList = residentList.filter((e) => e.valid);
  const entry: Resident = { at: lo, bytes, valid: true };
  residents.set(src, entry);
  residentList.push(entry);
  regionNext += bytes;
  fresh.push(entry, src);
  return entry;
}
/** Entries reserved by the current call that still need their copy, each followed by its source array. */
const fresh: (Resident | FloatArray)[] = [];

/** The WebAssembly product for operands and output of one element type (float32 or float64). */
function wasmGemm(a: FloatArray, b: FloatArray, out: FloatArray, batch: number, m: number, k: number, n: number,
  aBatchStride: number, bBatchStride: number, transA: boolean, transB: boolean, aOffset: number, bOffset: number,
  aStable: boolean, bStable: boolean, bias: FloatArray | null, activation: FusedActivation | null): boolean {
  if (batch <= 0 || m <= 0 || n <= 0) return true;
  const r = instance();
  if (!r) return false;
  // A stack of contiguous row-major A's times one shared B is a single (batch·m)×k GEMM.
  if (batch > 1 && bBatchStride === 0 && !transA && aBatchStride === m * k) {
    m *= batch;
    batch = 1;
  }
  const es = a instanceof Float64Array ? 8 : 4;
  const p = batch * m * n * k >= PARALLEL_MIN ? currentPool(r) : null;
  p?.wake();
  const mn = m * n;
  const cLen = batch * mn;
  const aLo = aOffset, aHi = aOffset + (aBatchStride === 0 ? 0 : (batch - 1) * aBatchStride) + m * k;
  const bLo = bOffset, bHi = bOffset + (bBatchStride === 0 ? 0 : (batch - 1) * bBatchStride) + k * n;
  // Stable operands used whole live in the resident region, after every pool thread's scratch block.
  const start = scratchAt(r, effectiveThreads());
  if (regionAt !== start) resetResidents(start);
  fresh.length = 0;
  const aRes = aStable && copiesWhole(a, aLo, aHi) ? residentFor(a, es, null) : null;
  const bRes = bStable && copiesWhole(b, bLo, bHi) ? residentFor(b, es, aRes) : null;
  // Byte addresses: C after the region, then A's and B's copies (whole array or the used slice), each 64-aligned.
  const cByte = regionAt + regionBytes;
  const aByte = cByte + align64(cLen * es);
  const bByte = aByte + (aRes ? 0 : align64(copyLength(a, aLo, aHi) * es));
  const biasByte = bByte + (bRes ? 0 : align64(copyLength(b, bLo, bHi) * es));
  // A float32 activation runs in wasm memory (runRange): the product goes to Z, after the bias, and the
  // activation writes C from it (not in place: runRange's rounding tests recompute some vectors from their input).
  const actCode = activation !== null && es === 4 && r.runRange !== undefined ? UNARY[activation]! : -1;
  const zByte = biasByte + (bias === null ? 0 : align64(n * es));
  const end = zByte + (actCode < 0 ? 0 : align64(cLen * es));
  // The kernel's edge tiles may read up to 64 bytes past an operand (values that reach no stored element).
  if (!ensureMemory(r, end + READ_SLACK)) {
    for (let i = 0; i < fresh.length; i += 2) (fresh[i] as Resident).valid = false; // reserved but never filled
    fresh.length = 0;
    return false;
  }
  for (let i = 0; i < fresh.length; i += 2) {
    const src = fresh[i + 1] as FloatArray;
    heapFor(src).set(src, (fresh[i] as Resident).at / es);
  }
  fresh.length = 0;
  // Element indices in the heap view of this element type.
  const cAt = cByte / es;
  const a0 = (aRes ? aRes.at / es : copyIn(a, aLo, aHi, aByte / es)) + aOffset;
  const b0 = (bRes ? bRes.at / es : copyIn(b, bLo, bHi, bByte / es)) + bOffset;
  if (bias !== null) heapFor(bias).set(bias.length === n ? bias : bias.subarray(0, n), biasByte / es);
  const biasAt = bias === null ? 0 : biasByte;
  const productByte = actCode < 0 ? cByte : zByte;
  // Element (i, p) of op(A) is A[i·ars + p·acs]; element (p, j) of op(B) is B[p·brs + j·bcs].
  const ars = transA ? 1 : k, acs = transA ? m : 1;
  const brs = transB ? 1 : n, bcs = transB ? k : 1;
  if (p) {
    p.run({ a: a0 * es, ars, acs, b: b0 * es, brs, bcs, c: productByte, ldc: n, m, k, n,
      batch, aItem: aBatchStride * es, bItem: bBatchStride * es, cItem: mn * es, elementBytes: es, bias: biasAt });
  } else {
    const scratch = scratchAt(r, 0);
    const gemm = es === 8 ? r.gemm64 : r.gemm;
    for (let t = 0; t < batch; t++) {
      gemm((a0 + t * aBatchStride) * es, ars, acs, (b0 + t * bBatchStride) * es, brs, bcs, productByte + t * mn * es, n, m, k, n, scratch, biasAt);
    }
  }
  if (actCode >= 0) {
    // On every thread when C is as large as a pooled unary op, else here.
    if (p && cLen >= MIN_POOLED) p.runRange(0, actCode, zByte, 0, cByte, cLen, RANGE_CHUNK);
    else r.runRange!(0, actCode, zByte, 0, cByte, cLen, scratchAt(r, 0));
  }
  if (viewsAt !== cByte) {
    cViews = new Map();
    viewsAt = cByte;
  }
  const key = es === 8 ? -cLen : cLen;
  let view = cViews.get(key);
  if (view === undefined) {
    if (cViews.size >= MAX_VIEWS) cViews.clear();
    view = heapFor(a).subarray(cAt, cAt + cLen);
    cViews.set(key, view);
  }
  out.set(view);
  if (activation !== null && actCode < 0) {
    const c = out.length === cLen ? out : out.subarray(0, cLen);
    tsUnary(activation, c, c);
  }
  return true;
}

// ── elementwise kernels on the pool ───────────────────────────────────────

/** Floats per runRange chunk: the elementwise module's CHUNK (packages/core/wasm/elementwise.ts). */
const RANGE_CHUNK = 8192;
/**
 * From this many elements the transcendental unary ops and binaryCrossEntropy (the elementwise loader) and a
 * product's fused activation run on every thread of the worker pool, a chunk per task: 4 chunks, about
 * 60 µs of sigmoid (1.8 ns per element) or 160 µs of binaryCrossEntropy (5 ns) on one thread, against a few
 * µs to open a job. The copies in and out are the same as streaming. The cheap ops stay on one thread:
 * they are bound by those copies.
 */
export const MIN_POOLED = 4 * RANGE_CHUNK;

/**
 * out = the elementwise module's kernel `kind` (0: the unary op with code `op` of x; 1: binaryCrossEntropy
 * of probabilities x and targets y) on every pool thread, each taking chunks of RANGE_CHUNK elements:
 * x (and y) are copied into shared memory after the resident region, the threads run runRange
 * (packages/core/wasm/elementwise.ts) on them, and the result is copied out. Bit for bit the elementwise
 * module's streamed result: every element runs the same code. Returns false, having written nothing,
 * when there is no pool (one thread or no shared memory) or memory cannot grow; the caller then streams.
 */
export function pooledElementwise(kind: 0 | 1, op: number, x: Float32Array, y: Float32Array | null, out: Float32Array): boolean {
  const r = instance();
  if (!r) return false;
  const p = currentPool(r);
  if (p === null) return false;
  p.wake();
  const start = scratchAt(r, p.threads);
  if (regionAt !== start) resetResidents(start);
  const n = x.length, bytes = align64(n * 4);
  // runRange's whole-vector loops reach ≤ 12 bytes past n: inside each array's 64-byte alignment padding.
  const xByte = regionAt + regionBytes, yByte = xByte + bytes, cByte = yByte + (y === null ? 0 : bytes);
  if (!ensureMemory(r, cByte + bytes + READ_SLACK)) return false;
  heap.set(x, xByte >>> 2);
  if (y !== null) heap.set(y, yByte >>> 2);
  p.runRange(kind, op, xByte, yByte, cByte, n, RANGE_CHUNK);
  out.set(heap.subarray(cByte >>> 2, (cByte >>> 2) + n));
  return true;
}
