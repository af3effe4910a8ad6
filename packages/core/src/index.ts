/** @tapegrad/core — the whole public API. */

// tensors and dtypes
export { Tensor, type NestedArray, type TensorLike } from './tensor';
export type { DType, FloatArray } from './dtype';
export { broadcastShapes, type Shape } from './shape';

// creation
export {
  tensor, scalar, zeros, ones, full, zerosLike, onesLike, fullLike, arange, linspace, eye,
  rand, uniform, randn, normal, randint, bernoulli, permutation, shuffle,
  type CreateOptions, type TensorOptions, type RandomOptions,
} from './creation';

// random numbers
export { Generator, manualSeed, defaultGenerator, DEFAULT_SEED } from './random';

// ops: elementwise
export {
  add, sub, mul, div, pow, maximum, minimum,
  neg, exp, log, log1p, expm1, sqrt, square, abs, sign, reciprocal, sin, cos, clamp, cast,
  eq, ne, lt, le, gt, ge, where,
} from './ops/elementwise';
// ops: activations
export {
  sigmoid, tanh, relu, leakyRelu, elu, selu, softplus, logSigmoid, softmax, logSoftmax, sigmoidBackward, tanhBackward, reluBackward,
  type SoftplusOptions,
} from './ops/activations';
// ops: reductions
export {
  sum, mean, max, min, variance, var, std, logSumExp, argmax, argmin, type Axis, type VarianceOptions,
} from './ops/reduce';
// ops: matrix products
export { affine, matmul } from './ops/matmul';
// ops: shape
export {
  reshape, broadcastTo, expand, permute, transpose, slice, narrow, pad, concat, stack, split, squeeze, unsqueeze, flatten,
} from './ops/shape';
// ops: indexing
export { indexSelect, gather, scatterAdd } from './ops/indexing';
export { sumToShape } from './ops/broadcast';

// autograd
export { noGrad, enableGrad, isGradEnabled } from './autograd/grad_mode';
export { gradients, type BackwardOptions, type GradientsOptions } from './autograd/backward';
export { grad, valueAndGrad, vjp, hvp, type GradOptions } from './autograd/functional';
export type { BackwardContext } from './autograd/node';
export { defineOp, customOp, type OpSpec, type Op, type UnaryOp, type BinaryOp, type Liftable } from './ops/define_op';

// gradient checking (also in @tapegrad/core/testing, with the fast-check kit)
export { gradcheck, gradgradcheck, type GradcheckOptions, type GradcheckReport, type GradcheckWorst } from './testing/gradcheck';

// kernels
export { kernels, setKernel, resetKernels, setBackend, getBackend, type BackendName } from './kernels/registry';
export { setNumThreads, getNumThreads } from './kernels/wasm/gemm';
export type {
  Kernels, KernelName, OptimizerKernels, UnaryKernelOp, BinaryKernelOp, ReduceKernelOp, ActivationBackwardKernelOp,
  FusedActivation,
} from './kernels/kernels';
