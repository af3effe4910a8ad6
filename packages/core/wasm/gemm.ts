/**
 * WebAssembly SIMD GEMM (AssemblyScript): C = op(A) · op(B), one product per call, in float32 (`gemm`)
 * or float64 (`gemm64`). Both are the one generic driver below, instantiated for f32 and f64.
 *
 * Compiled twice by packages/core/scripts/build_wasm.mjs (see BUILDS there), both importing their memory:
 * gemm_module.ts for one thread (ordinary memory) and gemm_shared_module.ts for the worker pool (shared
 * memory, `--enable threads`). The loader, packages/core/src/kernels/wasm/gemm.ts, copies the operands
 * into that memory, calls `gemm` / `gemm64` (split over threads by kernels/wasm/pool.ts when big
 * enough) and copies C out. The kernel itself uses no atomics: threads synchronise in JS.
 *
 * Design (KERNELS.md §1–§2). Measured here (Node 20, one thread, operands already in wasm memory,
 * quiet phases of this VM): float32 52–55 GFLOP/s at n = 256…1024, about 90 % of what 128-bit mul + add
 * can issue; the inner loop is 25 instructions per k step (6 loads, 16 FP, 3 integer), see `micro`.
 * float64 runs the same loop on f64x2, so half the multiply-adds per instruction.
 * - The micro-tile is 4 rows × two vectors: 4×8 in float32 (f32x4), 4×4 in float64 (f64x2); 8
 *   accumulators. Each k step loads the tile's B values with two `v128.load`, splats each of the 4 A
 *   values (`v128.load32_splat` / `load64_splat`), and does 8 mul + 8 add (no relaxed SIMD: it needs a
 *   flag in Node 20 and gained 0–3 %). More accumulators (5×8, 6×8) spill in V8 and run at half speed.
 * - GotoBLAS blocking: jc (NC columns of op(B)) → pc (KC-deep k-blocks; pack the KC×NC block of
 *   op(B) into NR-wide k-major panels) → ic (MC rows of op(A); pack the MC×KC block into 4-row
 *   k-major panels) → jr (NR columns) → ir (4 rows) → micro-kernel. One KC×NR B panel (8 KiB) stays
 *   in L1 while the 72×KC A block (72 KiB in float32) streams from L2.
 * - Packing reads op(A) / op(B) through (row stride, column stride), so transposed operands
 *   (Aᵀ·B, A·Bᵀ, Aᵀ·Bᵀ) cost nothing extra and no transpose is materialised. op(A) = Aᵀ with n ≤ 4
 *   panels is not packed at all: its panels are already in A (see inPlaceA in gemmOf); nor is a row-major op(B)
 *   with n ≤ 4 panels (inPlaceB), so the pool can cut such products into many row tasks that repack nothing. Panels past the
 *   edge of the matrix are padded with zeros, so the micro-kernel always runs the full tile;
 *   edge tiles are written through a 128-byte scratch tile, only their valid part reaching C.
 * - float32 only: when C's last B panel has only 1–4 real columns (n mod 8 ∈ 1…4, e.g. n = 25 or 10), it
 *   runs on a narrow 16×2 tile (`microNarrow`: four A panels × two columns, A loaded as vectors, B
 *   splatted) rather than on full 4×8 tiles that are mostly zero padding: a 5000×400×25 product takes
 *   2.4–2.6 ms on one thread instead of 3.0. Same summation order, so the results are bit-identical.
 * - The first k-block overwrites C, later ones add to it, so C needs no clearing; k = 0 zero-fills C.
 * - Block sizes as KERNELS.md found them; re-measured here with no gain from NC ∈ {256, 512, 1024},
 *   MC ∈ {48, 96, 144} or KC ∈ {128, 384, 512}. k is split into equal blocks of at most KC. In
 *   float64, NC is halved so that the packed B block keeps its 2 MiB.
 *
 * Memory: the module has only its static data, up to dataEnd(); everything else belongs to the caller,
 * who passes operand pointers and a private scratch block (pack A | pack B | edge tile, scratchBytes())
 * to each call, one per thread. The module allocates nothing.
 */

/** Micro-tile rows (A panel height). */
const MR: i32 = 4;
/** k-block depth. */
const KC: i32 = 256;
/** Rows of op(A) per packed block (multiple of MR). */
const MC: i32 = 72;
/** Bytes of one packed B block (KC·NC elements): NC = 2048 columns in float32, 1024 in float64. */
const PACK_B_BYTES: usize = 2 << 20;
/** Rows of the narrow tile (four A panels), used for the last columns of C when 1–4 of them are left. */
const NM: i32 = 16;
/**
 * Bytes of the pack-A block: MC rows of float64, or in float32 MC rows rounded up to whole narrow
 * tiles (zero panels pad it), whichever is larger.
 */
const PACK_A_BYTES: usize = <usize>max(MC * KC * 8, (MC + NM - 1) / NM * NM * KC * 4);
/** Bytes of the edge tile: 4×8 float32, 4×4 float64, or the 16×2 narrow float32 tile. */
const TILE_BYTES: usize = 128;

/** First byte after this module's static data, 64-byte aligned: the caller's memory starts here. */
export function dataEnd(): usize {
  return (__heap_base + 63) & ~(<usize>63);
}

/**
 * Bytes of scratch one gemm call needs (pack A | pack B | edge tile), a multiple of 64. Each thread
 * calling gemm or gemm64 at the same time passes its own scratch block.
 */
export function scratchBytes(): usize {
  return (PACK_A_BYTES + PACK_B_BYTES + TILE_BYTES + 63) & ~(<usize>63);
}

/**
 * float32 C = op(A) · op(B), overwritten; op(A) is m×k, op(B) k×n, C m×n with rows ldc elements apart.
 * Element (i, p) of op(A) is the float at a + (i·ars + p·acs)·4, element (p, j) of op(B) the float at
 * b + (p·brs + j·bcs)·4, so transposed operands and sub-blocks (one thread's rows or columns) are only
 * other strides. Pointers are byte addresses in linear memory (4-byte aligned); `scratch` is
 * scratchBytes() bytes, 64-aligned, used by this call alone. `bias`: 0, or the address of n values
 * added to every row of C after the product, each as its own rounded addition — C = (op(A)·op(B)) + bias,
 * bit for bit a product followed by a broadcast add.
 */
export function gemm(a: usize, ars: usize, acs: usize, b: usize, brs: usize, bcs: usize, c: usize, ldc: usize,
  m: i32, k: i32, n: i32, scratch: usize, bias: usize): void {
  gemmOf<f32>(a, ars, acs, b, brs, bcs, c, ldc, m, k, n, scratch, bias);
}

/** float64 `gemm`: the same contract with 8-byte elements (pointers 8-byte aligned, strides in elements). */
export function gemm64(a: usize, ars: usize, acs: usize, b: usize, brs: usize, bcs: usize, c: usize, ldc: usize,
  m: i32, k: i32, n: i32, scratch: usize, bias: usize): void {
  gemmOf<f64>(a, ars, acs, b, brs, bcs, c, ldc, m, k, n, scratch, bias);
}

// ── the vector arithmetic of element type T (f32 or f64): each folds to one instruction ──

@inline function vmul<T>(x: v128, y: v128): v128 {
  if (sizeof<T>() == 4) return f32x4.mul(x, y);
  return f64x2.mul(x, y);
}
@inline function vadd<T>(x: v128, y: v128): v128 {
  if (sizeof<T>() == 4) return f32x4.add(x, y);
  return f64x2.add(x, y);
}

/** The generic driver (see the header): T is f32 or f64, E its size in bytes, NR = 32 / E columns per B panel. */
@inline function gemmOf<T>(a: usize, ars: usize, acs: usize, b: usize, brs: usize, bcs: usize, c: usize, ldc: usize,
  m: i32, k: i32, n: i32, scratch: usize, bias: usize): void {
  const E = <usize>sizeof<T>();
  const NR = <i32>(32 / E);
  const NC = <i32>(PACK_B_BYTES / (<usize>KC * E));
  if (m <= 0 || n <= 0) return;
  const ldcb = ldc * E;
  if (k <= 0) {
    for (let i = 0; i < m; i++) {
      const ci = c + <usize>i * ldcb;
      memory.fill(ci, 0, <usize>n * E);
      if (bias != 0) for (let j = 0; j < n; j++) store<T>(ci + <usize>j * E, <T>0 + load<T>(bias + <usize>j * E));
    }
    return;
  }
  // Equal k-blocks of at most KC (k = 300 → 2 × 150 rather than 256 + 44).
  const nkb = (k + KC - 1) / KC;
  const kcb = (k + nkb - 1) / nkb;
  const pa = scratch;
  const pb = scratch + PACK_A_BYTES;
  const tile = pb + PACK_B_BYTES;
  // float32: when the last B panel has 1–4 real columns (n = 25: 3 full panels and one column), it runs
  // on the narrow 16×2 tile instead of a full 4×8 tile that would be mostly padding; A blocks then get
  // zero panels up to whole 16-row tiles.
  const narrowTail = E == 4 && (n & (NR - 1)) != 0 && (n & (NR - 1)) <= NR / 2;
  // op(A) = Aᵀ (ars = 1) and few B panels (n ≤ 4 panels, e.g. the weight gradient Xᵀ·dZ of a narrow layer):
  // a k step of an A panel is already 4 adjacent elements of A, so the tiles read A where it is, acs apart,
  // instead of packing it. Packing would be copied for only ≤ 4 panels' use: 10–13 % of a 400×5000×25
  // product. Edge tiles then read up to 15 elements past their last row (the caller leaves 64 bytes of
  // slack after every operand); those lanes only reach tile rows that are never stored.
  const inPlaceA = ars == 1 && n <= 4 * NR;
  const aStep = inPlaceA ? acs * E : E * 4;
  // Row-major op(B) (bcs = 1) with few panels (n ≤ 4 panels): a k step of a B panel is already NR adjacent
  // elements of B, so the tiles read B where it is, brs apart, instead of packing it — and a product cut into
  // many row tasks (pool.ts: cutTasks) repacks nothing per task. Edge panels read up to NR − 1 elements past
  // a row's end (the next row, or the caller's 64 bytes of slack after the last), into tile columns never stored.
  const inPlaceB = bcs == 1 && n <= 4 * NR;
  const bStep = inPlaceB ? brs * E : <usize>NR * E;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += kcb) {
      const kc = min(kcb, k - pc);
      const first = pc == 0;
      // The bias joins in the last k-block's stores (0: none, or not the last block).
      const lastBias = bias != 0 && pc + kc >= k ? bias + <usize>jc * E : 0;
      const bb = b + (<usize>pc * brs + <usize>jc * bcs) * E;
      if (!inPlaceB) packB<T>(bb, brs, bcs, kc, nc, pb);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        const ab = a + (<usize>ic * ars + <usize>pc * acs) * E;
        if (!inPlaceA) {
          packA<T>(ab, ars, acs, mc, kc, pa);
          if (narrowTail) zeroPanels(pa, mc, kc);
        }
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          // packed: panel jr/NR starts at (jr/NR)·kc·NR elements
          const bp = inPlaceB ? bb + <usize>jr * E : pb + <usize>jr * <usize>kc * E;
          const cj = c + (<usize>ic * ldc + <usize>(jc + jr)) * E;
          const bj = lastBias != 0 ? lastBias + <usize>jr * E : 0;
          if (E == 4 && nr <= NR / 2) {
            for (let ir = 0; ir < mc; ir += NM) {
              const ap = inPlaceA ? ab + (<usize>ir << 2) : pa + ((<usize>ir * <usize>kc) << 2);
              const mr = min(NM, mc - ir);
              for (let j = 0; j < nr; j += 2) {
                microNarrow(ap, inPlaceA ? 16 : <usize>kc << 4, aStep, bp + (<usize>j << 2), bStep, kc, cj + <usize>ir * ldcb + (<usize>j << 2), ldcb, mr, min(2, nr - j), first,
                  bj != 0 ? bj + (<usize>j << 2) : 0, tile);
              }
            }
            continue;
          }
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            // packed: panel ir/MR starts at (ir/MR)·kc·MR elements
            const ap = inPlaceA ? ab + <usize>ir * E : pa + <usize>ir * <usize>kc * E;
            micro<T>(ap, aStep, bp, bStep, kc, cj + <usize>ir * ldcb, ldcb, mr, nr, first, bj, tile);
          }
        }
      }
    }
  }
}

/**
 * The 4×NR register tile: acc = A panel (kc×4, k-major; consecutive k steps `as` bytes apart: 4·E when
 * packed, A's column stride when read in place) · B panel (kc×NR, k-major); then C = acc (first k-block)
 * or C += acc, then C += the tile's NR bias values when `bias` ≠ 0 (the last k-block only), each a
 * separate rounded addition; ldc is C's row stride in bytes. Only the first mr rows and nr columns of
 * the tile are inside C: those tiles go through the scratch tile `t`.
 *
 * Measured choices (V8 in Node 20, interleaved runs at n = 512, tensors in wasm memory):
 * - @inline (into gemm): ~49–52 GFLOP/s, against ~41 as a called function.
 * - The k loop is left rolled (V8 unrolls it once itself): unrolling it 2× or 4× in the source made V8
 *   hoist all the loads, spill accumulators to the stack and drop to ~32 GFLOP/s.
 * - A panels pre-broadcast to 4 lanes (plain v128.load instead of load32_splat) measured the same.
 */
@inline function micro<T>(ap: usize, as: usize, bp: usize, bs: usize, kc: i32, cp: usize, ldc: usize, mr: i32, nr: i32, first: bool, bias: usize, t: usize): void {
  const E = <usize>sizeof<T>();
  const NR = <i32>(32 / E);
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const end = bp + <usize>kc * bs;
  while (bp < end) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    const a0 = sizeof<T>() == 4 ? v128.load32_splat(ap) : v128.load64_splat(ap);
    c00 = vadd<T>(c00, vmul<T>(a0, b0));
    c01 = vadd<T>(c01, vmul<T>(a0, b1));
    const a1 = sizeof<T>() == 4 ? v128.load32_splat(ap, 4) : v128.load64_splat(ap, 8);
    c10 = vadd<T>(c10, vmul<T>(a1, b0));
    c11 = vadd<T>(c11, vmul<T>(a1, b1));
    const a2 = sizeof<T>() == 4 ? v128.load32_splat(ap, 8) : v128.load64_splat(ap, 16);
    c20 = vadd<T>(c20, vmul<T>(a2, b0));
    c21 = vadd<T>(c21, vmul<T>(a2, b1));
    const a3 = sizeof<T>() == 4 ? v128.load32_splat(ap, 12) : v128.load64_splat(ap, 24);
    c30 = vadd<T>(c30, vmul<T>(a3, b0));
    c31 = vadd<T>(c31, vmul<T>(a3, b1));
    ap += as;
    bp += bs;
  }
  if (mr == MR && nr == NR) {
    const c1 = cp + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
    if (!first) {
      c00 = vadd<T>(v128.load(cp), c00); c01 = vadd<T>(v128.load(cp, 16), c01);
      c10 = vadd<T>(v128.load(c1), c10); c11 = vadd<T>(v128.load(c1, 16), c11);
      c20 = vadd<T>(v128.load(c2), c20); c21 = vadd<T>(v128.load(c2, 16), c21);
      c30 = vadd<T>(v128.load(c3), c30); c31 = vadd<T>(v128.load(c3, 16), c31);
    }
    if (bias != 0) {
      const b0 = v128.load(bias), b1 = v128.load(bias, 16);
      c00 = vadd<T>(c00, b0); c01 = vadd<T>(c01, b1);
      c10 = vadd<T>(c10, b0); c11 = vadd<T>(c11, b1);
      c20 = vadd<T>(c20, b0); c21 = vadd<T>(c21, b1);
      c30 = vadd<T>(c30, b0); c31 = vadd<T>(c31, b1);
    }
    v128.store(cp, c00); v128.store(cp, c01, 16);
    v128.store(c1, c10); v128.store(c1, c11, 16);
    v128.store(c2, c20); v128.store(c2, c21, 16);
    v128.store(c3, c30); v128.store(c3, c31, 16);
  } else {
    // t holds the tile row by row (NR elements = 32 bytes per row).
    v128.store(t, c00); v128.store(t, c01, 16);
    v128.store(t, c10, 32); v128.store(t, c11, 48);
    v128.store(t, c20, 64); v128.store(t, c21, 80);
    v128.store(t, c30, 96); v128.store(t, c31, 112);
    for (let r = 0; r < mr; r++) {
      const src = t + (<usize>r << 5);
      const dst = cp + <usize>r * ldc;
      for (let j = 0; j < nr; j++) {
        const o = <usize>j * E;
        const v = first ? load<T>(src + o) : load<T>(dst + o) + load<T>(src + o);
        store<T>(dst + o, bias != 0 ? v + load<T>(bias + o) : v);
      }
    }
  }
}

/**
 * The narrow float32 tile for C's last 1–2 columns: 16 rows (four A panels, `ps` bytes apart, k steps `as` bytes apart) × 2 columns
 * (lanes j, j + 1 of the B panel at `bp`), 8 accumulators as in `micro`. Each accumulator holds one
 * column of a 4-row panel, so A is read as vectors and B splatted. Every element is summed over k in
 * the same order, with the same separate multiply and add, as in `micro`: results are bit-identical
 * whichever tile computes them, and the bias (`bias` ≠ 0: the tile's first column's value) is added as there.
 * The first mr rows and nr columns are written through the scratch tile t.
 */
@inline function microNarrow(ap: usize, ps: usize, as: usize, bp: usize, bs: usize, kc: i32, cp: usize, ldc: usize, mr: i32, nr: i32, first: bool,
  bias: usize, t: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const end = bp + <usize>kc * bs;
  while (bp < end) {
    const b0 = v128.load32_splat(bp);
    const b1 = v128.load32_splat(bp, 4);
    const a0 = v128.load(ap);
    c00 = f32x4.add(c00, f32x4.mul(a0, b0));
    c01 = f32x4.add(c01, f32x4.mul(a0, b1));
    const a1 = v128.load(ap + ps);
    c10 = f32x4.add(c10, f32x4.mul(a1, b0));
    c11 = f32x4.add(c11, f32x4.mul(a1, b1));
    const a2 = v128.load(ap + (ps << 1));
    c20 = f32x4.add(c20, f32x4.mul(a2, b0));
    c21 = f32x4.add(c21, f32x4.mul(a2, b1));
    const a3 = v128.load(ap + ps * 3);
    c30 = f32x4.add(c30, f32x4.mul(a3, b0));
    c31 = f32x4.add(c31, f32x4.mul(a3, b1));
    ap += as;
    bp += bs;
  }
  // t holds column 0 of rows 0–15, then column 1 of rows 0–15.
  v128.store(t, c00); v128.store(t, c10, 16); v128.store(t, c20, 32); v128.store(t, c30, 48);
  v128.store(t, c01, 64); v128.store(t, c11, 80); v128.store(t, c21, 96); v128.store(t, c31, 112);
  for (let j = 0; j < nr; j++) {
    const src = t + (<usize>(j * NM) << 2);
    const dst = cp + (<usize>j << 2);
    const bv = bias != 0 ? load<f32>(bias + (<usize>j << 2)) : 0;
    for (let r = 0; r < mr; r++) {
      const d = dst + <usize>r * ldc;
      const v = first ? load<f32>(src + (<usize>r << 2)) : load<f32>(d) + load<f32>(src + (<usize>r << 2));
      store<f32>(d, bias != 0 ? v + bv : v);
    }
  }
}

/** Zero-fills the packed float32 A block's panels from row mc up to whole NM-row narrow tiles. */
function zeroPanels(pa: usize, mc: i32, kc: i32): void {
  const from = (mc + MR - 1) / MR * MR;
  const to = (mc + NM - 1) / NM * NM;
  if (to > from) memory.fill(pa + ((<usize>from * <usize>kc) << 2), 0, (<usize>(to - from) * <usize>kc) << 2);
}

/**
 * Packs the mc×kc block of op(A) at `src` (element (i, p) at src + (i·rs + p·cs)·E) into MR-row
 * k-major panels at `dst`: dst[(i/MR)·kc·MR + p·MR + i%MR] = op(A)[i, p]; rows past mc are zero.
 */
function packA<T>(src: usize, rs: usize, cs: usize, mc: i32, kc: i32, dst: usize): void {
  const E = <usize>sizeof<T>();
  const L = <i32>(16 / E); // elements per vector
  const rsb = rs * E, csb = cs * E;
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const rows = min(MR, mc - i0);
    let s = src + <usize>i0 * rsb;
    if (rows == MR && rs == 1) {
      // op(A) = Aᵀ: the 4 values of one k step are adjacent (one vector in float32, two in float64).
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(s));
        if (E == 8) v128.store(dst, v128.load(s, 16), 16);
        s += csb;
        dst += E * 4;
      }
    } else if (rows == MR && cs == 1) {
      // Row-major A: 4 rows read one vector (L k steps) at a time and transposed in registers.
      let p = 0;
      for (; p + L <= kc; p += L) {
        transposeRows<T>(s, rsb, dst, E * 4);
        s += 16;
        dst += 64;
      }
      for (; p < kc; p++) {
        for (let r = 0; r < MR; r++) store<T>(dst + <usize>r * E, load<T>(s + <usize>r * rsb));
        s += E;
        dst += E * 4;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < MR; r++) {
          store<T>(dst + <usize>r * E, r < rows ? load<T>(s + <usize>r * rsb) : <T>0);
        }
        s += csb;
        dst += E * 4;
      }
    }
  }
}

/**
 * Packs the kc×nc block of op(B) at `src` (element (p, j) at src + (p·rs + j·cs)·E) into NR-wide
 * k-major panels at `dst`: dst[(j/NR)·kc·NR + p·NR + j%NR] = op(B)[p, j]; columns past nc are zero.
 */
function packB<T>(src: usize, rs: usize, cs: usize, kc: i32, nc: i32, dst: usize): void {
  const E = <usize>sizeof<T>();
  const NR = <i32>(32 / E);
  const L = <i32>(16 / E);
  const rsb = rs * E, csb = cs * E;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const cols = min(NR, nc - j0);
    let s = src + <usize>j0 * csb;
    if (cols == NR && cs == 1) {
      // Row-major B: the NR values (32 bytes) of one k step are adjacent.
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(s));
        v128.store(dst, v128.load(s, 16), 16);
        s += rsb;
        dst += 32;
      }
    } else if (cols == NR && rs == 1) {
      // op(B) = Bᵀ: NR rows of B read one vector (L k steps) at a time, transposed in groups of 4 rows.
      const g4 = csb << 2;
      let p = 0;
      for (; p + L <= kc; p += L) {
        transposeRows<T>(s, csb, dst, 32);
        if (E == 4) transposeRows<T>(s + g4, csb, dst + 16, 32);
        s += 16;
        dst += 32 * L;
      }
      for (; p < kc; p++) {
        for (let j = 0; j < NR; j++) store<T>(dst + <usize>j * E, load<T>(s + <usize>j * csb));
        s += E;
        dst += 32;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let j = 0; j < NR; j++) {
          store<T>(dst + <usize>j * E, j < cols ? load<T>(s + <usize>j * csb) : <T>0);
        }
        s += rsb;
        dst += 32;
      }
    }
  }
}

/**
 * Reads 4 rows of one vector each (at s, s + ls, s + 2·ls, s + 3·ls: L = 16 / E elements, i.e. L k steps)
 * and writes them k step by k step: step q's 4 elements (one per row) at d + q·ld. In float32 that is a
 * 4×4 transpose; in float64 two 2×2 transposes per step pair.
 */
@inline function transposeRows<T>(s: usize, ls: usize, d: usize, ld: usize): void {
  const v0 = v128.load(s), v1 = v128.load(s + ls), v2 = v128.load(s + (ls << 1)), v3 = v128.load(s + ls * 3);
  if (sizeof<T>() == 4) {
    const t0 = v128.shuffle<i32>(v0, v1, 0, 4, 1, 5);
    const t1 = v128.shuffle<i32>(v0, v1, 2, 6, 3, 7);
    const t2 = v128.shuffle<i32>(v2, v3, 0, 4, 1, 5);
    const t3 = v128.shuffle<i32>(v2, v3, 2, 6, 3, 7);
    v128.store(d, v128.shuffle<i32>(t0, t2, 0, 1, 4, 5));
    v128.store(d + ld, v128.shuffle<i32>(t0, t2, 2, 3, 6, 7));
    v128.store(d + (ld << 1), v128.shuffle<i32>(t1, t3, 0, 1, 4, 5));
    v128.store(d + ld * 3, v128.shuffle<i32>(t1, t3, 2, 3, 6, 7));
  } else {
    v128.store(d, v128.shuffle<i64>(v0, v1, 0, 2));
    v128.store(d, v128.shuffle<i64>(v2, v3, 0, 2), 16);
    v128.store(d + ld, v128.shuffle<i64>(v0, v1, 1, 3));
    v128.store(d + ld, v128.shuffle<i64>(v2, v3, 1, 3), 16);
  }
}
