/**
 * The WebAssembly SIMD GEMM (kernels/wasm/gemm.ts) against the plain-TS kernel it replaces, and the
 * committed module (kernels/wasm/gemm_module.ts) against its AssemblyScript source.
 */
import fc from 'fast-check';
import { describe, it, expect } from 'vitest';
import { matmul as tsMatmul } from '../../../src/kernels/ts/matmul';
import { tsKernels } from '../../../src/kernels/ts';
import { getNumThreads, setNumThreads, wasmMatmul, wasmMatmulF32, wasmMatmulF64, wasmSimdSupported } from '../../../src/kernels/wasm/gemm';
import { GEMM_WASM_BASE64 } from '../../../src/kernels/wasm/gemm_module';
import { GEMM_SHARED_WASM_BASE64 } from '../../../src/kernels/wasm/gemm_shared_module';
import { expectCommittedModuleMatches } from '../../support/wasm_build';
import {
  TRANS, baseCase, checkAgainstTs, checkAgainstTs64, fillRandom, gemmCaseArb, type Float32GemmKernel, type Float64GemmKernel, type GemmCase,
} from '../../support/gemm_cases';

/** The WASM path at every size (wasmMatmul itself hands products below 1024 multiply-adds to TS). */
const wasmAnySize: Float32GemmKernel = (...args) => {
  if (!wasmMatmulF32(...args)) throw new Error('the WebAssembly path declined the product');
};

const check = (c: GemmCase, kernel: Float32GemmKernel = wasmAnySize): void => checkAgainstTs(c, kernel);

/** The first n columns of a rows × width row-major matrix, row-major, as numbers. */
function leadingColumns(src: ArrayLike<number>, rows: number, width: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < rows; i++) for (let j = 0; j < n; j++) out.push(src[i * width + j]!);
  return out;
}

/** The float64 WASM path at every size. */
const wasm64AnySize: Float64GemmKernel = (...args) => {
  if (!wasmMatmulF64(...args)) throw new Error('the WebAssembly path declined the float64 product');
};

/** Products larger than the blocks (MC = 72, KC = 256, NC = 2048 / 1024), for every transpose pair. */
const LARGE_CASES: (Partial<GemmCase> & Pick<GemmCase, 'm' | 'k' | 'n'>)[] = [
  { m: 300, k: 257, n: 130 }, // 5 A blocks (last 12 rows), 2 k-blocks, 2-column edge panel
  { m: 37, k: 600, n: 45, aOffset: 1, bOffset: 3 }, // 3 k-blocks accumulate into C
  { m: 9, k: 20, n: 2100 }, // 2 B blocks (NC = 2048)
  { batch: 3, broadcastA: true, m: 65, k: 70, n: 66, bOffset: 2, gapB: 5 },
  { batch: 2, broadcastB: true, m: 70, k: 270, n: 6, aOffset: 3 }, // batch folding
];

describe.skipIf(!wasmSimdSupported())('kernels/wasm gemm (WebAssembly SIMD)', () => {
  it('matches the TS kernel for random shapes 0..70, transposes, batches, broadcasts, gaps and offsets', () => {
    fc.assert(fc.property(gemmCaseArb, (c) => check(c)), { numRuns: 300 });
  });

  it('matches the TS kernel on products larger than the blocks: m > MC, k > KC, n > NC, edge tiles', () => {
    for (const [transA, transB] of TRANS) {
      for (const c of LARGE_CASES) check({ ...baseCase, ...c, transA, transB });
    }
  });

  it('float64 (gemm64): matches the TS kernel for random shapes and for products larger than the blocks', () => {
    fc.assert(fc.property(gemmCaseArb, (c) => checkAgainstTs64(c, wasm64AnySize)), { numRuns: 150 });
    for (const [transA, transB] of TRANS) {
      for (const c of LARGE_CASES) checkAgainstTs64({ ...baseCase, ...c, transA, transB }, wasm64AnySize);
      checkAgainstTs64({ ...baseCase, m: 9, k: 20, n: 1030, transA, transB }, wasm64AnySize); // 2 B blocks (NC = 1024 in float64)
    }
  });

  it('the narrow 16×2 tile (last 1–4 columns) gives bit-for-bit what the full 4×8 tile gives', () => {
    // C's first n columns with B widened to 8 more columns (so every column runs on full tiles) must equal
    // C computed with n columns (whose last n mod 8 ∈ 1..4 columns run on the narrow tile).
    for (const [m, k, n] of [[300, 257, 25], [37, 600, 10], [5, 70, 3], [81, 33, 12], [16, 9, 1]] as const) {
      for (const [transA, transB] of TRANS) {
        const a = new Float32Array(m * k), wide = new Float32Array(k * (n + 8));
        fillRandom(a, m + k);
        fillRandom(wide, n + 1);
        // B = the first n columns of `wide` (k×(n+8) row-major, or its transpose when transB).
        const b = new Float32Array(k * n);
        for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) b[transB ? j * k + p : p * n + j] = wide[p * (n + 8) + j]!;
        const wideB = transB ? new Float32Array(k * (n + 8)) : wide;
        if (transB) for (let p = 0; p < k; p++) for (let j = 0; j < n + 8; j++) wideB[j * k + p] = wide[p * (n + 8) + j]!;
        const narrow = new Float32Array(m * n), full = new Float32Array(m * (n + 8));
        wasmAnySize(a, b, narrow, 1, m, k, n, 0, 0, transA, transB, 0, 0);
        wasmAnySize(a, wideB, full, 1, m, k, n + 8, 0, 0, transA, transB, 0, 0);
        expect(Array.from(narrow)).toEqual(leadingColumns(full, m, n + 8, n));
      }
    }
  });

  it('Aᵀ·B with few columns reads A in place: bit-for-bit the packed path, and stray lanes past the edge rows reach nothing', () => {
    // n ≤ 32 (float32) / 16 (float64) columns read Aᵀ's panels in place; n + 40 columns pack them. Same sums in
    // the same order, so C's first n columns must agree bit for bit (m = 5, 37, 301: edge tiles of 1 to 15 rows).
    for (const ctor of [Float32Array, Float64Array] as const) {
      const run = ctor === Float32Array ? wasmAnySize : wasm64AnySize;
      for (const [m, k, n] of [[301, 600, 25], [37, 257, 10], [5, 70, 3], [16, 9, 1], [44, 40, ctor === Float32Array ? 32 : 16]] as const) {
        const a = new ctor(k * m), wide = new ctor(k * (n + 40));
        fillRandom(a, m + k);
        fillRandom(wide, n + 3);
        const b = ctor.from(leadingColumns(wide, k, n + 40, n));
        const inPlace = new ctor(m * n), packed = new ctor(m * (n + 40));
        (run as (...args: unknown[]) => void)(a, b, inPlace, 1, m, k, n, 0, 0, true, false, 0, 0);
        (run as (...args: unknown[]) => void)(a, wide, packed, 1, m, k, n + 40, 0, 0, true, false, 0, 0);
        expect(Array.from(inPlace)).toEqual(leadingColumns(packed, m, n + 40, n));
      }
    }
    // Row 0 of op(A) = Aᵀ (A's column 0) holds NaN and Infinity. An edge tile of rows 4–7 (m = 5) reads
    // A[p][5…7] = A[p + 1][0…2], including them, into tile rows that are never stored: only C's row 0 is NaN.
    const m = 5, k = 40, n = 7;
    const a = new Float32Array(k * m), b = new Float32Array(k * n);
    fillRandom(a, 11);
    fillRandom(b, 12);
    for (let p = 0; p < k; p++) a[p * m] = p % 2 === 0 ? Number.NaN : Number.POSITIVE_INFINITY;
    const out = new Float32Array(m * n), ref = new Float32Array(m * n);
    wasmAnySize(a, b, out, 1, m, k, n, 0, 0, true, false, 0, 0);
    tsMatmul(a, b, ref, 1, m, k, n, 0, 0, true, false, 0, 0);
    for (let j = 0; j < n; j++) expect(out[j]).toBeNaN();
    for (let i = n; i < m * n; i++) expect(Math.abs(out[i]! - ref[i]!)).toBeLessThan(1e-5);
  });

  it('a bias is added after the product: bit for bit the product followed by the TS broadcast add, in every path', () => {
    // Shapes through every store of the kernel: full and edge 4×8 tiles, the narrow tile (n mod 8 ∈ 1…4), Aᵀ read
    // in place (n ≤ 32), several k-blocks (k > 256, the bias joins only the last), k = 0, and batches.
    const shapes = [[37, 600, 45], [300, 257, 25], [16, 9, 1], [5, 70, 3], [81, 33, 12], [9, 20, 130], [6, 0, 7]] as const;
    for (const ctor of [Float32Array, Float64Array] as const) {
      const run = (ctor === Float32Array ? wasmAnySize : wasm64AnySize) as (...args: unknown[]) => void;
      for (const [m, k, n] of shapes) {
        for (const [transA, transB] of TRANS) {
          for (const batch of [1, 2]) {
            const a = new ctor(batch * m * k), b = new ctor(k * n), bias = new ctor(n);
            fillRandom(a, m + 7 * k);
            fillRandom(b, n + 3);
            fillRandom(bias, k + 11);
            const plain = new ctor(batch * m * n), fused = new ctor(batch * m * n), added = new ctor(batch * m * n);
            run(a, b, plain, batch, m, k, n, m * k, 0, transA, transB, 0, 0);
            run(a, b, fused, batch, m, k, n, m * k, 0, transA, transB, 0, 0, false, false, bias);
            tsKernels.binary('add', plain, [batch, m, n], bias, [n], added, [batch, m, n]);
            expect(Array.from(fused)).toEqual(Array.from(added));
          }
        }
      }
    }
  });

  it('a row-major B with n ≤ 32 (read in place) gives bit for bit the packed result (the same B stored transposed)', () => {
    // Every column count of one to four panels, one and several k-blocks, edge tiles, the narrow tile; B's column 0
    // holds NaN and Infinity, which edge panels also read past each row's end, into columns that are never stored.
    for (const ctor of [Float32Array, Float64Array] as const) {
      const run = (ctor === Float32Array ? wasmAnySize : wasm64AnySize) as (...args: unknown[]) => void;
      for (const n of [1, 2, 3, 5, 8, 12, 16, 25, 30, 32]) {
        for (const [m, k] of [[37, 9], [150, 300], [5, 600]] as const) {
          for (const transA of [false, true]) {
            const a = new ctor(m * k), b = new ctor(k * n), bt = new ctor(n * k);
            fillRandom(a, m + n);
            fillRandom(b, k + n);
            for (let p = 0; p < k; p++) b[p * n] = p % 3 === 0 ? Number.NaN : p % 3 === 1 ? Number.POSITIVE_INFINITY : b[p * n]!;
            for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) bt[j * k + p] = b[p * n + j]!;
            const inPlace = new ctor(m * n), packed = new ctor(m * n);
            run(a, b, inPlace, 1, m, k, n, 0, 0, transA, false, 0, 0);
            run(a, bt, packed, 1, m, k, n, 0, 0, transA, true, 0, 0);
            expect(Array.from(inPlace), `${ctor.name} ${m}×${k}×${n}${transA ? ' Aᵀ' : ''}`).toEqual(Array.from(packed));
          }
        }
      }
    }
  });

  it('an activation is applied last: bit for bit the unary kernel on the product (+ bias), on 1 and 2 threads', () => {
    // [2000, 40, 33]: a product and an activation (66 000 elements) split over the pool's threads; the rest run the
    // activation on the calling thread. float64 applies the TS unary kernel after the copy out.
    const shapes = [[2000, 40, 33], [300, 257, 25], [16, 9, 1], [81, 33, 12], [6, 0, 7]] as const;
    const threads = getNumThreads();
    try {
      for (const t of [1, 2]) {
        setNumThreads(t);
        for (const ctor of [Float32Array, Float64Array] as const) {
          const run = (ctor === Float32Array ? wasmAnySize : wasm64AnySize) as (...args: unknown[]) => void;
          for (const [m, k, n] of shapes) {
            for (const activation of ['sigmoid', 'tanh', 'relu'] as const) {
              for (const batch of [1, 2]) {
                const a = new ctor(batch * m * k), b = new ctor(k * n), bias = new ctor(n);
                fillRandom(a, m + 7 * k);
                fillRandom(b, n + 3);
                fillRandom(bias, k + 11);
                a[0] = Number.NaN;
                for (const withBias of [null, bias]) {
                  const plain = new ctor(batch * m * n), fused = new ctor(batch * m * n);
                  run(a, b, plain, batch, m, k, n, m * k, 0, false, false, 0, 0, false, false, withBias);
                  tsKernels.unary(activation, plain, plain);
                  run(a, b, fused, batch, m, k, n, m * k, 0, false, false, 0, 0, false, false, withBias, activation);
                  expect(Array.from(fused), `${activation} ${m}×${k}×${n} batch ${batch} on ${t} thread(s)`).toEqual(Array.from(plain));
                }
              }
            }
          }
        }
      }
    } finally {
      setNumThreads(threads);
    }
  });

  it('wasmMatmul: WASM for large float32 and float64, exactly the TS kernel for mixed and tiny products', () => {
    for (const [transA, transB] of TRANS) {
      check({ ...baseCase, m: 40, k: 33, n: 50, transA, transB, aOffset: 2 }, wasmMatmul);
      check({ ...baseCase, batch: 3, broadcastB: true, m: 17, k: 31, n: 29, transA, transB }, wasmMatmul);
    }
    // Large float32 and float64 products really take the WASM path: bit for bit what wasmMatmulF32 / F64 write
    // (and, in float32, not what the TS kernel writes: float32 vs float64 accumulation).
    const direct = [[Float32Array, wasmMatmulF32], [Float64Array, wasmMatmulF64]] as const;
    for (const [dtype, wasmDirect] of direct) {
      for (const [transA, transB] of TRANS) {
        const [m, k, n] = [40, 33, 50];
        const a = new dtype(m * k), b = new dtype(k * n);
        fillRandom(a, 21);
        fillRandom(b, 22);
        const viaDispatch = new dtype(m * n), viaWasm = new dtype(m * n), viaTs = new dtype(m * n);
        wasmMatmul(a, b, viaDispatch, 1, m, k, n, 0, 0, transA, transB);
        (wasmDirect as (...args: unknown[]) => boolean)(a, b, viaWasm, 1, m, k, n, 0, 0, transA, transB);
        tsMatmul(a, b, viaTs, 1, m, k, n, 0, 0, transA, transB);
        expect(Array.from(viaDispatch)).toEqual(Array.from(viaWasm));
        if (dtype === Float32Array) expect(Array.from(viaDispatch)).not.toEqual(Array.from(viaTs));
      }
    }
    for (const [transA, transB] of TRANS) checkAgainstTs64({ ...baseCase, m: 40, k: 33, n: 50, transA, transB, aOffset: 2 }, wasmMatmul);
    // Tiny float32 and float64 products are delegated: bit-for-bit what the TS kernel writes.
    for (const [dtype, [m, k, n]] of [[Float64Array, [7, 9, 11]], [Float32Array, [7, 9, 11]]] as const) {
      for (const [transA, transB] of TRANS) {
        const a = new dtype(m * k * 2 + 1), b = new dtype(k * n + 3);
        fillRandom(a, 11);
        fillRandom(b, 12);
        const got = new dtype(2 * m * n).fill(Number.NaN), want = new dtype(2 * m * n);
        wasmMatmul(a, b, got, 2, m, k, n, m * k, 0, transA, transB, 1, 2);
        tsMatmul(a, b, want, 2, m, k, n, m * k, 0, transA, transB, 1, 2);
        expect(Array.from(got)).toEqual(Array.from(want));
      }
    }
    // Mixed float32 / float64 operands, large: the TS kernel, bit for bit.
    {
      const [m, k, n] = [40, 33, 50];
      const a = new Float32Array(m * k), b = new Float64Array(k * n);
      fillRandom(a, 41);
      fillRandom(b, 42);
      const got = new Float64Array(m * n), want = new Float64Array(m * n);
      wasmMatmul(a, b, got, 1, m, k, n, 0, 0, false, false);
      tsMatmul(a, b, want, 1, m, k, n, 0, 0, false, false);
      expect(Array.from(got)).toEqual(Array.from(want));
    }
  });

  it('keeps stable operands resident: a later product reuses the copy (and an unstable one is copied again)', () => {
    const [m, k, n] = [60, 70, 50];
    const a = new Float32Array(m * k), b = new Float32Array(k * n);
    fillRandom(a, 51);
    fillRandom(b, 52);
    const first = new Float32Array(m * n), again = new Float32Array(m * n), fresh = new Float32Array(m * n);
    wasmMatmulF32(a, b, first, 1, m, k, n, 0, 0, false, false, 0, 0, true, false);
    // Breaking the contract (writing a stable array) shows where the next product reads A from: the kept copy.
    const saved = a[0]!;
    a[0] = 1000;
    wasmMatmulF32(a, b, again, 1, m, k, n, 0, 0, false, false, 0, 0, true, false);
    expect(Array.from(again)).toEqual(Array.from(first));
    // Not marked stable: copied in again, so the write is seen.
    wasmMatmulF32(a, b, fresh, 1, m, k, n, 0, 0, false, false, 0, 0, false, false);
    expect(fresh[0]).not.toBe(first[0]);
    a[0] = saved;
    // Transposed use of the same kept A (Aᵀ·C with C = m×n): still correct.
    const got = new Float32Array(k * n), wantT = new Float32Array(k * n);
    tsMatmul(a, first, wantT, 1, k, m, n, 0, 0, true, false);
    wasmMatmulF32(a, first, got, 1, k, m, n, 0, 0, true, false, 0, 0, true, false);
    for (let i = 0; i < k * n; i++) expect(Math.abs(got[i]! - wantT[i]!)).toBeLessThan(1e-3);
  });

  it('resident operands stay correct while many are cycled through the ring, grow it, and share a product', () => {
    const arrays = Array.from({ length: 12 }, (_, i) => {
      const len = (20 + 7 * i) * 40;
      const x = new Float32Array(len);
      fillRandom(x, 100 + i);
      return x;
    });
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < arrays.length; i++) {
        const a = arrays[i]!, b = arrays[(i * 5 + round) % arrays.length]!;
        const m = a.length / 40, n = b.length / 40;
        // op(A) = A (m×40), op(B) = Bᵀ (40×n): every pair of arrays, both stable, sometimes the same array.
        const got = new Float32Array(m * n), want = new Float32Array(m * n);
        wasmMatmulF32(a, b, got, 1, m, 40, n, 0, 0, false, true, 0, 0, true, true);
        tsMatmul(a, b, want, 1, m, 40, n, 0, 0, false, true);
        for (let j = 0; j < m * n; j++) expect(Math.abs(got[j]! - want[j]!)).toBeLessThan(1e-4);
      }
      // A large stable operand grows the region (C, A and B move behind it; kept copies do not move).
      checkAgainstTs({ ...baseCase, m: 400, k: 300, n: 30, transA: false, transB: false, seed: round },
        (a, b, out, batch, m, k, n, sa, sb, ta, tb, oa, ob) => wasmMatmulF32(a, b, out, batch, m, k, n, sa, sb, ta, tb, oa, ob, true, true));
    }
  });

  it('copies only the used slice of a large operand, and stays correct across memory growth', () => {
    // A 20×30 A at offset 100 000 in a 100 602-element array: only the used slice is copied.
    check({ ...baseCase, m: 20, k: 30, n: 25, transA: false, transB: true, aOffset: 100_000 });
    check({ ...baseCase, m: 64, k: 64, n: 64, transA: false, transB: false }); // small
    check({ ...baseCase, m: 700, k: 300, n: 650, transA: true, transB: false, seed: 3 }); // grows memory past ~3 MiB of operands
    check({ ...baseCase, m: 64, k: 64, n: 64, transA: false, transB: true }); // small again, on the re-created views
    checkAgainstTs64({ ...baseCase, m: 700, k: 310, n: 650, transA: false, transB: true, seed: 4 }, wasm64AnySize); // float64 grows it further
    check({ ...baseCase, m: 64, k: 64, n: 64, transA: true, transB: false }); // float32 on the re-created views
  });

  it('writes zeros when k = 0 and nothing when m or n = 0', () => {
    const out = new Float32Array(2 * 3 * 4).fill(Number.NaN);
    expect(wasmMatmulF32(new Float32Array(0), new Float32Array(0), out, 2, 3, 0, 4, 0, 0, false, false)).toBe(true);
    expect(Array.from(out)).toEqual(new Array(24).fill(0));
    const untouched = new Float32Array(2).fill(5);
    wasmMatmulF32(new Float32Array(6), new Float32Array(0), untouched, 1, 0, 3, 5, 0, 0, false, false);
    wasmMatmulF32(new Float32Array(6), new Float32Array(0), untouched, 1, 2, 3, 0, 0, 0, true, true);
    expect(Array.from(untouched)).toEqual([5, 5]);
  });

  it('computes a small known product exactly, in every transposed layout', () => {
    // [[1, 2, 3], [4, 5, 6]] @ [[7, 8], [9, 10], [11, 12]] = [[58, 64], [139, 154]]
    const A = [1, 2, 3, 4, 5, 6], At = [1, 4, 2, 5, 3, 6], B = [7, 8, 9, 10, 11, 12], Bt = [7, 9, 11, 8, 10, 12];
    for (const [transA, transB] of TRANS) {
      const out = new Float32Array(4);
      wasmMatmulF32(new Float32Array(transA ? At : A), new Float32Array(transB ? Bt : B), out, 1, 2, 3, 2, 0, 0, transA, transB);
      expect(Array.from(out)).toEqual([58, 64, 139, 154]);
    }
  });
});

// The committed module must be what the source compiles to (npm test needs no build step).

describe('kernels/wasm gemm_module.ts', () => {
  it('both builds decode to valid WebAssembly modules exporting gemm, gemm64, dataEnd and scratchBytes (the shared one also runRange) and importing their memory', () => {
    // WebAssembly's classes are not in the project's type libs (ES2022, no DOM): typed locally.
    const wa = (globalThis as unknown as { WebAssembly: {
      Module: { new (bytes: Uint8Array): object; exports(module: object): { name: string }[]; imports(module: object): { module: string; name: string; kind: string }[] };
    } }).WebAssembly;
    for (const [base64, extra] of [[GEMM_WASM_BASE64, []], [GEMM_SHARED_WASM_BASE64, ['runRange']]] as const) {
      const module = new wa.Module(Buffer.from(base64, 'base64'));
      // The shared build (wasm/threads.ts) adds the elementwise kernels' pool entry.
      expect(wa.Module.exports(module).map((e) => e.name).sort()).toEqual(['dataEnd', 'gemm', 'gemm64', 'memory', ...extra, 'scratchBytes']);
      expect(wa.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    }
  });

  it('the one-thread build (ordinary memory, used where shared memory is unavailable) computes the same product', () => {
    // Node always has shared memory, so the loader never picks this build here: run it directly.
    const wa = (globalThis as unknown as { WebAssembly: {
      Module: new (bytes: Uint8Array) => object;
      Instance: new (module: object, imports: object) => { exports: Record<string, (...a: number[]) => number> };
      Memory: new (d: { initial: number }) => { buffer: ArrayBuffer };
    } }).WebAssembly;
    const memory = new wa.Memory({ initial: 64 });
    const e = new wa.Instance(new wa.Module(Buffer.from(GEMM_WASM_BASE64, 'base64')), { env: { memory } }).exports;
    const [m, k, n] = [37, 300, 45];
    const scratch = e['dataEnd']!(), aAt = scratch + e['scratchBytes']!(), bAt = aAt + m * k * 4, cAt = bAt + k * n * 4;
    const heap = new Float32Array(memory.buffer);
    const a = heap.subarray(aAt / 4, aAt / 4 + m * k), b = heap.subarray(bAt / 4, bAt / 4 + k * n);
    fillRandom(a, 5);
    fillRandom(b, 6);
    e['gemm']!(aAt, 1, m, bAt, n, 1, cAt, n, m, k, n, scratch, 0); // Aᵀ stored k×m: row stride 1, column stride m; no bias
    const ref = new Float32Array(m * n);
    tsMatmul(a, b, ref, 1, m, k, n, 0, 0, true, false);
    const got = heap.subarray(cAt / 4, cAt / 4 + m * n);
    for (let i = 0; i < m * n; i++) expect(Math.abs(got[i]! - ref[i]!)).toBeLessThan(1e-4);
  });

  // assemblyscript is a devDependency, so `npm ci` always installs it: this check always runs.
  {
    it('both builds match their sources recompiled with their asc flags (gemm.ts; threads.ts for the shared one)', async () => {
      await expectCommittedModuleMatches('gemm', GEMM_WASM_BASE64);
      await expectCommittedModuleMatches('gemm_shared', GEMM_SHARED_WASM_BASE64);
    }, 60_000);
  }
});
