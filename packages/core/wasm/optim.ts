/**
 * Fused optimizer updates in WebAssembly SIMD (AssemblyScript): float32 storage, float32 arithmetic,
 * four lanes per f32x4.
 *
 * Compiled by packages/core/scripts/build_wasm.mjs with
 *   asc optim.ts -O3 --runtime stub --enable simd --noAssert
 * into packages/core/src/kernels/wasm/optim_module.ts (base64). The loader is
 * packages/core/src/kernels/wasm/optim.ts: it copies a chunk of each array (parameter, gradient,
 * state) into the fixed buffers of this module, calls one function here, and copies the updated
 * chunks back. Float64 arrays never come here (the loader hands them to the TS kernels).
 *
 * Numerics: float32 parameters are updated in float32 arithmetic, as in PyTorch, TF.js and optax:
 * each per-element +, −, ×, ÷, √ is one f32x4 operation (correctly rounded to float32, as IEEE
 * requires), with exactly the operations, in exactly the order, of the TS reference
 * (src/kernels/ts/optim.ts, whose float32 path rounds every operation with Math.fround), so the
 * results are bit-for-bit those of the TS kernels. Hyperparameters arrive as f32: the loader derives
 * the scalars (1 − β, lr/bc1, √bc2, …) in float64 exactly as the TS kernel does, and the call rounds
 * each to float32 (round to nearest even, as Math.fround), as the TS kernel rounds them once per call.
 *
 * Why f32x4 (until 2026-11 this module promoted to f64x2 and rounded once per stored value): float32
 * arithmetic is what users coming from PyTorch expect, and it runs four lanes per operation with
 * the much faster f32 divider and square root: Adam's update went from 2.1 ns per element (f64x2,
 * bound by its two divisions and a square root) to about 0.7. The W2 benchmark's check value moved
 * with it, from 0.00290916 to the 0.00290917 of the benchmark spec (computed in float32 arithmetic).
 *
 * Each loop handles 4 elements per f32x4, unrolled twice. n is rounded up to a multiple of 8: the
 * loader's buffers hold whole groups, and the lanes past n are scratch that is never copied out.
 *
 * Options fixed for a whole call (amsgrad, nesterov, lecture, first step, momentum buffer, centered,
 * ε inside) select a specialised loop: each loop body is an @inline function instantiated with
 * constant flags, so no flag is tested per element.
 *
 * Memory layout: [static data | bufBase() (64-aligned): the loader's buffers]. The module allocates
 * nothing; the loader grows memory to hold its buffers.
 */

/** First byte the loader may use for its buffers (64-byte aligned). */
export function bufBase(): usize {
  return (__heap_base + 63) & ~(<usize>63);
}

// ── f32x4 helpers ─────────────────────────────────────────────────────────

/** Four floats at ptr + 4i. */
@inline function ld(ptr: usize, i: usize): v128 {
  return v128.load(ptr + (i << 2));
}

/** Stores four floats at ptr + 4i. */
@inline function st(ptr: usize, i: usize, x: v128): void {
  v128.store(ptr + (i << 2), x);
}

@inline function sp(x: f32): v128 {
  return f32x4.splat(x);
}

/** a > b ? a : b (NaN: b), as the TS kernels' `a > b ? a : b`. */
@inline function gtSelect(a: v128, b: v128): v128 {
  return v128.bitselect(a, b, f32x4.gt(a, b));
}

/** Rounds n up to a multiple of 8 (the loops run 2 groups of 4 per iteration). */
@inline function groups(n: i32): usize {
  return <usize>((n + 7) & ~7);
}

// ── scale ────────────────────────────────────────────────────────────────

/** p ← p·factor. */
export function scale(n: i32, p: usize, factor: f32): void {
  const f = sp(factor);
  const end = groups(n);
  for (let i: usize = 0; i < end; i += 8) {
    st(p, i, f32x4.mul(ld(p, i), f));
    st(p, i + 4, f32x4.mul(ld(p, i + 4), f));
  }
}

// ── SGD ──────────────────────────────────────────────────────────────────

@inline function sgdPlainQuad(i: usize, p: usize, g: usize, vlr: v128, vwd: v128): void {
  const pi = ld(p, i);
  st(p, i, f32x4.sub(pi, f32x4.mul(vlr, f32x4.add(ld(g, i), f32x4.mul(vwd, pi)))));
}

/** Plain SGD (no momentum buffer): p −= lr·(g + wd·p). */
export function sgdPlain(n: i32, p: usize, g: usize, lr: f32, wd: f32): void {
  const vlr = sp(lr), vwd = sp(wd);
  const end = groups(n);
  for (let i: usize = 0; i < end; i += 8) {
    sgdPlainQuad(i, p, g, vlr, vwd);
    sgdPlainQuad(i + 4, p, g, vlr, vwd);
  }
}

@inline function sgdQuad(i: usize, p: usize, g: usize, buf: usize, vlr: v128, vmom: v128, vkeep: v128, vwd: v128,
  lecture: bool, first: bool, nesterov: bool): void {
  const pi = ld(p, i);
  const d = f32x4.add(ld(g, i), f32x4.mul(vwd, pi));
  if (lecture) {
    // b = first ? lr·d : μ·buf + lr·d; p −= nesterov ? μ·b + lr·d : b
    const b = first ? f32x4.mul(vlr, d) : f32x4.add(f32x4.mul(vmom, ld(buf, i)), f32x4.mul(vlr, d));
    st(buf, i, b);
    st(p, i, f32x4.sub(pi, nesterov ? f32x4.add(f32x4.mul(vmom, b), f32x4.mul(vlr, d)) : b));
  } else {
    // b = first ? d : μ·buf + (1−τ)·d; p −= lr·(nesterov ? d + μ·b : b)
    const b = first ? d : f32x4.add(f32x4.mul(vmom, ld(buf, i)), f32x4.mul(vkeep, d));
    st(buf, i, b);
    st(p, i, f32x4.sub(pi, f32x4.mul(vlr, nesterov ? f32x4.add(d, f32x4.mul(vmom, b)) : b)));
  }
}

@inline function sgdLoop(n: i32, p: usize, g: usize, buf: usize, lr: f32, mom: f32, keep: f32, wd: f32,
  lecture: bool, first: bool, nesterov: bool): void {
  const vlr = sp(lr), vmom = sp(mom), vkeep = sp(keep), vwd = sp(wd);
  const end = groups(n);
  for (let i: usize = 0; i < end; i += 8) {
    sgdQuad(i, p, g, buf, vlr, vmom, vkeep, vwd, lecture, first, nesterov);
    sgdQuad(i + 4, p, g, buf, vlr, vmom, vkeep, vwd, lecture, first, nesterov);
  }
}

/**
 * SGD with a momentum buffer (see OptimizerKernels.sgdStep). flags: 1 lecture, 2 first step, 4 nesterov.
 * keep = 1 − dampening.
 */
export function sgdMomentum(n: i32, p: usize, g: usize, buf: usize, lr: f32, mom: f32, keep: f32, wd: f32, flags: i32): void {
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

@inline function adamQuad(i: usize, p: usize, g: usize, m: usize, v: usize, vMax: usize, vb1: v128, va1: v128, vb2: v128,
  va2: v128, vstep: v128, vsq: v128, veps: v128, vwd: v128, ams: bool): void {
  const pi = ld(p, i);
  const d = f32x4.add(ld(g, i), f32x4.mul(vwd, pi));
  const mi = f32x4.add(f32x4.mul(vb1, ld(m, i)), f32x4.mul(va1, d));
  let vi = f32x4.add(f32x4.mul(vb2, ld(v, i)), f32x4.mul(f32x4.mul(va2, d), d));
  st(m, i, mi);
  st(v, i, vi);
  if (ams) {
    // TS: if (vi < vMax) vi = vMax; else vMax = vi.
    const mx = ld(vMax, i);
    vi = v128.bitselect(mx, vi, f32x4.lt(vi, mx));
    st(vMax, i, vi);
  }
  // p −= (stepSize·m) / (√v / √bc2 + ε)
  st(p, i, f32x4.sub(pi, f32x4.div(f32x4.mul(vstep, mi), f32x4.add(f32x4.div(f32x4.sqrt(vi), vsq), veps))));
}

@inline function adamLoop(n: i32, p: usize, g: usize, m: usize, v: usize, vMax: usize, beta1: f32, a1: f32, beta2: f32, a2: f32,
  stepSize: f32, sqrtBc2: f32, eps: f32, wd: f32, ams: bool): void {
  const vb1 = sp(beta1), va1 = sp(a1), vb2 = sp(beta2), va2 = sp(a2), vstep = sp(stepSize), vsq = sp(sqrtBc2), veps = sp(eps), vwd = sp(wd);
  const end = groups(n);
  for (let i: usize = 0; i < end; i += 8) {
    adamQuad(i, p, g, m, v, vMax, vb1, va1, vb2, va2, vstep, vsq, veps, vwd, ams);
    adamQuad(i + 4, p, g, m, v, vMax, vb1, va1, vb2, va2, vstep, vsq, veps, vwd, ams);
  }
}

/**
 * Adam (see OptimizerKernels.adamStep): a1 = 1 − β1, a2 = 1 − β2, stepSize = lr/bc1, sqrtBc2 = √bc2;
 * vMax = 0: no amsgrad.
 */
export function adam(n: i32, p: usize, g: usize, m: usize, v: usize, vMax: usize, beta1: f32, a1: f32, beta2: f32, a2: f32,
  stepSize: f32, sqrtBc2: f32, eps: f32, wd: f32): void {
  if (vMax == 0) adamLoop(n, p, g, m, v, 0, beta1, a1, beta2, a2, stepSize, sqrtBc2, eps, wd, false);
  else adamLoop(n, p, g, m, v, vMax, beta1, a1, beta2, a2, stepSize, sqrtBc2, eps, wd, true);
}

// ── Adamax ───────────────────────────────────────────────────────────────

@inline function adamaxQuad(i: usize, p: usize, g: usize, m: usize, u: usize, vb1: v128, va1: v128, vb2: v128, vclr: v128,
  veps: v128, vwd: v128): void {
  const pi = ld(p, i);
  const d = f32x4.add(ld(g, i), f32x4.mul(vwd, pi));
  const mi = f32x4.add(f32x4.mul(vb1, ld(m, i)), f32x4.mul(va1, d));
  st(m, i, mi);
  const ui = gtSelect(f32x4.mul(vb2, ld(u, i)), f32x4.add(f32x4.abs(d), veps));
  st(u, i, ui);
  st(p, i, f32x4.sub(pi, f32x4.div(f32x4.mul(vclr, mi), ui)));
}

/** Adamax (see OptimizerKernels.adamaxStep): a1 = 1 − β1, clr = lr/bc1. */
export function adamax(n: i32, p: usize, g: usize, m: usize, u: usize, beta1: f32, a1: f32, beta2: f32, clr: f32, eps: f32, wd: f32): void {
  const vb1 = sp(beta1), va1 = sp(a1), vb2 = sp(beta2), vclr = sp(clr), veps = sp(eps), vwd = sp(wd);
  const end = groups(n);
  for (let i: usize = 0; i < end; i += 8) {
    adamaxQuad(i, p, g, m, u, vb1, va1, vb2, vclr, veps, vwd);
    adamaxQuad(i + 4, p, g, m, u, vb1, va1, vb2, vclr, veps, vwd);
  }
}

// ── NAdam ────────────────────────────────────────────────────────────────

@inline function nadamQuad(i: usize, p: usize, g: usize, m: usize, v: usize, vcg: v128, vcm: v128, vb1: v128, va1: v128,
  vb2: v128, va2: v128, veps: v128, vwd: v128, vbc2: v128): void {
  const pi = ld(p, i);
  const d = f32x4.add(ld(g, i), f32x4.mul(vwd, pi));
  const mi = f32x4.add(f32x4.mul(vb1, ld(m, i)), f32x4.mul(va1, d));
  const vi = f32x4.add(f32x4.mul(vb2, ld(v, i)), f32x4.mul(f32x4.mul(va2, d), d));
  st(m, i, mi);
  st(v, i, vi);
  const denom = f32x4.add(f32x4.sqrt(f32x4.div(vi, vbc2)), veps);
  st(p, i, f32x4.sub(pi, f32x4.div(f32x4.add(f32x4.mul(vcg, d), f32x4.mul(vcm, mi)), denom)));
}

/** NAdam (see OptimizerKernels.nadamStep): a1 = 1 − β1, a2 = 1 − β2. */
export function nadam(n: i32, p: usize, g: usize, m: usize, v: usize, cg: f32, cm: f32, beta1: f32, a1: f32, beta2: f32, a2: f32,
  eps: f32, wd: f32, bc2: f32): void {
  const vcg = sp(cg), vcm = sp(cm), vb1 = sp(beta1), va1 = sp(a1), vb2 = sp(beta2), va2 = sp(a2), veps = sp(eps), vwd = sp(wd), vbc2 = sp(bc2);
  const end = groups(n);
  for (let i: usize = 0; i < end; i += 8) {
    nadamQuad(i, p, g, m, v, vcg, vcm, vb1, va1, vb2, va2, veps, vwd, vbc2);
    nadamQuad(i + 4, p, g, m, v, vcg, vcm, vb1, va1, vb2, va2, veps, vwd, vbc2);
  }
}

// ── Adagrad ──────────────────────────────────────────────────────────────

@inline function adagradQuad(i: usize, p: usize, g: usize, sum: usize, vclr: v128, vwd: v128, veps: v128, epsInside: bool): void {
  const pi = ld(p, i);
  const d = f32x4.add(ld(g, i), f32x4.mul(vwd, pi));
  const s = f32x4.add(ld(sum, i), f32x4.mul(d, d));
  st(sum, i, s);
  const denom = epsInside ? f32x4.sqrt(f32x4.add(s, veps)) : f32x4.add(f32x4.sqrt(s), veps);
  st(p, i, f32x4.sub(pi, f32x4.div(f32x4.mul(vclr, d), denom)));
}

@inline function adagradLoop(n: i32, p: usize, g: usize, sum: usize, clr: f32, wd: f32, eps: f32, epsInside: bool): void {
  const vclr = sp(clr), vwd = sp(wd), veps = sp(eps);
  const end = groups(n);
  for (let i: usize = 0; i < end; i += 8) {
    adagradQuad(i, p, g, sum, vclr, vwd, veps, epsInside);
    adagradQuad(i + 4, p, g, sum, vclr, vwd, veps, epsInside);
  }
}

/** Adagrad (see OptimizerKernels.adagradStep). */
export function adagrad(n: i32, p: usize, g: usize, sum: usize, clr: f32, wd: f32, eps: f32, epsInside: i32): void {
  if (epsInside) adagradLoop(n, p, g, sum, clr, wd, eps, true);
  else adagradLoop(n, p, g, sum, clr, wd, eps, false);
}

// ── RMSProp ──────────────────────────────────────────────────────────────

@inline function rmspropQuad(i: usize, p: usize, g: usize, v: usize, gAvg: usize, buf: usize, vlr: v128, valpha: v128, va1: v128,
  veps: v128, vwd: v128, vmom: v128, centered: bool, momentum: bool, epsInside: bool): void {
  const pi = ld(p, i);
  const d = f32x4.add(ld(g, i), f32x4.mul(vwd, pi));
  const vi = f32x4.add(f32x4.mul(valpha, ld(v, i)), f32x4.mul(f32x4.mul(va1, d), d));
  st(v, i, vi);
  let s = vi;
  if (centered) {
    const ga = f32x4.add(f32x4.mul(valpha, ld(gAvg, i)), f32x4.mul(va1, d));
    st(gAvg, i, ga);
    s = f32x4.sub(vi, f32x4.mul(ga, ga));
  }
  const denom = epsInside ? f32x4.sqrt(f32x4.add(s, veps)) : f32x4.add(f32x4.sqrt(s), veps);
  if (momentum) {
    const b = f32x4.add(f32x4.mul(vmom, ld(buf, i)), f32x4.div(d, denom));
    st(buf, i, b);
    st(p, i, f32x4.sub(pi, f32x4.mul(vlr, b)));
  } else {
    st(p, i, f32x4.sub(pi, f32x4.div(f32x4.mul(vlr, d), denom)));
  }
}

@inline function rmspropLoop(n: i32, p: usize, g: usize, v: usize, gAvg: usize, buf: usize, lr: f32, alpha: f32, a1: f32, eps: f32,
  wd: f32, mom: f32, centered: bool, momentum: bool, epsInside: bool): void {
  const vlr = sp(lr), valpha = sp(alpha), va1 = sp(a1), veps = sp(eps), vwd = sp(wd), vmom = sp(mom);
  const end = groups(n);
  for (let i: usize = 0; i < end; i += 8) {
    rmspropQuad(i, p, g, v, gAvg, buf, vlr, valpha, va1, veps, vwd, vmom, centered, momentum, epsInside);
    rmspropQuad(i + 4, p, g, v, gAvg, buf, vlr, valpha, va1, veps, vwd, vmom, centered, momentum, epsInside);
  }
}

/**
 * RMSProp (see OptimizerKernels.rmspropStep): a1 = 1 − α. flags: 1 centered (gAvg), 2 momentum buffer
 * (buf), 4 ε inside the root.
 */
export function rmsprop(n: i32, p: usize, g: usize, v: usize, gAvg: usize, buf: usize, lr: f32, alpha: f32, a1: f32, eps: f32,
  wd: f32, mom: f32, flags: i32): void {
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

@inline function adadeltaQuad(i: usize, p: usize, g: usize, v: usize, u: usize, vlr: v128, vrho: v128, vr1: v128, veps: v128, vwd: v128): void {
  const pi = ld(p, i);
  const d = f32x4.add(ld(g, i), f32x4.mul(vwd, pi));
  const vi = f32x4.add(f32x4.mul(vrho, ld(v, i)), f32x4.mul(f32x4.mul(vr1, d), d));
  st(v, i, vi);
  const ui = ld(u, i);
  const delta = f32x4.mul(f32x4.div(f32x4.sqrt(f32x4.add(ui, veps)), f32x4.sqrt(f32x4.add(vi, veps))), d);
  st(u, i, f32x4.add(f32x4.mul(vrho, ui), f32x4.mul(f32x4.mul(vr1, delta), delta)));
  st(p, i, f32x4.sub(pi, f32x4.mul(vlr, delta)));
}

/** Adadelta (see OptimizerKernels.adadeltaStep): r1 = 1 − ρ. */
export function adadelta(n: i32, p: usize, g: usize, v: usize, u: usize, lr: f32, rho: f32, r1: f32, eps: f32, wd: f32): void {
  const vlr = sp(lr), vrho = sp(rho), vr1 = sp(r1), veps = sp(eps), vwd = sp(wd);
  const end = groups(n);
  for (let i: usize = 0; i < end; i += 8) {
    adadeltaQuad(i, p, g, v, u, vlr, vrho, vr1, veps, vwd);
    adadeltaQuad(i + 4, p, g, v, u, vlr, vrho, vr1, veps, vwd);
  }
}
