/**
 * The worker pool behind the WebAssembly GEMM and the costliest elementwise kernels: the calling thread
 * plus (threads − 1) workers, all running the same module (packages/core/wasm/threads.ts: the GEMM and
 * the elementwise kernels' runRange) on one shared WebAssembly.Memory (KERNELS.md §3).
 *
 * How a product is split. The caller writes the job (operand pointers, strides, sizes, how it is cut
 * into tasks) into a control block in shared memory, opens the task counter and bumps a generation
 * counter. Every participant — the caller included — then claims tasks with an atomic increment until
 * none are left. Claiming, rather than assigning, means the caller never waits for a worker to wake
 * up: a worker that is asleep (50–100 µs to wake on this VM) or still starting simply gets fewer tasks,
 * and the worst case is the one-thread time. The caller waits only for tasks a worker has claimed.
 *
 * Workers spin on the generation counter for poolTuning.spinMs after each job (a wake-up costs ~0.2 µs while
 * spinning), then sleep in Atomics.wait; the caller notifies only when someone sleeps. Workers are
 * unref'd, so they never keep a Node process alive, and they run only WebAssembly on memory the
 * caller owns. Threads need a shared memory (SharedArrayBuffer) and Node's worker_threads, or a
 * cross-origin isolated browser page (then the workers are Blob-URL Workers; a page's main thread may
 * not Atomics.wait, so there it spins while it waits for a worker's last task). Anywhere else the pool
 * has one thread and everything runs on the caller.
 *
 * The task loop (`runTasks`) and the worker's main loop (`workerLoop`) are each one definition used
 * by both sides: the worker's source text is built from them with Function.prototype.toString, so they
 * may use only their parameters and globals (hence the numeric slot indices, listed below).
 */

// ── control block: Int32 slots, then Uint32 job parameters ─────────────────────────────────
// Int32 slots: 0 generation · 1 next task · 2 tasks done · 3 task count · 4 sleepers · 5 stop · 6 failed ·
// 7 tasks run by workers (a diagnostic) · 8 caller asleep waiting for tasks done · 9 workers inside runTasks
// Uint32 parameters (from byte PARAMS; all are byte addresses, strides or counts in wasm32's range): 0 a · 1 ars · 2 acs · 3 b · 4 brs · 5 bcs · 6 c · 7 ldc · 8 m ·
// 9 k · 10 n · 11 A item bytes · 12 B item bytes · 13 C item bytes · 14 micro-tiles (4 rows or 8 columns) per item ·
// 15 tasks per item · 16 split columns (1) or rows (0) · 17 element bytes (4: gemm, 8: gemm64) · 18 bias (0: none) ·
// 19 job kind: 0 a product, else an elementwise job, runRange's kind + 1. An elementwise job uses
// 0 a · 3 b · 6 c (float32 arrays) · 8 n (elements) · 9 op (the unary code) · 14 elements per task.
// Why integers: a worker runs runTasks a few thousand times in a long training run, mostly in V8's
// interpreter, where a Float64Array load or an inexact division makes a heap number. Integer loads and
// integer arithmetic stay small integers, so a worker's task loop allocates nothing and its heap stays flat.
const GEN = 0, NEXT = 1, DONE = 2, COUNT = 3, SLEEPERS = 4, STOP = 5, FAILED = 6, WORKER_TASKS = 7, CALLER_WAITS = 8, ACTIVE = 9;
const INT_SLOTS = 16;
const PARAMS = 64;
const N_PARAMS = 20;
/** Elements of the operand every task repacks, up to which a product is cut into more tasks than threads (see run). */
const SMALL_REPACK = 1 << 16;
/** The fewest rows (or columns) of C in a task when there are more tasks than threads. */
const MIN_TASK = 256;
/**
 * The least work (multiply-adds) in a task when there are more tasks than threads and the task repacks
 * nothing (B read in place, see bReadInPlace): about 40 µs on one thread.
 */
const MIN_TASK_WORK = 1 << 21;
/** Bytes of the control block (a multiple of 64). */
export const CONTROL_BYTES = 256;
/** The task counter's value between jobs: any claim made then is past the end. */
const CLOSED = 1 << 30;
/**
 * The pool's tuning, measured on this project's 2-core machine (docs/performance.md). Mutable for
 * benchmarks; a change of spinMs reaches workers started afterwards.
 */
export const poolTuning = {
  /** How long an idle worker spins before it sleeps. Covers the gaps between the products of a training step. */
  spinMs: 0.5,
  /**
   * How long the caller spins for workers' last tasks before it sleeps (Node only: a browser's main
   * thread may not Atomics.wait). Spinning on a busy machine would take the core the worker needs.
   */
  callerSpinMs: 0.05,
  /** Whether wake() wakes sleeping workers before a job's operands are copied in. */
  wakeEarly: true,
};

/** gemm(a, ars, acs, b, brs, bcs, c, ldc, m, k, n, scratch, bias): the module's exports gemm and gemm64 (packages/core/wasm/gemm.ts). */
export type GemmFn = (a: number, ars: number, acs: number, b: number, brs: number, bcs: number, c: number, ldc: number,
  m: number, k: number, n: number, scratch: number, bias: number) => void;

/**
 * runRange(kind, op, a, b, c, n, flags): the module's elementwise pool entry (packages/core/wasm/elementwise.ts):
 * kernel `kind` (0: unary op `op`, 1: binaryCrossEntropy) over n float32 elements at byte addresses a (, b) → c.
 */
export type RangeFn = (kind: number, op: number, a: number, b: number, c: number, n: number, flags: number) => void;

/**
 * Runs task t of the job in the parameters P: a product's rows or columns, or an elementwise job's chunks.
 * Self-contained (it is also the workers' code); every parameter is read here, after the claim, as a
 * claimed task belongs to the job now open.
 */
function runTask(t: number, P: Uint32Array, gemm32: GemmFn, gemm64: GemmFn, range: RangeFn, scratch: number): void {
  if (P[19] !== 0) {
    // elements lo … lo + P[14] (whole chunks), the flags block at the start of this thread's scratch
    const lo = t * P[14]!;
    range(P[19]! - 1, P[9]!, P[0]! + lo * 4, P[3]! + lo * 4, P[6]! + lo * 4, Math.min(P[14]!, P[8]! - lo), scratch);
    return;
  }
  const es = P[17]!, gemm = es === 8 ? gemm64 : gemm32;
  const per = P[15]!, item = (t - t % per) / per, j = t - item * per;
  const a = P[0]! + item * P[11]!, b = P[3]! + item * P[12]!, c = P[6]! + item * P[13]!;
  // Task j of the item takes micro-tiles ⌊j·units/per⌋ … ⌊(j + 1)·units/per⌋: task sizes differ by at most one tile.
  const cols = P[16] === 1, len = cols ? P[10]! : P[8]!, unit = cols ? 8 : 4, units = P[14]!;
  const u0 = j * units, u1 = u0 + units;
  const lo = ((u0 - u0 % per) / per) * unit, hi = j + 1 === per ? len : ((u1 - u1 % per) / per) * unit;
  if (cols) {
    // columns lo … hi of op(B) and C
    gemm(a, P[1]!, P[2]!, b + lo * P[5]! * es, P[4]!, P[5]!, c + lo * es, P[7]!, P[8]!, P[9]!, hi - lo, scratch,
      P[18] === 0 ? 0 : P[18]! + lo * es);
  } else {
    // rows lo … hi of op(A) and C
    gemm(a + lo * P[1]! * es, P[1]!, P[2]!, b, P[4]!, P[5]!, c + lo * P[7]! * es, P[7]!, hi - lo, P[9]!, P[10]!, scratch, P[18]!);
  }
}

/**
 * Claims and runs tasks of the current job until none are left; returns how many it ran.
 * Self-contained: it is also the workers' code (runTask comes as a parameter, as a bundler may rename it).
 */
function runTasks(I: Int32Array, P: Uint32Array, gemm32: GemmFn, gemm64: GemmFn, range: RangeFn, scratch: number, task: typeof runTask): number {
  for (let ran = 0; ; ran++) {
    const t = Atomics.add(I, 1, 1);
    if (t >= Atomics.load(I, 3)) return ran;
    task(t, P, gemm32, gemm64, range, scratch);
    Atomics.add(I, 2, 1);
    if (Atomics.load(I, 8) !== 0) Atomics.notify(I, 2); // the caller sleeps until the last task is done
  }
}

interface WorkerData {
  module: object;
  memory: object;
  control: number;
  scratch: number;
  spinMs: number;
}

/** A worker's life: instantiate the module on the shared memory, then wait for jobs and run their tasks. */
function workerLoop(d: WorkerData, run: typeof runTasks, task: typeof runTask): void {
  const W = (globalThis as unknown as { WebAssembly: { Instance: new (m: object, i: object) => { exports: { gemm: GemmFn; gemm64: GemmFn; runRange: RangeFn } } } }).WebAssembly;
  const { gemm, gemm64, runRange } = new W.Instance(d.module, { env: { memory: d.memory } }).exports;
  const buffer = (d.memory as { buffer: SharedArrayBuffer }).buffer;
  const I = new Int32Array(buffer, d.control, 16);
  const P = new Uint32Array(buffer, d.control + 64, 20);
  let seen = -1; // joins a job already under way
  for (;;) {
    let g = Atomics.load(I, 0);
    if (g === seen) {
      let until = performance.now() + d.spinMs;
      let spins = 0;
      // The clock is read every 16384 spins (~100 µs here): each performance.now() returns a heap number,
      // and reading it every 1024 spins made a worker allocate ~1 MB/s while idle (W5's growth).
      while ((g = Atomics.load(I, 0)) === seen) {
        if ((++spins & 16383) === 0 && performance.now() > until) {
          Atomics.add(I, 4, 1);
          Atomics.wait(I, 0, seen);
          Atomics.sub(I, 4, 1);
          // Woken without a new job (the caller's wake()): spin again, a job is on its way.
          until = performance.now() + d.spinMs;
        }
      }
    }
    seen = g;
    if (Atomics.load(I, 5) !== 0) return;
    // Inside runTasks this worker counts as active (see KernelPool.runJob).
    Atomics.add(I, 9, 1);
    try {
      Atomics.add(I, 7, run(I, P, gemm, gemm64, runRange, d.scratch, task));
    } catch {
      // Count the failed task as done so the caller does not wait for it, and tell it to stop using threads.
      Atomics.store(I, 6, 1);
      Atomics.add(I, 2, 1);
      Atomics.sub(I, 9, 1);
      return;
    }
    Atomics.sub(I, 9, 1);
  }
}

const WORKER_BODY = `'use strict';
const runTask = ${runTask.toString()};
const runTasks = ${runTasks.toString()};
const workerLoop = ${workerLoop.toString()};
`;
/** Node: an eval'd worker_threads script that gets its data as workerData. */
const NODE_WORKER_SOURCE = `${WORKER_BODY}workerLoop(require('node:worker_threads').workerData, runTasks, runTask);\n`;
/** Browsers: a dedicated Worker (from a Blob URL) that gets its data in its first message. */
const BROWSER_WORKER_SOURCE = `${WORKER_BODY}self.onmessage = (e) => workerLoop(e.data, runTasks, runTask);\n`;

interface NodeWorker {
  unref(): void;
  on(event: 'error', listener: (e: unknown) => void): void;
  terminate(): Promise<number>;
}
type WorkerCtor = new (code: string, options: { eval: true; workerData: WorkerData }) => NodeWorker;

/** The browser's Worker, Blob and URL, typed locally (the project compiles without the DOM lib). */
interface BrowserGlobals {
  Worker: new (url: string) => { postMessage(data: WorkerData): void; terminate(): void; onerror: ((e: unknown) => void) | null };
  Blob: new (parts: string[], options: { type: string }) => object;
  URL: { createObjectURL(blob: object): string };
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number };
}

/**
 * The browser's globals when this is a cross-origin isolated page or worker (the only place a
 * browser allows shared memory), else undefined.
 */
function isolatedBrowser(): BrowserGlobals | undefined {
  const g = globalThis as unknown as Partial<BrowserGlobals>;
  return g.crossOriginIsolated === true && typeof g.Worker === 'function' && typeof g.Blob === 'function' && g.URL !== undefined
    ? (g as BrowserGlobals) : undefined;
}

/** Node's built-in module `name`, synchronously, or undefined outside Node (process.getBuiltinModule, Node ≥ 20.16). */
function nodeBuiltin<T>(name: string): T | undefined {
  const p = (globalThis as { process?: { getBuiltinModule?: (n: string) => unknown } }).process;
  try {
    return p?.getBuiltinModule?.(name) as T | undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether this runtime can run the pool's workers at all: SharedArrayBuffer, and Node's
 * worker_threads or a cross-origin isolated browser context.
 */
export function threadsSupported(): boolean {
  // Asked before every large product: the answer cannot change, so it is looked up once.
  supported ??= typeof SharedArrayBuffer === 'function'
    && (nodeBuiltin<{ Worker?: WorkerCtor }>('node:worker_threads')?.Worker !== undefined || isolatedBrowser() !== undefined);
  return supported;
}
let supported: boolean | undefined;

/** The default thread count: TAPEGRAD_THREADS, else the cores Node reports, else 1. */
export function defaultThreads(): number {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.['TAPEGRAD_THREADS'];
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1) throw new Error(`TAPEGRAD_THREADS must be a positive integer, got '${env}'`);
    return n;
  }
  const os = nodeBuiltin<{ availableParallelism?: () => number; cpus?: () => unknown[] }>('node:os');
  const browserCores = (globalThis as Partial<BrowserGlobals>).navigator?.hardwareConcurrency;
  return Math.max(1, os?.availableParallelism?.() ?? os?.cpus?.().length ?? browserCores ?? 1);
}

/** One job: a batch of products C_t = op(A_t)·op(B_t), pointers and strides as gemm takes them (bytes for pointers). */
export interface GemmJob {
  a: number; ars: number; acs: number;
  b: number; brs: number; bcs: number;
  c: number; ldc: number;
  m: number; k: number; n: number;
  batch: number; aItem: number; bItem: number; cItem: number;
  /** 4: float32 (gemm), 8: float64 (gemm64). */
  elementBytes: 4 | 8;
  /** Byte address of the n bias values added to every row of C, or 0. */
  bias: number;
}

/**
 * How KernelPool.run cuts a product of `batch` items, each m×k · k×n, for `threads` threads (see run):
 * along columns of C (splitCols) when C is wider than tall, else along rows, into `units` micro-tiles
 * (8 columns or 4 rows; the last may be partial) per item, shared by `tasksPerItem` tasks as evenly as
 * whole tiles allow (runTask). Exported for tests.
 */
export function cutTasks(m: number, k: number, n: number, batch: number, threads: number, bInPlace = false): { splitCols: boolean; units: number; tasksPerItem: number } {
  const splitCols = n > m;
  const len = splitCols ? n : m;
  const units = Math.ceil(len / (splitCols ? 8 : 4));
  // A row task packs all of op(B) unless the kernel reads B in place; then it repacks nothing, and only its
  // work bounds how small it may be (W3's weight gradient Xᵀ·dZ, 400 rows × k = 5000 × n = 25: 16 tasks of
  // 24–28 rows instead of one 200-row task per thread, so a thread slowed by the machine takes fewer).
  const repacked = splitCols ? m * k : bInPlace ? 0 : k * n;
  const minLen = repacked === 0 ? Math.max(4, Math.ceil(MIN_TASK_WORK / (k * n))) : MIN_TASK;
  // A multiple of the thread count, so that equally fast threads finish together.
  const wanted = repacked <= SMALL_REPACK ? Math.floor(Math.min(8 * threads, Math.floor(len / minLen)) / threads) * threads : 0;
  const perItem = Math.max(1, Math.ceil(Math.max(threads, wanted) / batch));
  return { splitCols, units, tasksPerItem: Math.min(perItem, units) };
}

/**
 * Whether the GEMM reads op(B) where it is instead of packing it: row-major op(B) (column stride 1) with at
 * most 4 panels (n ≤ 32 in float32, 16 in float64) — the kernel's inPlaceB (packages/core/wasm/gemm.ts).
 */
export function bReadInPlace(bcs: number, n: number, elementBytes: 4 | 8): boolean {
  return bcs === 1 && n <= 128 / elementBytes;
}

/**
 * A pool of `threads − 1` workers on `memory` (shared), with its control block at byte `control` and
 * scratch blocks at scratchOf(i) (i = 0 for the caller).
 */
export class KernelPool {
  readonly threads: number;
  private readonly I: Int32Array;
  private readonly P: Uint32Array;
  private readonly workers: { terminate(): unknown }[] = [];
  private broken = false;
  /** Whether this thread may block in Atomics.wait (Node's main thread may; a browser's may not). */
  private readonly canSleep = typeof (globalThis as { window?: unknown }).window === 'undefined';

  constructor(module: object, memory: { buffer: ArrayBufferLike }, private readonly gemm: GemmFn, private readonly gemm64: GemmFn,
    private readonly range: RangeFn, control: number, private readonly scratchOf: (i: number) => number, threads: number) {
    this.threads = threads;
    this.I = new Int32Array(memory.buffer, control, INT_SLOTS);
    this.P = new Uint32Array(memory.buffer, control + PARAMS, N_PARAMS);
    this.I.fill(0);
    Atomics.store(this.I, NEXT, CLOSED);
    const NodeWorker = nodeBuiltin<{ Worker?: WorkerCtor }>('node:worker_threads')?.Worker;
    const browser = NodeWorker ? undefined : isolatedBrowser();
    const url = browser?.URL.createObjectURL(new browser.Blob([BROWSER_WORKER_SOURCE], { type: 'text/javascript' }));
    for (let i = 1; i < threads; i++) {
      const workerData: WorkerData = { module, memory, control, scratch: scratchOf(i), spinMs: poolTuning.spinMs };
      if (NodeWorker) {
        const w = new NodeWorker(NODE_WORKER_SOURCE, { eval: true, workerData });
        w.on('error', () => { this.broken = true; });
        w.unref(); // never keeps the process alive
        this.workers.push(w);
      } else if (browser && url !== undefined) {
        const w = new browser.Worker(url);
        w.onerror = () => { this.broken = true; };
        w.postMessage(workerData);
        this.workers.push(w);
      }
    }
  }

  /**
   * Wakes sleeping workers ahead of a job (they spin for spinMs, then sleep again): called before the
   * operands are copied in, so a worker's 50–100 µs wake-up overlaps the copies instead of delaying its task.
   */
  wake(): void {
    if (poolTuning.wakeEarly && Atomics.load(this.I, SLEEPERS) > 0) Atomics.notify(this.I, GEN);
  }

  /** How many tasks the workers have run so far (tests check that they take part). */
  get workerTasks(): number {
    return Atomics.load(this.I, WORKER_TASKS);
  }

  /** False once a worker has failed: the caller then runs everything on one thread. */
  get usable(): boolean {
    return !this.broken && Atomics.load(this.I, FAILED) === 0;
  }

  /**
   * Runs the job on every thread. Each item is cut into tasks of whole rows of C, or of whole
   * columns when C is wider than tall: a task packs its own share of one operand and all of the
   * other, so cutting along the longer side repacks the smaller operand. One task per thread when
   * that operand is large: every extra task repacks it once more, and two per thread measured slower
   * at every square size (n = 256 / 512 / 1024 on 2 threads: 54 / 91 / 92 GFLOP/s against 86 / 97 / 99).
   * When it is small (≤ SMALL_REPACK elements, e.g. W3's 5000×400 · 400×25: 10 000) and the long side is
   * long, up to 8 tasks per thread of ≥ MIN_TASK rows or columns: then a thread slowed by something else
   * on the machine (V8's background GC threads share these cores) takes fewer tasks instead of making
   * the caller wait for its half. W3 on 2 threads, in-process A/B while the machine was slow: median
   * step 5.25 / 5.12 / 5.16 ms with one task per thread, 4.88 / 4.90 / 4.58 with 16 tasks; no difference
   * in quiet phases (4.2–4.3 both). The count is a multiple of the thread count, so equally fast threads
   * finish together: W2's 784×128 · 128×256 weight gradient (784 rows) was cut into 3 tasks, which left
   * one thread two tasks' work, 0.70 ms on 2 threads against 0.52 with 2 tasks (1 thread: 0.98).
   */
  run(job: GemmJob): void {
    const P = this.P;
    const { m, n, batch } = job;
    const { splitCols, units, tasksPerItem } = cutTasks(m, job.k, n, batch, this.threads, bReadInPlace(job.bcs, n, job.elementBytes));
    P[0] = job.a; P[1] = job.ars; P[2] = job.acs;
    P[3] = job.b; P[4] = job.brs; P[5] = job.bcs;
    P[6] = job.c; P[7] = job.ldc;
    P[8] = m; P[9] = job.k; P[10] = n;
    P[11] = job.aItem; P[12] = job.bItem; P[13] = job.cItem;
    P[14] = units; P[15] = tasksPerItem; P[16] = splitCols ? 1 : 0; P[17] = job.elementBytes; P[18] = job.bias; P[19] = 0;
    this.runJob(batch * tasksPerItem);
  }

  /**
   * Runs runRange's kernel `kind` (0: the unary op with code `op`, 1: binaryCrossEntropy) over n float32
   * elements at byte addresses a (, b) → c on every thread, in tasks of `chunk` elements (the module's
   * CHUNK: runRange may run whole vectors past a task's end only at the arrays' end).
   */
  runRange(kind: number, op: number, a: number, b: number, c: number, n: number, chunk: number): void {
    const P = this.P;
    P[0] = a; P[3] = b; P[6] = c; P[8] = n; P[9] = op; P[14] = chunk; P[19] = kind + 1;
    this.runJob(Math.ceil(n / chunk));
  }

  /** Opens the job written into the parameters as `count` tasks, runs tasks on this thread too, and returns once all are done. */
  private runJob(count: number): void {
    const I = this.I;
    if (Atomics.load(I, ACTIVE) !== 0) {
      // A worker is still inside runTasks from the last job, perhaps holding a claim past that job's end that it
      // has not yet compared with the task count. Opening this job now would let that claim take one of its
      // tasks, which would then run twice and count as done twice, so the caller could copy out a result
      // before its last task finished. Rare (the worker leaves at its next claim, unless it was preempted just
      // there) and not worth a wait: this job runs on this thread alone, leaving the counters as they are.
      for (let t = 0; t < count; t++) runTask(t, this.P, this.gemm, this.gemm64, this.range, this.scratchOf(0));
      return;
    }
    Atomics.store(I, COUNT, count);
    Atomics.store(I, DONE, 0);
    Atomics.store(I, NEXT, 0); // open: from here on, claims get tasks of this job
    Atomics.add(I, GEN, 1);
    if (Atomics.load(I, SLEEPERS) > 0) Atomics.notify(I, GEN);
    try {
      runTasks(I, this.P, this.gemm, this.gemm64, this.range, this.scratchOf(0), runTask);
      // Tasks still running were claimed by workers: they finish in at most one task's time.
      this.waitDone(count);
    } finally {
      Atomics.store(I, NEXT, CLOSED);
    }
  }

  private waitDone(count: number): void {
    const I = this.I;
    let done = Atomics.load(I, DONE);
    if (done >= count) return;
    const until = performance.now() + poolTuning.callerSpinMs;
    for (let spins = 1; (done = Atomics.load(I, DONE)) < count; spins++) {
      if ((spins & 255) === 0 && this.canSleep && performance.now() > until) {
        Atomics.store(I, CALLER_WAITS, 1);
        // The timeout only guards against a lost wake-up; the worker notifies after each task.
        Atomics.wait(I, DONE, done, 1);
        Atomics.store(I, CALLER_WAITS, 0);
      }
    }
  }

  /** Stops the workers (they exit after their current task). */
  close(): void {
    Atomics.store(this.I, STOP, 1);
    Atomics.add(this.I, GEN, 1);
    Atomics.notify(this.I, GEN);
    for (const w of this.workers) void w.terminate();
  }
}
