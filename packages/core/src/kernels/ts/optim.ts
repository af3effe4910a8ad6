/**
 * Fused in-place optimizer updates (see OptimizerKernels in kernels.ts for the formulas).
 *
 * Numerics, chosen by p's dtype (`f = p instanceof Float32Array`):
 * - Float32Array: float32 arithmetic, as in PyTorch, TF.js and optax. Every per-element +, −, ×, ÷
 *   and √ is rounded to float32, in the order written below: `r(x, f)` is Math.fround(x), and for
 *   float32 operands the float64 result rounded to float32 is the float32 operation's result (no
 *   double-rounding error, since 53 ≥ 2·24 + 2). Hyperparameters and the scalars derived from them
 *   (1 − β, lr/bc1, √bc2, …) are computed in float64 and rounded to float32 once per call, as PyTorch
 *   casts a Python float to the tensor's dtype. The last subtraction from p (`p[i] -= …`) is rounded
 *   by the store into p.
 * - Float64Array: float64 arithmetic (`r(x, false)` is x).
 * The other arrays are read as stored (they have p's dtype when called from @tapegrad/optim).
 *
 * NOTE: the flag is passed to a module-level `r` rather than choosing a rounding function per call
 * (`const r = f ? Math.fround : identity`): V8 did not inline that polymorphic call, and every
 * operation became a real call that boxed its result (10–17× slower, measured). `r` is inlined and its
 * test of the loop-invariant flag is cheap.
 */
import type { FloatArray } from '../../dtype';

/** x rounded to float32 when f (the result of a float32 operation), else x (float64 arithmetic). */
const r = (x: number, f: boolean): number => (f ? Math.fround(x) : x);

export function sgdStep(p: FloatArray, g: FloatArray, buf: FloatArray | null, lr: number, momentum: number, dampening: number,
  nesterov: boolean, weightDecay: number, first: boolean, lecture: boolean): void {
  const f = p instanceof Float32Array, n = p.length;
  const eta = r(lr, f), mu = r(momentum, f), keep = r(1 - dampening, f), wd = r(weightDecay, f);
  if (buf === null) {
    for (let i = 0; i < n; i++) p[i]! -= r(eta * r(g[i]! + r(wd * p[i]!, f), f), f);
    return;
  }
  for (let i = 0; i < n; i++) {
    const d = r(g[i]! + r(wd * p[i]!, f), f);
    if (lecture) {
      // update = γ·update + η·∇w; w −= update (Nesterov: w −= γ·update + η·∇w).
      const b = first ? r(eta * d, f) : r(r(mu * buf[i]!, f) + r(eta * d, f), f);
      buf[i] = b;
      p[i]! -= nesterov ? r(r(mu * b, f) + r(eta * d, f), f) : b;
    } else {
      const b = first ? d : r(r(mu * buf[i]!, f) + r(keep * d, f), f);
      buf[i] = b;
      p[i]! -= r(eta * (nesterov ? r(d + r(mu * b, f), f) : b), f);
    }
  }
}

export function adagradStep(p: FloatArray, g: FloatArray, sum: FloatArray, clr: number, weightDecay: number, eps: number, epsInside: boolean): void {
  const f = p instanceof Float32Array, n = p.length;
  const c = r(clr, f), wd = r(weightDecay, f), e = r(eps, f);
  for (let i = 0; i < n; i++) {
    const d = r(g[i]! + r(wd * p[i]!, f), f);
    const s = r(sum[i]! + r(d * d, f), f);
    sum[i] = s;
    p[i]! -= r(r(c * d, f) / (epsInside ? r(Math.sqrt(r(s + e, f)), f) : r(r(Math.sqrt(s), f) + e, f)), f);
  }
}

export function rmspropStep(p: FloatArray, g: FloatArray, v: FloatArray, gAvg: FloatArray | null, buf: FloatArray | null, lr: number,
  alpha: number, eps: number, weightDecay: number, momentum: number, epsInside: boolean): void {
  const f = p instanceof Float32Array, n = p.length;
  const eta = r(lr, f), al = r(alpha, f), a1 = r(1 - alpha, f), e = r(eps, f), wd = r(weightDecay, f), mu = r(momentum, f);
  for (let i = 0; i < n; i++) {
    const d = r(g[i]! + r(wd * p[i]!, f), f);
    const vi = r(r(al * v[i]!, f) + r(r(a1 * d, f) * d, f), f);
    v[i] = vi;
    let s = vi;
    if (gAvg !== null) {
      const ga = r(r(al * gAvg[i]!, f) + r(a1 * d, f), f);
      gAvg[i] = ga;
      s = r(vi - r(ga * ga, f), f);
    }
    const denom = epsInside ? r(Math.sqrt(r(s + e, f)), f) : r(r(Math.sqrt(s), f) + e, f);
    if (buf !== null) {
      const b = r(r(mu * buf[i]!, f) + r(d / denom, f), f);
      buf[i] = b;
      p[i]! -= r(eta * b, f);
    } else {
      p[i]! -= r(r(eta * d, f) / denom, f);
    }
  }
}

export function adamStep(p: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, vMax: FloatArray | null, lr: number, beta1: number,
  beta2: number, eps: number, weightDecay: number, bc1: number, bc2: number): void {
  const f = p instanceof Float32Array, n = p.length;
  const b1 = r(beta1, f), a1 = r(1 - beta1, f), b2 = r(beta2, f), a2 = r(1 - beta2, f), e = r(eps, f), wd = r(weightDecay, f);
  const stepSize = r(lr / bc1, f), sqrtBc2 = r(Math.sqrt(bc2), f);
  for (let i = 0; i < n; i++) {
    const d = r(g[i]! + r(wd * p[i]!, f), f);
    const mi = r(r(b1 * m[i]!, f) + r(a1 * d, f), f);
    let vi = r(r(b2 * v[i]!, f) + r(r(a2 * d, f) * d, f), f);
    m[i] = mi;
    v[i] = vi;
    if (vMax !== null) {
      if (vi < vMax[i]!) vi = vMax[i]!;
      else vMax[i] = vi;
    }
    // PyTorch's arrangement: (√v / √bc2) + eps.
    p[i]! -= r(r(stepSize * mi, f) / r(r(r(Math.sqrt(vi), f) / sqrtBc2, f) + e, f), f);
  }
}

export function adamaxStep(p: FloatArray, g: FloatArray, m: FloatArray, u: FloatArray, lr: number, beta1: number, beta2: number,
  eps: number, weightDecay: number, bc1: number): void {
  const f = p instanceof Float32Array, n = p.length;
  const b1 = r(beta1, f), a1 = r(1 - beta1, f), b2 = r(beta2, f), e = r(eps, f), wd = r(weightDecay, f), clr = r(lr / bc1, f);
  for (let i = 0; i < n; i++) {
    const d = r(g[i]! + r(wd * p[i]!, f), f);
    const mi = r(r(b1 * m[i]!, f) + r(a1 * d, f), f);
    m[i] = mi;
    const a = r(b2 * u[i]!, f), b = r(Math.abs(d) + e, f);
    const ui = a > b ? a : b;
    u[i] = ui;
    p[i]! -= r(r(clr * mi, f) / ui, f);
  }
}

export function nadamStep(p: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, cg: number, cm: number, beta1: number,
  beta2: number, eps: number, weightDecay: number, bc2: number): void {
  const f = p instanceof Float32Array, n = p.length;
  const kg = r(cg, f), km = r(cm, f), b1 = r(beta1, f), a1 = r(1 - beta1, f), b2 = r(beta2, f), a2 = r(1 - beta2, f), e = r(eps, f), wd = r(weightDecay, f);
  const c2 = r(bc2, f);
  for (let i = 0; i < n; i++) {
    const d = r(g[i]! + r(wd * p[i]!, f), f);
    const mi = r(r(b1 * m[i]!, f) + r(a1 * d, f), f);
    const vi = r(r(b2 * v[i]!, f) + r(r(a2 * d, f) * d, f), f);
    m[i] = mi;
    v[i] = vi;
    const denom = r(r(Math.sqrt(r(vi / c2, f)), f) + e, f);
    p[i]! -= r(r(r(kg * d, f) + r(km * mi, f), f) / denom, f);
  }
}

export function adadeltaStep(p: FloatArray, g: FloatArray, v: FloatArray, u: FloatArray, lr: number, rho: number, eps: number, weightDecay: number): void {
  const f = p instanceof Float32Array, n = p.length;
  const eta = r(lr, f), rh = r(rho, f), r1 = r(1 - rho, f), e = r(eps, f), wd = r(weightDecay, f);
  for (let i = 0; i < n; i++) {
    const d = r(g[i]! + r(wd * p[i]!, f), f);
    const vi = r(r(rh * v[i]!, f) + r(r(r1 * d, f) * d, f), f);
    v[i] = vi;
    const delta = r(r(r(Math.sqrt(r(u[i]! + e, f)), f) / r(Math.sqrt(r(vi + e, f)), f), f) * d, f);
    u[i] = r(r(rh * u[i]!, f) + r(r(r1 * delta, f) * delta, f), f);
    p[i]! -= r(eta * delta, f);
  }
}

export function scaleInPlace(p: FloatArray, factor: number): void {
  const k = r(factor, p instanceof Float32Array), n = p.length;
  for (let i = 0; i < n; i++) p[i]! *= k;
}
