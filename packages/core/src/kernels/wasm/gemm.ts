/**
 * WebAssembly SIMD GEMM behind the kernel interface: `wasmMatmul` has exactly the signature of the
 * plain-TS kernel (kernels/ts/matmul.ts) and can replace it with `setKernel('matmul', wasmMatmul)`.
 *
 * The kernel itself is packages/core/wasm/gemm.ts (AssemblyScript; 4×8 f32x4 micro-tile on packed
 * panels, KC = 256, MC = 72; see its header), compiled by scripts/build_wasm.mjs into ./gemm_module.ts
 * (ordinary memory) and ./gemm_shared_module.ts (shared memory, for the worker pool in ./pool.ts).
 *
 * Tensors stay in ordinary garbage-collected typed arrays. Each call copies the operands into the
 * module's linear memory, runs the product there and copies C out (KERNELS.md: ≤ 2 % of the GEMM
 * time from n = 256). Memory layout (bytes): [module data | control block | one scratch block per
 * thread | C (batch·m·n) | A | B]. The memory is shared when the runtime allows it (then products of
 * at least PARALLEL_MIN multiply-adds are split over setNumThreads() threads), grows to the largest
 * call seen and is kept for reuse (it never shrinks); the views over it are cached and re-created
 * after a grow, so a call allocates nothing else.
 *
 * Delegated to the TS kernel: float64 (or mixed) operands, tiny products (m·n·k < TINY = 1024, where
 * the fixed cost of the copies and the call dominates), and runtimes without WebAssembly SIMD.
 */
import type { FloatArray } from '../../dtype';
import { matmul as tsMatmul } from '../ts/matmul';
import { GEMM_WASM_BASE64 } from './gemm_module';
import { decodeBase64 } from './load';
import { GEMM_SHARED_WASM_BASE64 } from './gemm_shared_module';
import { CONTROL_BYTES, GemmPool, defaultThreads, threadsSupported, type GemmFn } from './pool';

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
  /** First byte after the module's static data (64-aligned): the control block starts here. */
  dataEnd: number;
  /** Bytes of one thread's scratch (packed panels). */
  scratchBytes: number;
}

/** The runtime (null: not yet tried; false: unavailable, use TS). */
let runtime: Runtime | null | false = null;
/** Float32 view over the whole memory; re-created after every grow. */
let heap: Float32Array<ArrayBufferLike> = new Float32Array(0);
/** Views over C at element viewsAt, by length; cleared on grow and when C moves (the thread count changed). */
let cViews = new Map<number, Float32Array<ArrayBufferLike>>();
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
    if (runtime) heap = new Float32Array(runtime.memory.buffer);
  }
  return runtime;
}

function instantiate(api: WasmApi, shared: boolean): Runtime {
  const memory = new api.Memory(shared ? { initial: 64, maximum: MAX_PAGES, shared: true } : { initial: 64 });
  const module = new api.Module(decodeBase64(shared ? GEMM_SHARED_WASM_BASE64 : GEMM_WASM_BASE64));
  const exp = new api.Instance(module, { env: { memory } }).exports as GemmExports;
  return { memory, shared, module, gemm: exp.gemm, dataEnd: exp.dataEnd() >>> 0, scratchBytes: exp.scratchBytes() >>> 0 };
}

// ── threads ───────────────────────────────────────────────────────────────

let requestedThreads: number | undefined;
let pool: GemmPool | null = null;

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
function currentPool(r: Runtime): GemmPool | null {
  const threads = effectiveThreads();
  if (threads === 1) return null;
  if (pool === null) {
    if (!ensureMemory(r, scratchAt(r, threads))) return null;
    pool = new GemmPool(r.module, r.memory, r.gemm, r.dataEnd, (i) => scratchAt(r, i), threads);
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
  if (heap.buffer !== r.memory.buffer) {
    heap = new Float32Array(r.memory.buffer);
    cViews = new Map();
  }
  return true;
}

/**
 * Whether the operand elements src[lo, hi) are copied as the whole array (one memcpy, no view to
 * allocate; done unless most of the array is unused) or as that slice.
 */
const copiesWhole = (src: FloatArray, lo: number, hi: number): boolean => src.length <= 2 * (hi - lo) + 1024;

/** How many elements copyIn writes. */
const copyLength = (src: FloatArray, lo: number, hi: number): number => (copiesWhole(src, lo, hi) ? src.length : hi - lo);

/** Copies src[lo, hi) (or all of src) to heap[at…]. Returns the heap index that src[0] corresponds to. */
function copyIn(src: Float32Array, lo: number, hi: number, at: number): number {
  if (copiesWhole(src, lo, hi)) {
    heap.set(src, at);
    return at;
  }
  // Rare (the ops pass whole tensors): a small slice of a big array. subarray allocates one view object.
  heap.set(src.subarray(lo, hi), at);
  return at - lo;
}

/** Rounds an element count up to a multiple of 16 (64 bytes; plain arithmetic, as counts may pass 2³¹). */
const align16 = (elements: number): number => Math.ceil(elements / 16) * 16;

/**
 * Batched out = op(A) @ op(B) — the same contract as kernels/ts/matmul.ts: out contiguous
 * batch × m × n, overwritten; A item i at a[aOffset + i·aBatchStride] is m×k row-major (k×m when
 * transA); B item i at b[bOffset + i·bBatchStride] is k×n (n×k when transB); a stride of 0 broadcasts.
 * float32 runs in WebAssembly SIMD; float64 (or mixed) operands and tiny products run in the TS kernel.
 */
export function wasmMatmul(a: FloatArray, b: FloatArray, out: FloatArray, batch: number, m: number, k: number, n: number,
  aBatchStride: number, bBatchStride: number, transA: boolean, transB: boolean, aOffset = 0, bOffset = 0): void {
  if (a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array && m * n * k >= TINY
    && wasmMatmulF32(a, b, out, batch, m, k, n, aBatchStride, bBatchStride, transA, transB, aOffset, bOffset)) return;
  tsMatmul(a, b, out, batch, m, k, n, aBatchStride, bBatchStride, transA, transB, aOffset, bOffset);
}

/**
 * The WebAssembly path of wasmMatmul for float32 at any size (no tiny-product or dtype dispatch;
 * exported for tests and benchmarks). Products of at least PARALLEL_MIN multiply-adds run on every
 * thread (setNumThreads). Returns false, having written nothing, when WebAssembly SIMD is
 * unavailable or memory cannot grow enough; the caller then uses another kernel.
 */
export function wasmMatmulF32(a: Float32Array, b: Float32Array, out: Float32Array, batch: number, m: number, k: number, n: number,
  aBatchStride: number, bBatchStride: number, transA: boolean, transB: boolean, aOffset = 0, bOffset = 0): boolean {
  if (batch <= 0 || m <= 0 || n <= 0) return true;
  const r = instance();
  if (!r) return false;
  // A stack of contiguous row-major A's times one shared B is a single (batch·m)×k GEMM.
  if (batch > 1 && bBatchStride === 0 && !transA && aBatchStride === m * k) {
    m *= batch;
    batch = 1;
  }
  const p = batch * m * n * k >= PARALLEL_MIN ? currentPool(r) : null;
  const threads = p ? p.threads : 1;
  const mn = m * n;
  const cLen = batch * mn;
  const aLo = aOffset, aHi = aOffset + (aBatchStride === 0 ? 0 : (batch - 1) * aBatchStride) + m * k;
  const bLo = bOffset, bHi = bOffset + (bBatchStride === 0 ? 0 : (batch - 1) * bBatchStride) + k * n;
  // Element indices in the heap: C after the scratch blocks, then A's and B's copies (whole array or the used slice).
  const cAt = scratchAt(r, threads) >>> 2;
  const aAt = cAt + align16(cLen);
  const bAt = aAt + align16(copyLength(a, aLo, aHi));
  const end = bAt + align16(copyLength(b, bLo, bHi));
  if (!ensureMemory(r, end * 4)) return false;
  const a0 = copyIn(a, aLo, aHi, aAt) + aOffset;
  const b0 = copyIn(b, bLo, bHi, bAt) + bOffset;
  // Element (i, p) of op(A) is A[i·ars + p·acs]; element (p, j) of op(B) is B[p·brs + j·bcs].
  const ars = transA ? 1 : k, acs = transA ? m : 1;
  const brs = transB ? 1 : n, bcs = transB ? k : 1;
  if (p) {
    p.run({ a: a0 * 4, ars, acs, b: b0 * 4, brs, bcs, c: cAt * 4, ldc: n, m, k, n,
      batch, aItem: aBatchStride * 4, bItem: bBatchStride * 4, cItem: mn * 4 });
  } else {
    const scratch = scratchAt(r, 0);
    for (let t = 0; t < batch; t++) {
      r.gemm((a0 + t * aBatchStride) * 4, ars, acs, (b0 + t * bBatchStride) * 4, brs, bcs, (cAt + t * mn) * 4, n, m, k, n, scratch);
    }
  }
  if (viewsAt !== cAt) {
    cViews = new Map();
    viewsAt = cAt;
  }
  let view = cViews.get(cLen);
  if (view === undefined) {
    if (cViews.size >= MAX_VIEWS) cViews.clear();
    view = heap.subarray(cAt, cAt + cLen);
    cViews.set(cLen, view);
  }
  out.set(view);
  return true;
}
