/**
 * Fused elementwise kernels: one pass for what would otherwise be a chain of elementwise ops, each
 * with exactly the rounding of that chain. In float32 every intermediate the composed ops would store
 * in a Float32Array is rounded with Math.fround in the same order, so the results are the composed
 * ops' bit for bit; in float64 the arithmetic is the composed ops' own.
 */
import type { FloatArray } from '../../dtype';
import type { ActivationBackwardKernelOp } from '../kernels';

// ── activation backwards ──────────────────────────────────────────────────

/**
 * 'sigmoid': out = dy·(y·(1 − y)); 'tanh': out = dy·(1 − y²); 'relu': out = dy·[y > 0] — the rounding of
 * mul(dy, mul(y, sub(1, y))), mul(dy, sub(1, square(y))) and mul(dy, gt(y, 0)) (a product with 1 or 0, so
 * −0 for negative dy and NaN for infinite or NaN dy where y ≤ 0, as that product gives).
 */
export function activationBackward(op: ActivationBackwardKernelOp, y: FloatArray, dy: FloatArray, out: FloatArray): void {
  const n = y.length;
  const f32 = out instanceof Float32Array;
  switch (op) {
    case 'sigmoid':
      if (f32) for (let i = 0; i < n; i++) { const v = y[i]!; out[i] = dy[i]! * Math.fround(v * Math.fround(1 - v)); }
      else for (let i = 0; i < n; i++) { const v = y[i]!; out[i] = dy[i]! * (v * (1 - v)); }
      return;
    case 'tanh':
      if (f32) for (let i = 0; i < n; i++) { const v = y[i]!; out[i] = dy[i]! * Math.fround(1 - Math.fround(v * v)); }
      else for (let i = 0; i < n; i++) { const v = y[i]!; out[i] = dy[i]! * (1 - v * v); }
      return;
    case 'relu':
      // exact in either dtype: a product with 1 or 0
      for (let i = 0; i < n; i++) out[i] = dy[i]! * (y[i]! > 0 ? 1 : 0);
      return;
    default: {
      const never: never = op;
      throw new Error(`activationBackward kernel: unknown op '${String(never)}'`);
    }
  }
}

// ── binary cross-entropy ──────────────────────────────────────────────────

/** PyTorch's lower bound on each log in binary cross-entropy. */
const LOG_FLOOR = -100;
/** PyTorch's floor on p·(1 − p) in the gradient of binary cross-entropy. */
const GRAD_FLOOR = 1e-12;

/**
 * out = −(y·max(log p, −100) + (1 − y)·max(log1p(−p), −100)), the rounding of
 * neg(add(mul(y, maximum(log(p), −100)), mul(sub(1, y), maximum(log1p(neg(p)), −100)))): log and log1p are
 * Math's (the unary kernel's), Math.max propagates NaN like maximum.
 */
export function binaryCrossEntropy(p: FloatArray, y: FloatArray, out: FloatArray): void {
  const n = p.length;
  if (out instanceof Float32Array) {
    const r = Math.fround;
    for (let i = 0; i < n; i++) {
      const v = p[i]!, t = y[i]!;
      const lp = Math.max(r(Math.log(v)), LOG_FLOOR), lq = Math.max(r(Math.log1p(-v)), LOG_FLOOR);
      out[i] = -r(r(t * lp) + r(r(1 - t) * lq));
    }
  } else {
    for (let i = 0; i < n; i++) {
      const v = p[i]!, t = y[i]!;
      out[i] = -(t * Math.max(Math.log(v), LOG_FLOOR) + (1 - t) * Math.max(Math.log1p(-v), LOG_FLOOR));
    }
  }
}

/**
 * out = dy·(p − y) / max(p·(1 − p), 1e−12), the rounding of div(mul(dy, sub(p, y)), maximum(mul(p, sub(1, p)), 1e−12))
 * (in float32 the floor is fround(1e−12), as the lifted scalar holds it).
 */
export function binaryCrossEntropyBackward(p: FloatArray, y: FloatArray, dy: FloatArray, out: FloatArray): void {
  const n = p.length;
  if (out instanceof Float32Array) {
    const r = Math.fround, floor = r(GRAD_FLOOR);
    for (let i = 0; i < n; i++) {
      const v = p[i]!;
      out[i] = r(dy[i]! * r(v - y[i]!)) / Math.max(r(v * r(1 - v)), floor);
    }
  } else {
    for (let i = 0; i < n; i++) {
      const v = p[i]!;
      out[i] = (dy[i]! * (v - y[i]!)) / Math.max(v * (1 - v), GRAD_FLOOR);
    }
  }
}
