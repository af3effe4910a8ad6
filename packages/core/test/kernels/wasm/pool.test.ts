/**
 * The worker pool (kernels/wasm/pool.ts) through the WebAssembly GEMM and the pooled elementwise kernels:
 * products and elementwise calls big enough to be split agree with the TS kernels whatever the thread
 * count, the workers really take part, the thread count is validated, and a Node program that used the
 * pool exits on its own.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { getNumThreads, poolStats, setNumThreads, wasmMatmulF32, wasmMatmulF64, wasmSimdSupported } from '../../../src/kernels/wasm/gemm';
import { CONTROL_BYTES, KernelPool, bReadInPlace, cutTasks, defaultThreads, threadsSupported, type GemmFn, type RangeFn } from '../../../src/kernels/wasm/pool';
import { GEMM_SHARED_WASM_BASE64 } from '../../../src/kernels/wasm/gemm_shared_module';
import { MIN_POOLED, wasmBinaryCrossEntropyF32, wasmUnaryF32 } from '../../../src/kernels/wasm/elementwise';
import type { UnaryKernelOp } from '../../../src/kernels/kernels';
import { TRANS, baseCase, checkAgainstTs, checkAgainstTs64, fillRandom, type Float32GemmKernel, type Float64GemmKernel } from '../../support/gemm_cases';
import { tsKernels } from '../../../src/kernels/ts';

const wasm: Float32GemmKernel = (...args) => {
  if (!wasmMatmulF32(...args)) throw new Error('the WebAssembly path declined the product');
};
const wasm64: Float64GemmKernel = (...args) => {
  if (!wasmMatmulF64(...args)) throw new Error('the WebAssembly path declined the float64 product');
};

const initialThreads = getNumThreads();
afterAll(() => setNumThreads(initialThreads));

/** Products above the split threshold (2²⁰ multiply-adds), covering every way a job is cut into tasks (pool.run). */
function checkLargeProducts(): void {
  for (const [transA, transB] of TRANS) {
    checkAgainstTs({ ...baseCase, m: 203, k: 130, n: 77, transA, transB }, wasm); // rows; last task short, edge tiles
    checkAgainstTs({ ...baseCase, m: 6, k: 300, n: 1000, transA, transB, aOffset: 3 }, wasm); // short and wide: columns
    checkAgainstTs({ ...baseCase, batch: 3, m: 80, k: 90, n: 70, transA, transB, gapA: 2, bOffset: 1 }, wasm); // batch items, rows
    checkAgainstTs({ ...baseCase, batch: 5, broadcastB: true, m: 40, k: 64, n: 90, transA, transB }, wasm); // broadcast B, columns
    checkAgainstTs({ ...baseCase, m: 300, k: 250, n: 301, transA, transB }, wasm); // several k-blocks per task
    checkAgainstTs({ ...baseCase, m: 2900, k: 60, n: 9, transA, transB }, wasm); // small repacked operand: 11 tasks of 264 rows
    checkAgainstTs({ ...baseCase, m: 7, k: 80, n: 2500, transA, transB }, wasm); // the same by columns: 9 tasks
    checkAgainstTs64({ ...baseCase, m: 203, k: 130, n: 77, transA, transB }, wasm64); // float64: rows
    checkAgainstTs64({ ...baseCase, batch: 2, m: 6, k: 300, n: 1000, transA, transB, aOffset: 3 }, wasm64); // float64: columns, batch
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The unary ops that run on the pool from MIN_POOLED elements (the transcendentals). */
const POOLED_UNARY: UnaryKernelOp[] = ['exp', 'log', 'log1p', 'tanh', 'sigmoid', 'softplus', 'logSigmoid'];
/** Lengths at and past the threshold: whole chunks, a ragged last chunk, a last vector partly past the data. */
const POOLED_LENGTHS = [MIN_POOLED, MIN_POOLED + 1, 5 * 8192 + 3, 50_001];

/**
 * n float32 values: mostly ordinary (−12 … 12, and probabilities in (0, 1) for the second half), with
 * special values sprinkled in and at both ends — NaN, ±Infinity, ±0, subnormals, the largest finite.
 */
function pooledInput(n: number, seed: number): Float32Array {
  const x = new Float32Array(n);
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  for (let i = 0; i < n; i++) x[i] = i < n / 2 ? next() * 24 - 12 : next();
  const special = [NaN, Infinity, -Infinity, 0, -0, 2 ** -149, -(2 ** -140), 3.4028234663852886e38, 1, 88.7, -103.9];
  for (let j = 0; j < special.length; j++) {
    x[j] = special[j]!;
    x[n - 1 - j] = special[j]!;
    x[Math.floor(next() * n)] = special[j]!;
  }
  return x;
}

/** Every pooled kernel on every POOLED_LENGTHS input at the current thread count: the results' bit patterns. */
function pooledResults(): Uint32Array[] {
  const results: Uint32Array[] = [];
  for (const n of POOLED_LENGTHS) {
    const x = pooledInput(n, n), y = pooledInput(n, n + 1).map((v) => (v < 0.5 ? 0 : v < 0.75 ? 1 : v));
    for (const op of POOLED_UNARY) {
      const out = new Float32Array(n);
      if (!wasmUnaryF32(op, x, out)) throw new Error(`the WebAssembly path declined ${op}`);
      results.push(new Uint32Array(out.buffer));
    }
    const out = new Float32Array(n);
    if (!wasmBinaryCrossEntropyF32(x, y, out)) throw new Error('the WebAssembly path declined binaryCrossEntropy');
    results.push(new Uint32Array(out.buffer));
  }
  return results;
}

describe.skipIf(!wasmSimdSupported() || !threadsSupported())('kernels/wasm pool (worker threads)', () => {
  it('two threads: large products match the TS kernel, and the worker runs some of the tasks', async () => {
    setNumThreads(2);
    expect(getNumThreads()).toBe(2);
    checkLargeProducts();
    expect(poolStats().threads).toBe(2);
    // The worker starts asynchronously; the caller never waits for it, so give it a moment to join in.
    const deadline = Date.now() + 10_000;
    while (poolStats().workerTasks === 0 && Date.now() < deadline) {
      await sleep(20);
      checkAgainstTs({ ...baseCase, m: 256, k: 256, n: 256, transA: false, transB: false }, wasm);
    }
    expect(poolStats().workerTasks).toBeGreaterThan(0);
    checkLargeProducts(); // again, now with a running worker
  }, 60_000);

  it('three threads on this machine, then back to one: same results, the pool follows the count', () => {
    setNumThreads(3);
    checkLargeProducts();
    expect(poolStats().threads).toBe(3);
    setNumThreads(1);
    expect(getNumThreads()).toBe(1);
    checkLargeProducts();
    expect(poolStats()).toEqual({ threads: 1, workerTasks: 0 });
  }, 60_000);

  it('a bias reaches every task: rows and columns split over 2 threads, bit for bit the product plus the TS add', () => {
    setNumThreads(2);
    for (const [m, k, n] of [[6, 300, 1000], [2900, 60, 9], [203, 130, 77]] as const) {
      const a = new Float32Array(m * k), b = new Float32Array(k * n), bias = new Float32Array(n);
      fillRandom(a, m);
      fillRandom(b, k);
      fillRandom(bias, n);
      const plain = new Float32Array(m * n), fused = new Float32Array(m * n), added = new Float32Array(m * n);
      wasm(a, b, plain, 1, m, k, n, 0, 0, false, false, 0, 0);
      if (!wasmMatmulF32(a, b, fused, 1, m, k, n, 0, 0, false, false, 0, 0, false, false, bias)) throw new Error('declined');
      tsKernels.binary('add', plain, [m, n], bias, [n], added, [m, n]);
      expect(Array.from(fused)).toEqual(Array.from(added));
    }
  });

  it('results do not depend on the thread count: every thread runs the same blocking, bit for bit', () => {
    const n = 260, k = 520, a = new Float32Array(n * k), b = new Float32Array(n * k);
    for (let i = 0; i < n * k; i++) { a[i] = Math.sin(i); b[i] = Math.cos(0.7 * i); }
    const negB = b.map((v) => -v);
    // Each product runs first with −B, so a task that skipped part of C would leave −C there, not C.
    const product = (m: number, kk: number, nn: number, transA: boolean, transB: boolean): Float32Array => {
      const out = new Float32Array(m * nn);
      wasm(a, negB, out, 1, m, kk, nn, 0, 0, transA, transB, 0, 0);
      wasm(a, b, out, 1, m, kk, nn, 0, 0, transA, transB, 0, 0);
      return out;
    };
    const results = [1, 2, 3].map((threads) => {
      setNumThreads(threads);
      return [
        product(n, k, n, false, true), // 260 × 260: split by rows
        product(8, k, n, true, false), // 8 × 260 (2²⁰ multiply-adds): split by columns
        product(2080, 65, 64, false, false), // 2080 × 64 with k·n = 4160 ≤ SMALL_REPACK: 8 tasks (6 on 3 threads)
        product(784, 128, 256, true, false), // W2's weight gradient: 196 row tiles, 2 tasks of 98 (3 of 65, 65, 66)
        product(25, 5000, 10, true, false), // 25 rows: 12 + 13 (8 + 8 + 9)
      ];
    });
    for (const r of results.slice(1)) {
      r.forEach((c, i) => expect(Array.from(c)).toEqual(Array.from(results[0]![i]!)));
    }
  });

  it('elementwise jobs (transcendentals, binaryCrossEntropy) on 2 and 3 threads: bit for bit the one-thread result and the TS kernel, and the worker takes tasks', async () => {
    setNumThreads(1);
    const one = pooledResults(); // streamed through the elementwise module: no pool
    // The one-thread results are the TS kernel's (kernels/wasm/elementwise.test.ts checks that in depth; here one op as a witness).
    const n = POOLED_LENGTHS[2]!, x = pooledInput(n, n), ref = new Float32Array(n);
    tsKernels.unary('sigmoid', x, ref);
    // Values, not bits: a NaN's sign bit is not specified by WebAssembly (toEqual takes NaN as equal to NaN, and −0 ≠ +0).
    const witness = one[(POOLED_UNARY.length + 1) * 2 + POOLED_UNARY.indexOf('sigmoid')]!;
    expect(Array.from(new Float32Array(witness.buffer))).toEqual(Array.from(ref));
    for (const threads of [2, 3]) {
      setNumThreads(threads);
      const before = poolStats().workerTasks;
      const many = pooledResults();
      expect(many.length).toBe(one.length);
      for (let i = 0; i < one.length; i++) expect(Array.from(many[i]!)).toEqual(Array.from(one[i]!));
      // Workers start asynchronously and the caller never waits for them: repeat until one has run an elementwise task.
      const deadline = Date.now() + 10_000;
      while (poolStats().workerTasks === before && Date.now() < deadline) {
        await sleep(20);
        const again = pooledResults();
        for (let i = 0; i < one.length; i++) expect(Array.from(again[i]!)).toEqual(Array.from(one[i]!));
      }
      expect(poolStats().workerTasks).toBeGreaterThan(before);
    }
  }, 60_000);

  it('workers starting up while the caller takes log and log1p jobs do not disturb their results', () => {
    // Each instantiation re-applies the module's data segments: the threads build keeps its log table out of
    // them (elementwise.ts, LOG_TABLE). With the table in a segment, ~1.5 % of these calls came out wrong.
    const n = 50_001, x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = 0.001 + (i % 997) / 37;
    const ops: UnaryKernelOp[] = ['log', 'log1p'];
    setNumThreads(1);
    const refs = ops.map((op) => { const r = new Float32Array(n); wasmUnaryF32(op, x, r); return r; });
    let calls = 0;
    for (let round = 0; round < 24; round++) {
      setNumThreads(1);
      setNumThreads(2 + (round & 1)); // new workers, which start (instantiate) while the calls below run
      const until = Date.now() + 40;
      while (Date.now() < until) {
        const k = calls++ % 2, out = new Float32Array(n);
        wasmUnaryF32(ops[k]!, x, out);
        for (let i = 0; i < n; i++) if (out[i] !== refs[k]![i]) throw new Error(`${ops[k]} call ${calls}, round ${round}: element ${i} is ${out[i]}, not ${refs[k]![i]}`);
      }
    }
    expect(calls).toBeGreaterThan(24);
  }, 60_000);

  it('a Node program that used the pool exits by itself (the workers are unref\'d)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tapegrad-pool-'));
    try {
      const gemm = fileURLToPath(new URL('../../../src/kernels/wasm/gemm.ts', import.meta.url));
      const script = join(dir, 'main.ts');
      writeFileSync(script, `import { setNumThreads, wasmMatmulF32 } from ${JSON.stringify(gemm)};
setNumThreads(2);
const n = 300, a = new Float32Array(n * n).fill(1), c = new Float32Array(n * n);
for (let i = 0; i < 20; i++) wasmMatmulF32(a, a, c, 1, n, n, n, 0, 0, false, false);
console.log(c[0]);
`);
      const esbuild = fileURLToPath(new URL('../../../../../node_modules/.bin/esbuild', import.meta.url));
      const bundle = join(dir, 'main.mjs');
      const built = spawnSync(esbuild, [script, '--bundle', '--platform=node', '--format=esm', '--log-level=error', `--outfile=${bundle}`], { encoding: 'utf8' });
      expect(built.status, built.stderr).toBe(0);
      const t0 = Date.now();
      const run = spawnSync(process.execPath, [bundle], { encoding: 'utf8', timeout: 30_000 });
      expect(run.error).toBeUndefined(); // a timeout would be reported here
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout.trim()).toBe('300');
      expect(Date.now() - t0).toBeLessThan(30_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe.skipIf(!wasmSimdSupported() || !threadsSupported())('kernels/wasm pool: a worker still inside the last job', () => {
  it('the next job runs on the caller alone and leaves the task counters alone (no claim can cross jobs)', () => {
    // A one-thread pool on its own shared memory, with the control block in reach of the test.
    const wa = (globalThis as unknown as { WebAssembly: {
      Memory: new (d: { initial: number; maximum: number; shared: boolean }) => { buffer: SharedArrayBuffer };
      Module: new (bytes: Uint8Array) => object;
      Instance: new (m: object, i: object) => { exports: { gemm: GemmFn; gemm64: GemmFn; runRange: RangeFn; dataEnd(): number; scratchBytes(): number } };
    } }).WebAssembly;
    const memory = new wa.Memory({ initial: 128, maximum: 65536, shared: true });
    const module = new wa.Module(Buffer.from(GEMM_SHARED_WASM_BASE64, 'base64'));
    const exp = new wa.Instance(module, { env: { memory } }).exports;
    const control = exp.dataEnd(), scratch = control + CONTROL_BYTES;
    const pool = new KernelPool(module, memory, exp.gemm, exp.gemm64, exp.runRange, control, () => scratch, 1);
    const I = new Int32Array(memory.buffer, control, 16);
    const heap = new Float32Array(memory.buffer);
    const m = 40, k = 30, n = 20, at = (scratch + exp.scratchBytes()) / 4, aAt = at, bAt = aAt + m * k, cAt = bAt + k * n;
    const a = new Float32Array(m * k), b = new Float32Array(k * n), ref = new Float32Array(m * n);
    fillRandom(a, 1);
    fillRandom(b, 2);
    tsKernels.matmul(a, b, ref, 1, m, k, n, 0, 0, false, false);
    heap.set(a, aAt);
    heap.set(b, bAt);
    const job = { a: aAt * 4, ars: k, acs: 1, b: bAt * 4, brs: n, bcs: 1, c: cAt * 4, ldc: n, m, k, n, batch: 1, aItem: 0, bItem: 0, cItem: 0, elementBytes: 4 as const, bias: 0 };
    const counters = () => [I[0], I[1], I[2], I[3]];
    pool.run(job); // an ordinary job: generation 1
    const afterOrdinary = counters();
    const closeTo = (got: Float32Array) => Array.from(got).forEach((v, i) => expect(Math.abs(v - ref[i]!)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(ref[i]!))));
    closeTo(heap.slice(cAt, cAt + m * n));
    heap.fill(0, cAt, cAt + m * n);
    Atomics.store(I, 9, 1); // as if a worker were still between its last claim and its check
    pool.run(job);
    closeTo(heap.slice(cAt, cAt + m * n)); // computed all the same
    expect(counters()).toEqual(afterOrdinary); // no new generation, no counter touched
    // An elementwise job takes the same path.
    const x = new Float32Array(3 * 8192 + 5).map((_, i) => Math.sin(i)), want = new Float32Array(x.length);
    tsKernels.unary('sigmoid', x, want);
    const xAt = cAt + m * n + 16, outAt = xAt + x.length + 16;
    heap.set(x, xAt);
    pool.runRange(0, 12, xAt * 4, 0, outAt * 4, x.length, 8192); // 12: sigmoid's unary code
    expect(heap.slice(outAt, outAt + x.length)).toEqual(want);
    expect(counters()).toEqual(afterOrdinary);
    Atomics.store(I, 9, 0);
    pool.run(job); // and with no worker inside, jobs open as usual
    expect(I[0]).toBe(afterOrdinary[0]! + 1);
    pool.close();
  });
});

describe('kernels/wasm pool: cutting a product into tasks', () => {
  it('cuts along the longer side of C into micro-tiles, one task per thread when the repacked operand is large', () => {
    expect(cutTasks(512, 512, 512, 1, 2)).toEqual({ splitCols: false, units: 128, tasksPerItem: 2 }); // W1 n = 512
    expect(cutTasks(128, 784, 256, 1, 2)).toEqual({ splitCols: true, units: 32, tasksPerItem: 2 }); // W2's X·W₁: 128×784 A repacked
    expect(cutTasks(25, 5000, 10, 1, 2)).toEqual({ splitCols: false, units: 7, tasksPerItem: 2 }); // 25 rows: 12 + 13
    expect(cutTasks(6, 100_000, 4, 1, 8)).toEqual({ splitCols: false, units: 2, tasksPerItem: 2 }); // never an empty task
    expect(cutTasks(64, 64, 64, 4, 2)).toEqual({ splitCols: false, units: 16, tasksPerItem: 1 }); // a batch: an item per task
  });

  it('a small repacked operand gives up to 8 tasks per thread of ≥ 256 rows, always a multiple of the thread count', () => {
    // W2's weight gradient Xᵀ·dZ (784 rows): 3 tasks of 264 rows left one thread twice the work of the other.
    expect(cutTasks(784, 128, 256, 1, 2)).toEqual({ splitCols: false, units: 196, tasksPerItem: 2 });
    expect(cutTasks(784, 128, 256, 1, 3)).toEqual({ splitCols: false, units: 196, tasksPerItem: 3 });
    expect(cutTasks(5000, 400, 25, 1, 2)).toEqual({ splitCols: false, units: 1250, tasksPerItem: 16 }); // W3's X·W₁
    expect(cutTasks(5000, 400, 25, 1, 3)).toEqual({ splitCols: false, units: 1250, tasksPerItem: 18 });
    // B read in place (row-major, n ≤ 32): row tasks repack nothing, so only their work (≥ 2²¹ multiply-adds) bounds them.
    expect(cutTasks(400, 5000, 25, 1, 2)).toEqual({ splitCols: false, units: 100, tasksPerItem: 2 }); // W3's Xᵀ·dZ, B packed
    expect(cutTasks(400, 5000, 25, 1, 2, true)).toEqual({ splitCols: false, units: 100, tasksPerItem: 16 }); // B in place
    expect(cutTasks(5000, 400, 25, 1, 2, true)).toEqual({ splitCols: false, units: 1250, tasksPerItem: 16 }); // W3's X·W₁
    expect(cutTasks(25, 5000, 10, 1, 2, true)).toEqual({ splitCols: false, units: 7, tasksPerItem: 2 }); // too little work to cut
    expect(bReadInPlace(1, 32, 4)).toBe(true);
    expect(bReadInPlace(1, 33, 4)).toBe(false);
    expect(bReadInPlace(1, 17, 8)).toBe(false);
    expect(bReadInPlace(5000, 25, 4)).toBe(false); // op(B) = Bᵀ: packed
    fc.assert(fc.property(fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 20_000 }),
      fc.integer({ min: 1, max: 4 }), fc.integer({ min: 2, max: 8 }), (m, k, n, batch, threads) => {
        const { splitCols, units, tasksPerItem } = cutTasks(m, k, n, batch, threads);
        expect(units).toBe(Math.ceil((splitCols ? n : m) / (splitCols ? 8 : 4)));
        expect(tasksPerItem).toBeGreaterThanOrEqual(1);
        expect(tasksPerItem).toBeLessThanOrEqual(units); // every task gets at least one micro-tile
        if (batch === 1 && (splitCols ? m : n) * k <= 1 << 16 && (splitCols ? n : m) >= 2 * 256 * threads) {
          expect(tasksPerItem % threads).toBe(0);
          expect(tasksPerItem).toBeLessThanOrEqual(8 * threads);
        }
      }), { numRuns: 300 });
  });
});

describe('thread count', () => {
  it('setNumThreads rejects anything but a positive integer, naming the value', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Infinity]) {
      expect(() => setNumThreads(bad)).toThrow(`setNumThreads: the thread count must be a positive integer, got ${String(bad)}`);
    }
    expect(() => setNumThreads('2' as never)).toThrow(/positive integer, got 2/);
  });

  it('TAPEGRAD_THREADS sets the default and is validated', () => {
    const saved = process.env['TAPEGRAD_THREADS'];
    try {
      process.env['TAPEGRAD_THREADS'] = '3';
      expect(defaultThreads()).toBe(3);
      for (const bad of ['0', 'two', '1.5']) {
        process.env['TAPEGRAD_THREADS'] = bad;
        expect(() => defaultThreads()).toThrow(`TAPEGRAD_THREADS must be a positive integer, got '${bad}'`);
      }
      delete process.env['TAPEGRAD_THREADS'];
      expect(defaultThreads()).toBeGreaterThanOrEqual(1);
    } finally {
      if (saved === undefined) delete process.env['TAPEGRAD_THREADS'];
      else process.env['TAPEGRAD_THREADS'] = saved;
    }
  });
});
