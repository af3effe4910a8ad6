/**
 * The kernel interface: every numeric loop in tapegrad runs behind it.
 *
 * Ops never loop over typed arrays themselves; they call `kernels.<name>(...)`. A faster
 * implementation (WebAssembly SIMD, a worker pool) replaces one entry at a time with
 * `setKernel`, and every op, gradient and test keeps working unchanged.
 *
 * Kernels work on plain typed arrays and shapes (no Tensor), write into a caller-allocated
 * `out`, and allocate nothing themselves unless documented.
 */
import type { FloatArray } from '../dtype';
import type { Shape } from '../shape';

export type UnaryKernelOp =
  | 'neg' | 'exp' | 'log' | 'log1p' | 'expm1' | 'sqrt' | 'square' | 'abs' | 'sign' | 'reciprocal'
  | 'sin' | 'cos'
  | 'sigmoid' | 'tanh' | 'relu' | 'softplus' | 'logSigmoid'
  /** p0 = negative slope */
  | 'leakyRelu'
  /** p0 = alpha */
  | 'elu'
  /** p0 = lower bound, p1 = upper bound (±Infinity for none) */
  | 'clamp';

export type BinaryKernelOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum'
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

export type ReduceKernelOp = 'sum' | 'max' | 'min';

/** Activations whose backward is fused into one kernel, computed from the activation's output y. */
export type ActivationBackwardKernelOp = 'sigmoid' | 'tanh' | 'relu';

/** Activations a product can apply as it stores C (matmul's `activation`: the `affine` op's fused epilogue). */
export type FusedActivation = 'sigmoid' | 'tanh' | 'relu';

export interface Kernels extends OptimizerKernels {
  /** out[i] = f(x[i]) (x and out have the same length; out may be x). */
  unary(op: UnaryKernelOp, x: FloatArray, out: FloatArray, p0?: number, p1?: number): void;
  /** out = a ∘ b with NumPy broadcasting of aShape and bShape to outShape. Comparisons write 1 or 0. */
  binary(op: BinaryKernelOp, a: FloatArray, aShape: Shape, b: FloatArray, bShape: Shape, out: FloatArray, outShape: Shape): void;
  /** out = cond ≠ 0 ? a : b, all three broadcast to outShape. */
  where(cond: FloatArray, condShape: Shape, a: FloatArray, aShape: Shape, b: FloatArray, bShape: Shape, out: FloatArray, outShape: Shape): void;
  /**
   * Reduces x (shape xShape) over `axes` (sorted, unique). `out` holds the kept axes in order
   * (its length is the product of the kept dimensions). sum of nothing is 0; max/min of nothing is ∓Infinity.
   * max/min propagate NaN.
   */
  reduce(op: ReduceKernelOp, x: FloatArray, xShape: Shape, axes: readonly number[], out: FloatArray): void;
  /** x viewed as [outer, axisLen, inner]; out[o*inner+i] = index of the first max (min) along the axis; NaN counts as the extreme. */
  argReduce(op: 'argmax' | 'argmin', x: FloatArray, outer: number, axisLen: number, inner: number, out: FloatArray): void;
  /** Copies an N-d strided view of src into an N-d strided view of dst (strides may be 0 on src to broadcast). */
  copyStrided(src: FloatArray, srcOffset: number, srcStrides: readonly number[], dst: FloatArray, dstOffset: number, dstStrides: readonly number[], shape: Shape): void;
  /**
   * Batched out = op(A) @ op(B) (contiguous batch × m × n, overwritten). See kernels/ts/matmul.ts for the operand layout.
   * aStable / bStable: the caller guarantees that array's contents never change while it is reachable
   * (a pristine tensor's storage), so an implementation may keep a copy of it keyed by the array
   * (the WebAssembly GEMM does; the TS kernel ignores them). bias: null, or n values (the dtype of out) added
   * to every row of every item after the product, each sum rounded to out's dtype — bit for bit the product
   * followed by a broadcast add (the `affine` op). activation: null, or the unary op applied to every element
   * last (after the bias) — bit for bit the `unary` kernel on the result, as every implementation of `unary`
   * gives the same bits for these three (the `affine` op with an activation).
   */
  matmul(a: FloatArray, b: FloatArray, out: FloatArray, batch: number, m: number, k: number, n: number,
    aBatchStride: number, bBatchStride: number, transA: boolean, transB: boolean, aOffset?: number, bOffset?: number,
    aStable?: boolean, bStable?: boolean, bias?: FloatArray | null, activation?: FusedActivation | null): void;
  /**
   * Fused activation backward from the output y and the incoming gradient dy (same length; out may be
   * either): 'sigmoid' out = dy·(y·(1 − y)), 'tanh' out = dy·(1 − y²), 'relu' out = dy·[y > 0]. Each
   * intermediate is rounded to the arrays' dtype in the order the composed ops round it (1 − y, then
   * y·(1 − y), then the product with dy; y², then 1 − y², then the product; relu's product with 1 or 0 is
   * exact), so the result equals mul(dy, mul(y, sub(1, y))), mul(dy, sub(1, square(y))) and
   * mul(dy, gt(y, 0)) bit for bit.
   */
  activationBackward(op: ActivationBackwardKernelOp, y: FloatArray, dy: FloatArray, out: FloatArray): void;
  /**
   * Binary cross-entropy per element from probabilities p and targets y (same length; out may be either), with
   * PyTorch's clamp of each log at −100: out = −(y·max(log p, −100) + (1 − y)·max(log1p(−p), −100)).
   * log and log1p are the unary kernel's, and every step is rounded to the dtype in the composed ops' order, so the
   * result equals neg(add(mul(y, maximum(log(p), −100)), mul(sub(1, y), maximum(log1p(neg(p)), −100)))) bit for bit.
   */
  binaryCrossEntropy(p: FloatArray, y: FloatArray, out: FloatArray): void;
  /**
   * Its gradient with respect to p (PyTorch's, with the denominator floored at 1e−12), for the incoming gradient dy
   * (all the same length; out may be any of them): out = dy·(p − y) / max(p·(1 − p), 1e−12), the floor rounded to
   * the dtype and every step rounded in the composed ops' order, so the result equals
   * div(mul(dy, sub(p, y)), maximum(mul(p, sub(1, p)), 1e−12)) bit for bit.
   */
  binaryCrossEntropyBackward(p: FloatArray, y: FloatArray, dy: FloatArray, out: FloatArray): void;
  /** x viewed as [outer, axisLen, inner]; (log-)softmax along the middle axis, max-shifted for stability. */
  softmax(x: FloatArray, outer: number, axisLen: number, inner: number, out: FloatArray, log: boolean): void;
  /** x viewed as [outer, axisLen, inner]; out[o, j, i] = x[o, indices[j], i] (out is [outer, indices.length, inner]). */
  indexSelect(x: FloatArray, outer: number, axisLen: number, inner: number, indices: Int32Array, out: FloatArray): void;
  /** The adjoint of indexSelect: out[o, indices[j], i] += src[o, j, i] (out is [outer, axisLen, inner], accumulated). */
  indexAdd(src: FloatArray, outer: number, axisLen: number, inner: number, indices: Int32Array, out: FloatArray): void;
  /**
   * PyTorch-style gather along `axis`: out has `index`'s shape and out[..., j, ...] = x[..., index[..., j, ...], ...].
   * index values are already validated integers.
   */
  gatherAlong(x: FloatArray, xShape: Shape, axis: number, index: FloatArray, indexShape: Shape, out: FloatArray): void;
  /** The adjoint of gatherAlong: out[..., index[..., j, ...], ...] += src[..., j, ...] (out has xShape, accumulated). */
  scatterAddAlong(src: FloatArray, indexShape: Shape, axis: number, index: FloatArray, out: FloatArray, outShape: Shape): void;
}

export type KernelName = keyof Kernels;

/**
 * Fused, in-place optimizer updates (one pass over a parameter, its gradient and its state
 * buffers; no allocation). The formulas are in @tapegrad/optim's rule files, which call these.
 * `g` is read-only; `p` and the state buffers are updated in place.
 *
 * Arithmetic follows p's dtype. Float64Array: float64. Float32Array: float32, as in PyTorch, TF.js
 * and optax: every per-element +, −, ×, ÷, √ is rounded to float32, in the order written below
 * (products and quotients as parenthesized, x·y·z = (x·y)·z, sums left to right), and the hyperparameters
 * and the scalars derived from them (1 − β, lr/bc1, √bc2, 1 − dampening…) are computed in float64 and
 * rounded to float32 once per call, as PyTorch rounds a Python float to the tensor's dtype. Every
 * implementation gives these results bit for bit.
 */
export interface OptimizerKernels {
  /**
   * SGD with momentum (PyTorch): d = g + wd·p; buf = first ? d : μ·buf + (1−τ)·d; p −= lr·(nesterov ? d + μ·buf : buf).
   * lecture = true: buf = μ·buf + lr·d (buf = lr·d on the first step); p −= buf (nesterov: p −= μ·buf + lr·d).
   * buf null: plain SGD, p −= lr·d.
   */
  sgdStep(p: FloatArray, g: FloatArray, buf: FloatArray | null, lr: number, momentum: number, dampening: number,
    nesterov: boolean, weightDecay: number, first: boolean, lecture: boolean): void;
  /** Adagrad: d = g + wd·p; sum = sum + d·d; p −= (clr·d)/(√sum + eps), or (clr·d)/√(sum + eps) when epsInside. */
  adagradStep(p: FloatArray, g: FloatArray, sum: FloatArray, clr: number, weightDecay: number, eps: number, epsInside: boolean): void;
  /**
   * RMSProp: d = g + wd·p; v = α·v + (1−α)·d·d; s = v, or centered: gAvg = α·gAvg + (1−α)·d, s = v − gAvg·gAvg;
   * denom = epsInside ? √(s + eps) : √s + eps; momentum: buf = μ·buf + d/denom, p −= lr·buf; else p −= (lr·d)/denom.
   */
  rmspropStep(p: FloatArray, g: FloatArray, v: FloatArray, gAvg: FloatArray | null, buf: FloatArray | null, lr: number,
    alpha: number, eps: number, weightDecay: number, momentum: number, epsInside: boolean): void;
  /**
   * Adam: d = g + wd·p; m = β1·m + (1−β1)·d; v = β2·v + (1−β2)·d·d (m and v stored); amsgrad: vMax = max(vMax, v),
   * used for v below; p −= ((lr/bc1)·m) / (√v/√bc2 + eps) (PyTorch's arrangement), with bc1 = 1−β1ᵗ, bc2 = 1−β2ᵗ passed in.
   */
  adamStep(p: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, vMax: FloatArray | null, lr: number, beta1: number,
    beta2: number, eps: number, weightDecay: number, bc1: number, bc2: number): void;
  /** Adamax: d = g + wd·p; m = β1·m + (1−β1)·d; u = max(β2·u, |d| + eps); p −= ((lr/bc1)·m)/u. */
  adamaxStep(p: FloatArray, g: FloatArray, m: FloatArray, u: FloatArray, lr: number, beta1: number, beta2: number,
    eps: number, weightDecay: number, bc1: number): void;
  /**
   * NAdam (PyTorch): d = g + wd·p; m = β1·m + (1−β1)·d; v = β2·v + (1−β2)·d·d; denom = √(v/bc2) + eps;
   * p −= (cg·d + cm·m)/denom, with cg = lr·(1−μₜ)/(1−Πμ) and cm = lr·μₜ₊₁/(1−Πμ·μₜ₊₁) passed in.
   */
  nadamStep(p: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, cg: number, cm: number, beta1: number,
    beta2: number, eps: number, weightDecay: number, bc2: number): void;
  /** Adadelta: d = g + wd·p; v = ρ·v + (1−ρ)·d·d; δ = (√(u + eps)/√(v + eps))·d; u = ρ·u + (1−ρ)·δ·δ; p −= lr·δ. */
  adadeltaStep(p: FloatArray, g: FloatArray, v: FloatArray, u: FloatArray, lr: number, rho: number, eps: number, weightDecay: number): void;
  /** p ← p·factor (decoupled weight decay: factor = 1 − lr·wd). */
  scaleInPlace(p: FloatArray, factor: number): void;
}
