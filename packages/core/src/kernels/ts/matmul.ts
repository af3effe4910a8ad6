/**
 * Plain-TypeScript GEMM: batched C = op(A) @ op(B).
 *
 * Why it is built this way (KERNELS.md §1; Node 20 on this 2-vCPU EPYC):
 * - A naive i-k-j loop runs at ~1.5 GFLOP/s (0.9 on this VM today): every multiply-add loads and
 *   stores C in memory.
 * - Register tiling: a 4×4 micro-kernel keeps 16 accumulators in local variables (JS numbers,
 *   i.e. float64), so each k step does 16 multiply-adds for 8 loads and no stores.
 * - Cache blocking with packed panels (GotoBLAS loop order): a KC×NC block of op(B) is packed into
 *   4-wide k-major panels and an MC×KC block of op(A) into 4-row k-major panels, so the micro-kernel
 *   streams two contiguous arrays (one KC×4 B panel stays in L1, the A block in L2). Packing is
 *   also where transposed operands are handled, so no transpose is ever materialised.
 * - The pack buffers are fixed-size `const` Float64Arrays captured by the closures that createGemm()
 *   returns (created once). TurboFan specialises such single-instance closures to their context, so
 *   it treats the buffers as constants: base pointer and length are folded into the code, removing
 *   the per-load array reloads and map checks. That alone took the 4×4 kernel from ~4 to ~5–6
 *   GFLOP/s here. (Module-level `const` would not do: bundlers such as esbuild/tsup rewrite
 *   top-level `const` to `var`, which V8 cannot fold.) The buffers are allocated once (zero pages,
 *   committed by the OS only when touched) and reused by every call.
 * Measured (bench/w1_matmul.ts, float32, one thread, quiet box; 6 runs): 4.8–5.5 GFLOP/s at n = 64,
 * 5.7–6.0 at 128, 5.8–6.1 at 256, 5.95–6.3 at 512 and 1024; float64 runs at the same speed. That is
 * about 4× the naive loop. (This VM has noisy phases in which every kernel, naive included, runs ~35% slower.)
 * Products with m ≤ 2 rows or n = 1 column, or fewer than SMALL multiply-adds, use a direct
 * dot-product loop instead (no packing).
 * Block sizes: MR×NR = 4×4 micro-tile, KC = 256, MC = 128, NC = 1024 (see createGemm).
 */
import type { FloatArray } from '../../dtype';
import type { FusedActivation } from '../kernels';
import { unary } from './elementwise';

/**
 * Below this many multiply-adds the direct loop is used. Measured here, the packed path already wins
 * from about 4×4×4 (call overhead is ~0.06–0.09 µs either way), so this only catches the tiniest
 * products. The direct loop is also used for m ≤ 2 and n = 1: there packing op(B) (resp. op(A)), about
 * 1 ns per element, costs as much as the product itself (e.g. 1×784 @ 784×256: 190 µs direct, 500 µs packed).
 */
const SMALL = 64;

/**
 * Batched C = op(A) @ op(B), written into `out` (contiguous, batch × m × n, overwritten, not accumulated).
 * Batch item i: A starts at a[aOffset + i*aBatchStride]; it is m×k row-major, or, when transA, stored k×m row-major (so op(A)=Aᵀ).
 * B starts at b[bOffset + i*bBatchStride]; it is k×n row-major, or, when transB, stored n×k row-major.
 * A batch stride of 0 broadcasts that operand over the batch. aStable / bStable are ignored here (see the
 * kernel interface). `bias` (n values, or null) is added to every row of every item after the product,
 * each sum rounded to out's dtype: exactly the product followed by a broadcast add. `activation` (or null)
 * is then applied to every element by the unary kernel, in place.
 */
export function matmul(a: FloatArray, b: FloatArray, out: FloatArray, batch: number, m: number, k: number, n: number,
  aBatchStride: number, bBatchStride: number, transA: boolean, transB: boolean, aOffset = 0, bOffset = 0,
  _aStable = false, _bStable = false, bias: FloatArray | null = null, activation: FusedActivation | null = null): void {
  product(a, b, out, batch, m, k, n, aBatchStride, bBatchStride, transA, transB, aOffset, bOffset, bias);
  if (activation !== null && batch > 0 && m > 0 && n > 0) {
    const c = out.length === batch * m * n ? out : out.subarray(0, batch * m * n);
    unary(activation, c, c);
  }
}

/** matmul without the activation. */
function product(a: FloatArray, b: FloatArray, out: FloatArray, batch: number, m: number, k: number, n: number,
  aBatchStride: number, bBatchStride: number, transA: boolean, transB: boolean, aOffset: number, bOffset: number,
  bias: FloatArray | null): void {
  if (batch <= 0 || m <= 0 || n <= 0) return;
  if (k <= 0) {
    out.fill(0, 0, batch * m * n);
    if (bias !== null) addBias(out, batch * m, n, bias);
    return;
  }
  // A stack of contiguous row-major A's times one shared B is a single (batch·m)×k GEMM.
  if (batch > 1 && bBatchStride === 0 && !transA && aBatchStride === m * k) {
    m *= batch;
    batch = 1;
  }
  // Element (i, p) of op(A) is a[base + i*ars + p*acs]; element (p, j) of op(B) is b[base + p*brs + j*bcs].
  const ars = transA ? 1 : k, acs = transA ? m : 1;
  const brs = transB ? 1 : n, bcs = transB ? k : 1;
  const mn = m * n;
  const small = m < 3 || n < 2 || m * n * k < SMALL;
  for (let t = 0; t < batch; t++) {
    const aBase = aOffset + t * aBatchStride, bBase = bOffset + t * bBatchStride, cBase = t * mn;
    if (small) direct(a, aBase, ars, acs, b, bBase, brs, bcs, out, cBase, m, k, n);
    else gemm(a, aBase, ars, acs, b, bBase, brs, bcs, out, cBase, m, k, n);
  }
  if (bias !== null) addBias(out, batch * m, n, bias);
}

/** out[r, j] += bias[j] for the first `rows` rows of n (each sum rounded to out's dtype on store). */
function addBias(out: FloatArray, rows: number, n: number, bias: FloatArray): void {
  for (let r = 0, o = 0; r < rows; r++) {
    for (let j = 0; j < n; j++, o++) out[o] = out[o]! + bias[j]!;
  }
}

/**
 * Direct loop (no packing) for tiny products and for m ≤ 2 or n = 1, where packing would cost as
 * much as the product itself and the 4×4 tile would be mostly padding.
 * Dot products accumulated in float64, four output columns at a time so each A element is loaded once per four.
 */
function direct(a: FloatArray, aBase: number, ars: number, acs: number, b: FloatArray, bBase: number, brs: number, bcs: number,
  out: FloatArray, cBase: number, m: number, k: number, n: number): void {
  const n4 = n - (n % 4);
  for (let i = 0; i < m; i++) {
    const ai = aBase + i * ars;
    const ci = cBase + i * n;
    let j = 0;
    for (; j < n4; j += 4) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let ia = ai, ib = bBase + j * bcs;
      for (let p = 0; p < k; p++) {
        const av = a[ia];
        s0 += av * b[ib];
        s1 += av * b[ib + bcs];
        s2 += av * b[ib + 2 * bcs];
        s3 += av * b[ib + 3 * bcs];
        ia += acs;
        ib += brs;
      }
      out[ci + j] = s0;
      out[ci + j + 1] = s1;
      out[ci + j + 2] = s2;
      out[ci + j + 3] = s3;
    }
    for (; j < n; j++) {
      let s = 0;
      let ia = ai, ib = bBase + j * bcs;
      for (let p = 0; p < k; p++) {
        s += a[ia] * b[ib];
        ia += acs;
        ib += brs;
      }
      out[ci + j] = s;
    }
  }
}

/** The blocked GEMM of one batch item; see createGemm. */
const gemm = createGemm();

/**
 * Creates the blocked GEMM together with its pack buffers. The buffers are `const` locals of this
 * function, captured by the returned closures, so TurboFan can fold them as constants (see the header).
 * Call it once only: a second instance would make the closures polymorphic in their context.
 */
function createGemm(): (a: FloatArray, aBase: number, ars: number, acs: number, b: FloatArray, bBase: number,
  brs: number, bcs: number, out: FloatArray, cBase: number, m: number, k: number, n: number) => void {
  /** Micro-tile rows (A panel height). */
  const MR = 4;
  /** Micro-tile columns (B panel width). */
  const NR = 4;
  /** k-block depth: one KC×NR B panel (8 KiB) stays in L1. */
  const KC = 256;
  /** Rows of op(A) packed per block (multiple of MR): the MC×KC A block (256 KiB) stays in L2. */
  const MC = 128;
  /** Columns of op(B) packed per block (multiple of NR): the KC×NC B block is 2 MiB. */
  const NC = 1024;
  // Fixed-size `const` on purpose: do not turn these into `let` or grow them.
  const PACK_A = new Float64Array(MC * KC);
  const PACK_B = new Float64Array(KC * NC);
  /** The micro-kernel's result; storeTile / storeEdge then write or add it into C. */
  const TILE = new Float64Array(MR * NR);
  return blocked;

  /** GotoBLAS loop nest: jc (NC) → pc (KC, pack B) → ic (MC, pack A) → jr (NR) → ir (MR) → micro-kernel. */
  function blocked(a: FloatArray, aBase: number, ars: number, acs: number, b: FloatArray, bBase: number, brs: number, bcs: number,
    out: FloatArray, cBase: number, m: number, k: number, n: number): void {
    // Equal k-blocks of at most KC (k = 784 → 4 × 196 rather than 3 × 256 + 16: short blocks waste calls).
    const kcb = Math.ceil(k / Math.ceil(k / KC));
    for (let jc = 0; jc < n; jc += NC) {
      const nc = Math.min(NC, n - jc);
      for (let pc = 0; pc < k; pc += kcb) {
        const kc = Math.min(kcb, k - pc);
        const first = pc === 0;
        packB(b, bBase + pc * brs + jc * bcs, brs, bcs, kc, nc);
        for (let ic = 0; ic < m; ic += MC) {
          const mc = Math.min(MC, m - ic);
          packA(a, aBase + ic * ars + pc * acs, ars, acs, mc, kc);
          for (let jr = 0; jr < nc; jr += NR) {
            const nr = Math.min(NR, nc - jr);
            const bi = jr * kc; // B panel jr/NR starts at (jr/NR)·kc·NR
            for (let ir = 0; ir < mc; ir += MR) {
              const mr = Math.min(MR, mc - ir);
              micro4x4(ir * kc, bi, kc);
              const ci = cBase + (ic + ir) * n + jc + jr;
              if (mr === MR && nr === NR) storeTile(out, ci, n, first);
              else storeEdge(out, ci, n, mr, nr, first);
            }
          }
        }
      }
    }
  }

  /**
   * Packs the mc×kc block of op(A) starting at a[base] into MR-row k-major panels:
   * PACK_A[(i/MR)·kc·MR + p·MR + i%MR] = op(A)[i, p]; rows past mc are zero.
   */
  function packA(a: FloatArray, base: number, ars: number, acs: number, mc: number, kc: number): void {
    const pa = PACK_A;
    let d = 0;
    for (let i0 = 0; i0 < mc; i0 += MR) {
      const rows = Math.min(MR, mc - i0);
      const r0 = base + i0 * ars;
      if (rows === MR) {
        const r1 = r0 + ars, r2 = r1 + ars, r3 = r2 + ars;
        for (let p = 0, s = 0; p < kc; p++, s += acs) {
          pa[d] = a[r0 + s];
          pa[d + 1] = a[r1 + s];
          pa[d + 2] = a[r2 + s];
          pa[d + 3] = a[r3 + s];
          d += MR;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const s = r0 + p * acs;
          for (let r = 0; r < MR; r++) pa[d + r] = r < rows ? a[s + r * ars] : 0;
          d += MR;
        }
      }
    }
  }

  /**
   * Packs the kc×nc block of op(B) starting at b[base] into NR-wide k-major panels:
   * PACK_B[(j/NR)·kc·NR + p·NR + j%NR] = op(B)[p, j]; columns past nc are zero.
   */
  function packB(b: FloatArray, base: number, brs: number, bcs: number, kc: number, nc: number): void {
    const pb = PACK_B;
    let d = 0;
    for (let j0 = 0; j0 < nc; j0 += NR) {
      const cols = Math.min(NR, nc - j0);
      const c0 = base + j0 * bcs;
      if (cols === NR) {
        const c1 = c0 + bcs, c2 = c1 + bcs, c3 = c2 + bcs;
        for (let p = 0, s = 0; p < kc; p++, s += brs) {
          pb[d] = b[c0 + s];
          pb[d + 1] = b[c1 + s];
          pb[d + 2] = b[c2 + s];
          pb[d + 3] = b[c3 + s];
          d += NR;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const s = c0 + p * brs;
          for (let c = 0; c < NR; c++) pb[d + c] = c < cols ? b[s + c * bcs] : 0;
          d += NR;
        }
      }
    }
  }

  /**
   * The 4×4 register tile: TILE = A panel (4×kc at PACK_A[ai]) · B panel (kc×4 at PACK_B[bi]), accumulated
   * in float64 locals. It touches only the closure's own buffers, so it stays monomorphic whatever the
   * dtype of the operands. Index arithmetic uses `| 0` so TurboFan emits plain int32 adds (no overflow checks).
   */
  function micro4x4(ai: number, bi: number, kc: number): void {
    const pa = PACK_A, pb = PACK_B;
    let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
    let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
    let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
    let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
    for (let p = 0; p < kc; p = (p + 1) | 0) {
      const a0 = pa[ai], a1 = pa[(ai + 1) | 0], a2 = pa[(ai + 2) | 0], a3 = pa[(ai + 3) | 0];
      let bv = pb[bi];
      c00 += a0 * bv; c10 += a1 * bv; c20 += a2 * bv; c30 += a3 * bv;
      bv = pb[(bi + 1) | 0];
      c01 += a0 * bv; c11 += a1 * bv; c21 += a2 * bv; c31 += a3 * bv;
      bv = pb[(bi + 2) | 0];
      c02 += a0 * bv; c12 += a1 * bv; c22 += a2 * bv; c32 += a3 * bv;
      bv = pb[(bi + 3) | 0];
      c03 += a0 * bv; c13 += a1 * bv; c23 += a2 * bv; c33 += a3 * bv;
      ai = (ai + 4) | 0; // MR (literals keep the hot loop free of context loads)
      bi = (bi + 4) | 0; // NR
    }
    const t = TILE;
    t[0] = c00; t[1] = c01; t[2] = c02; t[3] = c03;
    t[4] = c10; t[5] = c11; t[6] = c12; t[7] = c13;
    t[8] = c20; t[9] = c21; t[10] = c22; t[11] = c23;
    t[12] = c30; t[13] = c31; t[14] = c32; t[15] = c33;
  }

  /** Writes (first k-block) or adds TILE into out[ci + r·ldc + c], r, c < 4. */
  function storeTile(out: FloatArray, ci: number, ldc: number, overwrite: boolean): void {
    const t = TILE;
    const o0 = ci, o1 = ci + ldc, o2 = o1 + ldc, o3 = o2 + ldc;
    if (overwrite) {
      out[o0] = t[0]; out[o0 + 1] = t[1]; out[o0 + 2] = t[2]; out[o0 + 3] = t[3];
      out[o1] = t[4]; out[o1 + 1] = t[5]; out[o1 + 2] = t[6]; out[o1 + 3] = t[7];
      out[o2] = t[8]; out[o2 + 1] = t[9]; out[o2 + 2] = t[10]; out[o2 + 3] = t[11];
      out[o3] = t[12]; out[o3 + 1] = t[13]; out[o3 + 2] = t[14]; out[o3 + 3] = t[15];
    } else {
      out[o0] += t[0]; out[o0 + 1] += t[1]; out[o0 + 2] += t[2]; out[o0 + 3] += t[3];
      out[o1] += t[4]; out[o1 + 1] += t[5]; out[o1 + 2] += t[6]; out[o1 + 3] += t[7];
      out[o2] += t[8]; out[o2 + 1] += t[9]; out[o2 + 2] += t[10]; out[o2 + 3] += t[11];
      out[o3] += t[12]; out[o3 + 1] += t[13]; out[o3 + 2] += t[14]; out[o3 + 3] += t[15];
    }
  }

  /** storeTile for an edge tile: only the first mr rows and nr columns are inside C. */
  function storeEdge(out: FloatArray, ci: number, ldc: number, mr: number, nr: number, overwrite: boolean): void {
    const t = TILE;
    for (let r = 0; r < mr; r++) {
      const o = ci + r * ldc;
      if (overwrite) for (let c = 0; c < nr; c++) out[o + c] = t[r * NR + c];
      else for (let c = 0; c < nr; c++) out[o + c] += t[r * NR + c];
    }
  }
}
