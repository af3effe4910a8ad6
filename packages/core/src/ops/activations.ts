/**
 * Activations: sigmoid, tanh, relu (with their fused backwards), the ReLU family, softplus / logSigmoid, and
 * (log-)softmax along an axis.
 * Each op is one definition with its forward (on the stable kernels) and backward side by side;
 * backwards are written with differentiable ops, so second-order gradients work.
 */
import { defineOp, type Op, type UnaryOp } from './define_op';
import { add, div, exp, gt, mul, neg, square, sub, where } from './elementwise';
import { sum } from './reduce';
import { Tensor } from '../tensor';
import { sumToShape } from './broadcast';
import { kernels } from '../kernels/registry';
import type { ActivationBackwardKernelOp, UnaryKernelOp } from '../kernels/kernels';
import { allocate } from '../dtype';
import { broadcastShapes, normalizeAxis, shapesEqual } from '../shape';

function unaryForward(op: UnaryKernelOp, x: Tensor, p0?: number): Tensor {
  const out = allocate(x.dtype, x.size);
  kernels.unary(op, x.data, out, p0);
  return new Tensor(out, x.shape, x.dtype);
}

function checkFinite(name: string, option: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new Error(`${name}: ${option} must be a finite number, got ${typeof v === 'number' ? v : typeof v}`);
  }
  return v;
}

// ── sigmoid / tanh ────────────────────────────────────────────────────────

/**
 * A fused activation backward: one kernel pass when y and dy have one shape (always so inside sigmoid's,
 * tanh's and relu's backward), else `composed`, the same formula in broadcasting ops.
 */
function fusedActivationBackward(op: ActivationBackwardKernelOp, y: Tensor, dy: Tensor, composed: () => Tensor): Tensor {
  if (!shapesEqual(y.shape, dy.shape)) {
    broadcastShapes(y.shape, dy.shape, `${op}Backward`); // throws naming this op
    return composed();
  }
  const out = allocate(y.dtype, y.size);
  kernels.activationBackward(op, y.data, dy.data, out);
  return new Tensor(out, y.shape, y.dtype);
}

/**
 * sigmoid's backward from its output y: dy·σ′(x) = dy·(y·(1 − y)), in one pass. Bit for bit
 * mul(dy, mul(y, sub(1, y))) (each step rounded to the dtype as those ops round it), with their broadcasting.
 * ∂/∂y = dy·(1 − 2y), ∂/∂dy = y·(1 − y): written with ops, so second-order gradients through sigmoid work.
 * @example sigmoidBackward(tensor([0.5, 0.9]), tensor([2, 1])) // [2·0.5·0.5, 0.9·0.1] = [0.5, 0.09]
 */
export const sigmoidBackward: Op<[Tensor, Tensor]> = defineOp({
  name: 'sigmoidBackward',
  forward: (y: Tensor, dy: Tensor) => fusedActivationBackward('sigmoid', y, dy, () => mul(dy, mul(y, sub(1, y)))),
  backward: (g, { inputs: [y, dy], needsGrad }) => [
    needsGrad[0] ? sumToShape(mul(g, mul(dy!, sub(1, mul(y!, 2)))), y!.shape) : null,
    needsGrad[1] ? sumToShape(sigmoidBackward(y!, g), dy!.shape) : null,
  ],
});

/**
 * tanh's backward from its output y: dy·(1 − y²), in one pass. Bit for bit mul(dy, sub(1, square(y))),
 * with its broadcasting. ∂/∂y = −2·dy·y, ∂/∂dy = 1 − y² (written with ops: second order works).
 * @example tanhBackward(tensor([0.5]), tensor([2])) // [2·(1 − 0.25)] = [1.5]
 */
export const tanhBackward: Op<[Tensor, Tensor]> = defineOp({
  name: 'tanhBackward',
  forward: (y: Tensor, dy: Tensor) => fusedActivationBackward('tanh', y, dy, () => mul(dy, sub(1, square(y)))),
  backward: (g, { inputs: [y, dy], needsGrad }) => [
    needsGrad[0] ? sumToShape(mul(g, mul(dy!, mul(y!, -2))), y!.shape) : null,
    needsGrad[1] ? sumToShape(tanhBackward(y!, g), dy!.shape) : null,
  ],
});

/**
 * The logistic function σ(x) = 1 / (1 + e⁻ˣ). ∂/∂x = σ(x)·(1 − σ(x)), computed from the output
 * (sigmoidBackward: one fused pass).
 * NOTE: the kernel branches on the sign of x, so σ(±1e4) is exactly 1 / 0 with no overflow.
 * @example sigmoid(tensor([0, 2])) // [0.5, 0.8808]
 */
export const sigmoid: UnaryOp = defineOp({
  name: 'sigmoid',
  forward: (x: Tensor) => unaryForward('sigmoid', x),
  backward: (dy, { output }) => [sigmoidBackward(output, dy)],
});

/**
 * Hyperbolic tangent tanh x = (eˣ − e⁻ˣ) / (eˣ + e⁻ˣ). ∂/∂x = 1 − tanh²x, computed from the output
 * (tanhBackward: one fused pass).
 * @example tanh(tensor([0, 1])) // [0, 0.7616]
 */
export const tanh: UnaryOp = defineOp({
  name: 'tanh',
  forward: (x: Tensor) => unaryForward('tanh', x),
  backward: (dy, { output }) => [tanhBackward(output, dy)],
});

// ── the ReLU family ───────────────────────────────────────────────────────

/**
 * relu's backward from its output y: dy·[y > 0], in one pass (y > 0 exactly where x > 0, NaN included).
 * Bit for bit mul(dy, gt(y, 0)), with its broadcasting: a product with 1 or 0, so −0 where dy < 0 and
 * NaN where dy is infinite or NaN and y ≤ 0. ∂/∂y = 0 (the mask is piecewise constant; undefined at
 * y = 0), so y gets no gradient; ∂/∂dy = [y > 0]. relu's second derivative is 0, as the composed ops give.
 * @example reluBackward(tensor([0, 3]), tensor([2, 5])) // [0, 5]
 */
export const reluBackward: Op<[Tensor, Tensor]> = defineOp({
  name: 'reluBackward',
  forward: (y: Tensor, dy: Tensor) => fusedActivationBackward('relu', y, dy, () => mul(dy, gt(y, 0))),
  backward: (g, { inputs: [y, dy], needsGrad }) => [
    null, // ∂/∂y = 0 wherever it is defined: no gradient, as gt gives none in the composed ops
    needsGrad[1] ? sumToShape(reluBackward(y!, g), dy!.shape) : null,
  ],
});

/**
 * Rectified linear unit max(x, 0). ∂/∂x = [x > 0], so the gradient at 0 is 0 (as in PyTorch);
 * computed from the output (reluBackward: one fused pass).
 * NaN passes through the forward.
 * @example relu(tensor([-1, 0, 2])) // [0, 0, 2]
 */
export const relu: UnaryOp = defineOp({
  name: 'relu',
  forward: (x: Tensor) => unaryForward('relu', x),
  backward: (dy, { output }) => [reluBackward(output, dy)],
});

const leakyReluOp = defineOp({
  name: 'leakyRelu',
  forward: (x: Tensor, slope: number) => unaryForward('leakyRelu', x, slope),
  // ∂/∂x = 1 where x > 0, else the slope (so the slope at 0, as in PyTorch).
  backward: (dy, { inputs: [x], args }) => [where(gt(x!, 0), dy, mul(dy, args[1] as number))],
});

/**
 * Leaky ReLU: x where x > 0, else negativeSlope·x (PyTorch's default slope 0.01).
 * ∂/∂x = 1 for x > 0, negativeSlope for x ≤ 0.
 * Paper: Maas et al. 2013, "Rectifier Nonlinearities Improve Neural Network Acoustic Models".
 * @example leakyRelu(tensor([-2, 3]), 0.1) // [-0.2, 3]
 */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return leakyReluOp(x, checkFinite('leakyRelu', 'negativeSlope', negativeSlope));
}

const eluOp = defineOp({
  name: 'elu',
  forward: (x: Tensor, alpha: number) => unaryForward('elu', x, alpha),
  // For x ≤ 0, ∂/∂x = α·eˣ = y + α: reuse the output (PyTorch's elu_backward with is_result).
  backward: (dy, { inputs: [x], output, args }) => [where(gt(x!, 0), dy, mul(dy, add(output, args[1] as number)))],
});

/**
 * Exponential linear unit: x where x > 0, else α·(eˣ − 1) (computed with expm1).
 * ∂/∂x = 1 for x > 0, α·eˣ = y + α for x ≤ 0.
 * Paper: Clevert et al. 2015, "Fast and Accurate Deep Network Learning by Exponential Linear Units (ELUs)",
 * https://arxiv.org/abs/1511.07289
 * @example elu(tensor([-1, 2])) // [-0.6321, 2]
 */
export function elu(x: Tensor, alpha = 1): Tensor {
  return eluOp(x, checkFinite('elu', 'alpha', alpha));
}

/** SELU's α (PyTorch's constant). */
const SELU_ALPHA = 1.6732632423543772848170429916717;
/** SELU's scale λ (PyTorch's constant). */
const SELU_SCALE = 1.0507009873554804934193349852946;

/**
 * Scaled ELU: λ·elu(x, α) with α ≈ 1.6733, λ ≈ 1.0507 (PyTorch's constants).
 * ∂/∂x = λ for x > 0, λ·α·eˣ for x ≤ 0. Composed of elu and mul (no backward of its own).
 * Paper: Klambauer et al. 2017, "Self-Normalizing Neural Networks", https://arxiv.org/abs/1706.02515
 * @example selu(tensor([-1, 1])) // [-1.1113, 1.0507]
 */
export function selu(x: Tensor): Tensor {
  return mul(eluOp(x, SELU_ALPHA), SELU_SCALE);
}

// ── softplus / logSigmoid ─────────────────────────────────────────────────

export interface SoftplusOptions {
  /** Sharpness β (default 1): softplus(x) = (1/β)·log(1 + e^{βx}). */
  beta?: number;
  /** Above βx > threshold the result is x itself (default 20, as in PyTorch). */
  threshold?: number;
}

/** β·x without an op when β = 1. */
function scaled(x: Tensor, beta: number): Tensor {
  return beta === 1 ? x : mul(x, beta);
}

const softplusOp = defineOp({
  name: 'softplus',
  // The forward runs with recording off, so composing ops here records nothing.
  forward: (x: Tensor, beta: number, threshold: number) => {
    const bx = scaled(x, beta);
    const smooth = unaryForward('softplus', bx);
    return where(gt(bx, threshold), x, beta === 1 ? smooth : div(smooth, beta));
  },
  // ∂/∂x = σ(βx) in the smooth region, 1 in the linear region (βx > threshold).
  backward: (dy, { inputs: [x], args }) => {
    const beta = args[1] as number;
    const bx = scaled(x!, beta);
    return [where(gt(bx, args[2] as number), dy, mul(dy, sigmoid(bx)))];
  },
});

/**
 * Softplus with PyTorch's semantics: (1/β)·log(1 + e^{βx}), and x itself where βx > threshold.
 * ∂/∂x = σ(βx) (1 in the linear region). The smooth part uses the stable kernel
 * max(βx, 0) + log1p(e^{−|βx|}), finite for every finite x.
 * NOTE: beta = 0 is rejected (PyTorch returns inf/NaN for it): the formula divides by β.
 * @example softplus(tensor([0, 30])) // [0.6931, 30]
 * @example softplus(x, {beta: 2, threshold: 5})
 */
export function softplus(x: Tensor, options: SoftplusOptions = {}): Tensor {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new Error(`softplus: options must be an object like {beta: 1, threshold: 20}, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`);
  }
  const { beta = 1, threshold = 20 } = options;
  checkFinite('softplus', 'beta', beta);
  if (beta === 0) throw new Error('softplus: beta must be non-zero (the result is (1/beta)·log(1 + e^(beta·x))), got 0');
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) {
    throw new Error(`softplus: threshold must be a number (Infinity disables the linear region), got ${typeof threshold === 'number' ? threshold : typeof threshold}`);
  }
  return softplusOp(x, beta, threshold);
}

/**
 * log σ(x) = −softplus(−x), computed stably as min(x, 0) − log1p(e^{−|x|}).
 * ∂/∂x = 1 − σ(x) = σ(−x).
 * @example logSigmoid(tensor([0, -1e4])) // [-0.6931, -1e4]
 */
export const logSigmoid: UnaryOp = defineOp({
  name: 'logSigmoid',
  forward: (x: Tensor) => unaryForward('logSigmoid', x),
  backward: (dy, { inputs: [x] }) => [mul(dy, sigmoid(neg(x!)))],
});

// ── softmax / logSoftmax ──────────────────────────────────────────────────

/**
 * Normalises a softmax axis. A 0-d tensor accepts axis 0 or −1 and is treated as one element
 * along that axis (as in PyTorch), so softmax of a scalar is 1 and logSoftmax is 0.
 */
function softmaxAxis(name: string, x: Tensor, axis: number): number {
  if (x.ndim > 0) return normalizeAxis(axis, x.ndim, name);
  if (axis === 0 || axis === -1) return 0;
  throw new Error(`${name}: axis ${axis} is out of range for a 0-d tensor: use 0 or -1 (the single element)`);
}

function softmaxForward(x: Tensor, axis: number, log: boolean): Tensor {
  let outer = 1, inner = 1;
  for (let i = 0; i < axis; i++) outer *= x.shape[i]!;
  for (let i = axis + 1; i < x.ndim; i++) inner *= x.shape[i]!;
  const axisLen = x.ndim === 0 ? 1 : x.shape[axis]!;
  const out = allocate(x.dtype, x.size);
  kernels.softmax(x.data, outer, axisLen, inner, out, log);
  return new Tensor(out, x.shape, x.dtype);
}

/** The axis to sum over in a backward (all axes of a 0-d tensor, i.e. its single element). */
function sumAxis(x: Tensor, axis: number): number | null {
  return x.ndim === 0 ? null : axis;
}

const softmaxOp: Op<[Tensor, number]> = defineOp({
  name: 'softmax',
  forward: (x: Tensor, axis: number) => softmaxForward(x, axis, false),
  // ∂L/∂x = y·(dy − Σ_axis dy·y): the Jacobian diag(y) − y·yᵀ applied to dy.
  backward: (dy, { inputs: [x], output, args }) => [
    mul(output, sub(dy, sum(mul(dy, output), sumAxis(x!, args[1] as number), true))),
  ],
});

/**
 * Softmax along `axis` (default the last): yᵢ = e^{xᵢ − m} / Σⱼ e^{xⱼ − m} with m = max x (for stability).
 * ∂L/∂x = y·(dy − Σ(dy·y)) over the axis.
 * @example softmax(tensor([[1, 2], [3, 3]])) // [[0.2689, 0.7311], [0.5, 0.5]]
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  return softmaxOp(x, softmaxAxis('softmax', x, axis));
}

const logSoftmaxOp: Op<[Tensor, number]> = defineOp({
  name: 'logSoftmax',
  forward: (x: Tensor, axis: number) => softmaxForward(x, axis, true),
  // ∂L/∂x = dy − softmax(x)·Σ_axis dy, with softmax(x) = exp(y) from the output.
  backward: (dy, { inputs: [x], output, args }) => [
    sub(dy, mul(exp(output), sum(dy, sumAxis(x!, args[1] as number), true))),
  ],
});

/**
 * log(softmax(x)) along `axis` (default the last), computed stably as x − m − log Σⱼ e^{xⱼ − m}
 * with m = max x. ∂L/∂x = dy − softmax(x)·Σ dy over the axis.
 * @example logSoftmax(tensor([1e4, 0])) // [0, -1e4]
 */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return logSoftmaxOp(x, softmaxAxis('logSoftmax', x, axis));
}
