/**
 * Fused optimizer updates in WebAssembly SIMD (AssemblyScript), float32 storage, float64 arithmetic.
 *
 * Compiled by packages/core/scripts/build_wasm.mjs with
 *   asc optim.ts -O3 --runtime stub --enable simd --noAssert
 * into packages/core/src/kernels/wasm/optim_module.ts (base64). The loader is
 * packages/core/src/kernels/wasm/optim.ts: it copies a chunk of each array (parameter, gradient,
 * state) into the fixed buffers of this module, calls one function here, and copies the updated
 * chunks back.
 *
 * Numerics: every element is promoted to f64 (f64x2.promote_low_f32x4), the update is computed in
 * f64x2 with exactly the operations, in exactly the order, of the TS reference
 * (src/kernels/ts/optim.ts, which computes in float64 and rounds once per stored value), and each
 * stored value is rounded once (f32x4.demote_f64x2_zero). IEEE add/sub/mul/div/sqrt are correctly
 * rounded in both, so the results are bit-for-bit those of the TS kernels.
 *
 * Why not f32x4 arithmetic: an f32x4 Adam ran the update itself at 0.7 ns/element (this f64x2 one:
 * 2.1, bound by f64x2.div/sqrt), but its different rounding moved the W2 benchmark's check value
 * (check_loss_last 0.00290916 → 0.00290917). Replacing Adam's √v/√bc2 by √v·(1/√bc2) in f64 would
 * run at 1.6 ns and changed none of 58 M sampled float32 updates, but is not exact in general, so
 * the division stays.
 *
 * Each loop handles 2 elements per f64x2 (64-bit loads/stores, `v128.load64_zero` /
 * `v128.store64_lane`), unrolled twice. n is rounded up to a multiple of 4: the loader's buffers
 * hold whole groups, and the lanes past n are scratch that is never copied out.
 *
 * Hyperparameters arrive as f64 per call (derived ones, such as 1 − β, computed by the loader
 * exactly as the TS kernel computes them). Options fixed for a whole call (amsgrad, nesterov,
 * lecture, first step, momentum buffer, centered, ε inside) select a specialised loop: each loop
 * body is an @inline function instantiated with constant flags, so no flag is tested per element.
 *
 * Memory layout: [static data | bufBase() (64-aligned): the loader's buffers]. The module allocates
 * nothing; the loader grows memory to hold its buffers.
 */

/** First byte the loader may use for its buffers (64-byte aligned). */
export function bufBase(): usize {
  return (__heap_base + 63) & ~(<usize>63);
}

// ── f32 ↔ f64 pairs ──────────────────────────────────────────────────────

/** Two floats at ptr + 4i, promoted to f64x2. */
@inline function ld(ptr: usize, i: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(ptr + (i << 2)));
}

/** Rounds an f64x2 to two floats stored at ptr + 4i. */
@inline function st(ptr: usize, i: usize, x: v128): void {
  v128.store64_lane(ptr + (i << 2), f32x4.demote_f64x2_zero(x), 0);
}

@inline function sp(x: f64): v128 {
  return f64x2.splat(x);
}

/** a > b ? a : b (NaN: b), as the TS kernels' `a > b ? a : b`. */
@inline function gtSelect(a: v128, b: v128): v128 {
  return v128.bitselect(a, b, f64x2.gt(a, b));
}

/** Rounds n up to a multiple of 4 (the loops run 2 pairs per iteration). */
@inline function groups(n: i32): usize {
  return <usize>((n + 3) & ~3);
}

// ── scale ────────────────────────────────────────────────────────────────

/** p ← p·factor. */
export function scale(n: i32, p: usize, factor: f64): void {
  const f = sp(factor);
  const end = groups(n);
  for (let i: usize = 0; i < end; i += 4) {
    st(p, i, f64x2.mul(ld(p, i), f));
    st(p, i + 2, f64x2.mul(ld(p, i + 2), f));
  }
}

// ── SGD ──────────────────────────────────────────────────────────────────

@inline function sgdPlainPair(i: usize, p: usize, g: usize, vlr: v128, vwd: v128): void {
  const pi = ld(p, i);
  st(p, i, f64x2.sub(pi, f64x2.mul(vlr, f64x2.add(ld(g, i), f64x2.mul(vwd, pi)))));
}

/** Plain SGD (no momentum buffer): p −= lr·(g + wd·p). */
export function sgdPlain(n: i32, p: usize, g: usize, lr: f64, wd: f64): void {
  const vlr = sp(lr), vwd = sp(wd);
  const end = groups(n);
  for (let i: usize = 0; i < end; i += 4) {
    sgdPlainPair(i, p, g, vlr, vwd);
    sgdPlainPair(i + 2, p, g, vlr, vwd);
  }
}

@inline function sgdPair(i: usize, p: usize, g: usize, buf: usize, vlr: v128, vmom: v128, vkeep: v128, vwd: v128,
  lecture: bool, first: bool, nesterov: bool): void {
  const pi = ld(p, i);
  const d = f64x2.add(ld(g, i), f64x2.mul(vwd, pi));
  if (lecture) {
    // b = first ? lr·d : μ·buf + lr·d; p −= nesterov ? μ·b + lr·d : b
    const b = first ? f64x2.mul(vlr, d) : f64x2.add(f64x2.mul(vmom, ld(buf, i)), f64x2.mul(vlr, d));
    st(buf, i, b);
    st(p, i, f64x2.sub(pi, nesterov ? f64x2.add(f64x2.mul(vmom, b), f64x2.mul(vlr, d)) : b));
  } else {
    // b = first ? d : μ·buf + (1−τ)·d; p −= lr·(nesterov ? d + μ·b : b)
    const b = first ? d : f64x2.add(f64x2.mul(vmom, ld(buf, i)), f64x2.mul(vkeep, d));
    st(buf, i, b);
    st(p, i, f64x2.sub(pi, f64x2.mul(vlr, nesterov ? f64x2.add(d, f64x2.mul(vmom, b)) : b)));
  }
}

@inline function sgdLoop(n: i32, p: usize, g: usize, buf: usize, lr: f64, mom: f64, keep: f64, wd: f64,
  lecture: bool, first: bool, nesterov: bool): void {
  const vlr = sp(lr), vmom = sp(mom), vkeep = sp(keep), vwd = sp(wd);
  const end = groups(n);
  for (let i: usize = 0; i < end; i += 4) {
    sgdPair(i, p, g, buf, vlr, vmom, vkeep, vwd, lecture, first, nesterov);
    sgdPair(i + 2, p, g, buf, vlr, vmom, vkeep, vwd, lecture, first, nesterov);
  }
}

/**
 * SGD with a momentum buffer (see OptimizerKernels.sgdStep). flags: 1 lecture, 2 first step, 4 nesterov.
 * keep = 1 − dampening.
 */
export function sgdMomentum(n: i32, p: usize, g: usize, buf: usize, lr: f64, mom: f64, keep: f64, wd: f64, flags: i32): void {
  switch (flags & 7) {
    case 0: sgdLoop(n, p, g, buf, lr, mom, keep, wd, false, false, false); break;
    case 1: sgdLoop(n, p, g, buf, lr, mom, keep, wd, true, false, false); break;
    case 2: sgdLoop(n, p, g, buf, lr, mom, keep, wd, false, true, false); break;
    case 3: sgdLoop(n, p, g, buf, lr, mom, keep, wd, true, true, false); break;
    case 4: sgdLoop(n, p, g, buf, lr, mom, keep, wd, false, false, true); break;
    case 5: sgdLoop(n, p, g, buf, lr, mom, keep, wd, true, false, true); break;
    case 6: sgdLoop(n, p, g, buf, lr, mom, keep, wd, false, true, true); break;
    default: sgdLoop(n, p, g, buf, lr, mom, keep, wd, true, true, true); break;
  }
}

// ── Adam ─────────────────────────────────────────────────────────────────

@inline function adamPair(i: usize, p: usize, g: usize, m: usize, v: usize, vMax: usize, vb1: v128, va1: v128, vb2: v128,
  va2: v128, vstep: v128, vsq: v128, veps: v128, vwd: v128, ams: bool): void {
  const pi = ld(p, i);
  const d = f64x2.add(ld(g, i), f64x2.mul(vwd, pi));
  const mi = f64x2.add(f64x2.mul(vb1, ld(m, i)), f64x2.mul(va1, d));
  let vi = f64x2.add(f64x2.mul(vb2, ld(v, i)), f64x2.mul(f64x2.mul(va2, d), d));
  st(m, i, mi);
  st(v, i, vi);
  if (ams) {
    // TS: if (vi < vMax) vi = vMax; else vMax = vi.
    const mx = ld(vMax, i);
    vi = v128.bitselect(mx, vi, f64x2.lt(vi, mx));
    st(vMax, i, vi);
  }
  // p −= (stepSize·m) / (√v / √bc2 + ε)
  st(p, i, f64x2.sub(pi, f64x2.div(f64x2.mul(vstep, mi), f64x2.add(f64x2.div(f64x2.sqrt(vi), vsq), veps))));
}

@inline function adamLoop(n: i32, p: usize, g: usize, m: usize, v: usize, vMax: usize, beta1: f64, a1: f64, beta2: f64, a2: f64,
  stepSize: f64, sqrtBc2: f64, eps: f64, wd: f64, ams: bool): void {
  const vb1 = sp(beta1), va1 = sp(a1), vb2 = sp(beta2), va2 = sp(a2), vstep = sp(stepSize), vsq = sp(sqrtBc2), veps = sp(eps), vwd = sp(wd);
  const end = groups(n);
  for (let i: usize = 0; i < end; i += 4) {
    adamPair(i, p, g, m, v, vMax, vb1, va1, vb2, va2, vstep, vsq, veps, vwd, ams);
    adamPair(i + 2, p, g, m, v, vMax, vb1, va1, vb2, va2, vstep, vsq, veps, vwd, ams);
  }
}

/**
 * Adam (see OptimizerKernels.adamStep): a1 = 1 − β1, a2 = 1 − β2, stepSize = lr/bc1, sqrtBc2 = √bc2;
 * vMax = 0: no amsgrad.
 */
export function adam(n: i32, p: usize, g: usize, m: usize, v: usize, vMax: usize, beta1: f64, a1: f64, beta2: f64, a2: f64,
  stepSize: f64, sqrtBc2: f64, eps: f64, wd: f64): void {
  if (vMax == 0) adamLoop(n, p, g, m, v, 0, beta1, a1, beta2, a2, stepSize, sqrtBc2, eps, wd, false);
  else adamLoop(n, p, g, m, v, vMax, beta1, a1, beta2, a2, stepSize, sqrtBc2, eps, wd, true);
}

// ── Adamax ───────────────────────────────────────────────────────────────

@inline function adamaxPair(i: usize, p: usize, g: usize, m: usize, u: usize, vb1: v128, va1: v128, vb2: v128, vclr: v128,
  veps: v128, vwd: v128): void {
  const pi = ld(p, i);
  const d = f64x2.add(ld(g, i), f64x2.mul(vwd, pi));
  const mi = f64x2.add(f64x2.mul(vb1, ld(m, i)), f64x2.mul(va1, d));
  st(m, i, mi);
  const ui = gtSelect(f64x2.mul(vb2, ld(u, i)), f64x2.add(f64x2.abs(d), veps));
  st(u, i, ui);
  st(p, i, f64x2.sub(pi, f64x2.div(f64x2.mul(vclr, mi), ui)));
}

/** Adamax (see OptimizerKernels.adamaxStep): a1 = 1 − β1, clr = lr/bc1. */
export function adamax(n: i32, p: usize, g: usize, m: usize, u: usize, beta1: f64, a1: f64, beta2: f64, clr: f64, eps: f64, wd: f64): void {
  const vb1 = sp(beta1), va1 = sp(a1), vb2 = sp(beta2), vclr = sp(clr), veps = sp(eps), vwd = sp(wd);
  const end = groups(n);
  for (let i: usize = 0; i < end; i += 4) {
    adamaxPair(i, p, g, m, u, vb1, va1, vb2, vclr, veps, vwd);
    adamaxPair(i + 2, p, g, m, u, vb1, va1, vb2, vclr, veps, vwd);
  }
}

// ── NAdam ────────────────────────────────────────────────────────────────

@inline function nadamPair(i: usize, p: usize, g: usize, m: usize, v: usize, vcg: v128, vcm: v128, vb1: v128, va1: v128,
  vb2: v128, va2: v128, veps: v128, vwd: v128, vbc2: v128): void {
  const pi = ld(p, i);
  const d = f64x2.add(ld(g, i), f64x2.mul(vwd, pi));
  const mi = f64x2.add(f64x2.mul(vb1, ld(m, i)), f64x2.mul(va1, d));
  const vi = f64x2.add(f64x2.mul(vb2, ld(v, i)), f64x2.mul(f64x2.mul(va2, d), d));
  st(m, i, mi);
  st(v, i, vi);
  const denom = f64x2.add(f64x2.sqrt(f64x2.div(vi, vbc2)), veps);
  st(p, i, f64x2.sub(pi, f64x2.div(f64x2.add(f64x2.mul(vcg, d), f64x2.mul(vcm, mi)), denom)));
}

/** NAdam (see OptimizerKernels.nadamStep): a1 = 1 − β1, a2 = 1 − β2. */
export function nadam(n: i32, p: usize, g: usize, m: usize, v: usize, cg: f64, cm: f64, beta1: f64, a1: f64, beta2: f64, a2: f64,
  eps: f64, wd: f64, bc2: f64): void {
  const vcg = sp(cg), vcm = sp(cm), vb1 = sp(beta1), va1 = sp(a1), vb2 = sp(beta2), va2 = sp(a2), veps = sp(eps), vwd = sp(wd), vbc2 = sp(bc2);
  const end = groups(n);
  for (let i: usize = 0; i < end; i += 4) {
    nadamPair(i, p, g, m, v, vcg, vcm, vb1, va1, vb2, va2, veps, vwd, vbc2);
    nadamPair(i + 2, p, g, m, v, vcg, vcm, vb1, va1, vb2, va2, veps, vwd, vbc2);
  }
}

// ── Adagrad ──────────────────────────────────────────────────────────────

@inline function adagradPair(i: usize, p: usize, g: usize, sum: usize, vclr: v128, vwd: v128, veps: v128, epsInside: bool): void {
  const pi = ld(p, i);
  const d = f64x2.add(ld(g, i), f64x2.mul(vwd, pi));
  const s = f64x2.add(ld(sum, i), f64x2.mul(d, d));
  st(sum, i, s);
  const denom = epsInside ? f64x2.sqrt(f64x2.add(s, veps)) : f64x2.add(f64x2.sqrt(s), veps);
  st(p, i, f64x2.sub(pi, f64x2.div(f64x2.mul(vclr, d), denom)));
}

@inline function adagradLoop(n: i32, p: usize, g: usize, sum: usize, clr: f64, wd: f64, eps: f64, epsInside: bool): void {
  const vclr = sp(clr), vwd = sp(wd), veps = sp(eps);
  const end = groups(n);
  for (let i: usize = 0; i < end; i += 4) {
    adagradPair(i, p, g, sum, vclr, vwd, veps, epsInside);
    adagradPair(i + 2, p, g, sum, vclr, vwd, veps, epsInside);
  }
}

/** Adagrad (see OptimizerKernels.adagradStep). */
export function adagrad(n: i32, p: usize, g: usize, sum: usize, clr: f64, wd: f64, eps: f64, epsInside: i32): void {
  if (epsInside) adagradLoop(n, p, g, sum, clr, wd, eps, true);
  else adagradLoop(n, p, g, sum, clr, wd, eps, false);
}

// ── RMSProp ──────────────────────────────────────────────────────────────

@inline function rmspropPair(i: usize, p: usize, g: usize, v: usize, gAvg: usize, buf: usize, vlr: v128, valpha: v128, va1: v128,
  veps: v128, vwd: v128, vmom: v128, centered: bool, momentum: bool, epsInside: bool): void {
  const pi = ld(p, i);
  const d = f64x2.add(ld(g, i), f64x2.mul(vwd, pi));
  const vi = f64x2.add(f64x2.mul(valpha, ld(v, i)), f64x2.mul(f64x2.mul(va1, d), d));
  st(v, i, vi);
  let s = vi;
  if (centered) {
    const ga = f64x2.add(f64x2.mul(valpha, ld(gAvg, i)), f64x2.mul(va1, d));
    st(gAvg, i, ga);
    s = f64x2.sub(vi, f64x2.mul(ga, ga));
  }
  const denom = epsInside ? f64x2.sqrt(f64x2.add(s, veps)) : f64x2.add(f64x2.sqrt(s), veps);
  if (momentum) {
    const b = f64x2.add(f64x2.mul(vmom, ld(buf, i)), f64x2.div(d, denom));
    st(buf, i, b);
    st(p, i, f64x2.sub(pi, f64x2.mul(vlr, b)));
  } else {
    st(p, i, f64x2.sub(pi, f64x2.div(f64x2.mul(vlr, d), denom)));
  }
}

@inline function rmspropLoop(n: i32, p: usize, g: usize, v: usize, gAvg: usize, buf: usize, lr: f64, alpha: f64, a1: f64, eps: f64,
  wd: f64, mom: f64, centered: bool, momentum: bool, epsInside: bool): void {
  const vlr = sp(lr), valpha = sp(alpha), va1 = sp(a1), veps = sp(eps), vwd = sp(wd), vmom = sp(mom);
  const end = groups(n);
  for (let i: usize = 0; i < end; i += 4) {
    rmspropPair(i, p, g, v, gAvg, buf, vlr, valpha, va1, veps, vwd, vmom, centered, momentum, epsInside);
    rmspropPair(i + 2, p, g, v, gAvg, buf, vlr, valpha, va1, veps, vwd, vmom, centered, momentum, epsInside);
  }
}

/**
 * RMSProp (see OptimizerKernels.rmspropStep): a1 = 1 − α. flags: 1 centered (gAvg), 2 momentum buffer
 * (buf), 4 ε inside the root.
 */
export function rmsprop(n: i32, p: usize, g: usize, v: usize, gAvg: usize, buf: usize, lr: f64, alpha: f64, a1: f64, eps: f64,
  wd: f64, mom: f64, flags: i32): void {
  switch (flags & 7) {
    case 0: rmspropLoop(n, p, g, v, gAvg, buf, lr, alpha, a1, eps, wd, mom, false, false, false); break;
    case 1: rmspropLoop(n, p, g, v, gAvg, buf, lr, alpha, a1, eps, wd, mom, true, false, false); break;
    case 2: rmspropLoop(n, p, g, v, gAvg, buf, lr, alpha, a1, eps, wd, mom, false, true, false); break;
    case 3: rmspropLoop(n, p, g, v, gAvg, buf, lr, alpha, a1, eps, wd, mom, true, true, false); break;
    case 4: rmspropLoop(n, p, g, v, gAvg, buf, lr, alpha, a1, eps, wd, mom, false, false, true); break;
    case 5: rmspropLoop(n, p, g, v, gAvg, buf, lr, alpha, a1, eps, wd, mom, true, false, true); break;
    case 6: rmspropLoop(n, p, g, v, gAvg, buf, lr, alpha, a1, eps, wd, mom, false, true, true); break;
    default: rmspropLoop(n, p, g, v, gAvg, buf, lr, alpha, a1, eps, wd, mom, true, true, true); break;
  }
}

// ── Adadelta ─────────────────────────────────────────────────────────────

@inline function adadeltaPair(i: usize, p: usize, g: usize, v: usize, u: usize, vlr: v128, vrho: v128, vr1: v128, veps: v128, vwd: v128): void {
  const pi = ld(p, i);
  const d = f64x2.add(ld(g, i), f64x2.mul(vwd, pi));
  const vi = f64x2.add(f64x2.mul(vrho, ld(v, i)), f64x2.mul(f64x2.mul(vr1, d), d));
  st(v, i, vi);
  const ui = ld(u, i);
  const delta = f64x2.mul(f64x2.div(f64x2.sqrt(f64x2.add(ui, veps)), f64x2.sqrt(f64x2.add(vi, veps))), d);
  st(u, i, f64x2.add(f64x2.mul(vrho, ui), f64x2.mul(f64x2.mul(vr1, delta), delta)));
  st(p, i, f64x2.sub(pi, f64x2.mul(vlr, delta)));
}

/** Adadelta (see OptimizerKernels.adadeltaStep): r1 = 1 − ρ. */
export function adadelta(n: i32, p: usize, g: usize, v: usize, u: usize, lr: f64, rho: f64, r1: f64, eps: f64, wd: f64): void {
  const vlr = sp(lr), vrho = sp(rho), vr1 = sp(r1), veps = sp(eps), vwd = sp(wd);
  const end = groups(n);
  for (let i: usize = 0; i < end; i += 4) {
    adadeltaPair(i, p, g, v, u, vlr, vrho, vr1, veps, vwd);
    adadeltaPair(i + 2, p, g, v, u, vlr, vrho, vr1, veps, vwd);
  }
}
