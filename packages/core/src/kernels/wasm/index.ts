/**
 * The WebAssembly kernel set: every kernel that has a WebAssembly implementation, by name.
 * `setBackend('wasm')` installs exactly these over the plain-TS set; each one falls back to its TS
 * kernel itself for the cases it does not handle (float64, tiny arrays, unusual layouts).
 * A new WebAssembly kernel is added here and nowhere else.
 */
import type { Kernels } from '../kernels';
import { wasmMatmul } from './gemm';
import { wasmActivationBackward, wasmBinary, wasmBinaryCrossEntropy, wasmBinaryCrossEntropyBackward, wasmReduce, wasmSoftmax, wasmUnary } from './elementwise';
import { wasmAdadeltaStep, wasmAdagradStep, wasmAdamStep, wasmAdamaxStep, wasmNadamStep, wasmRmspropStep, wasmScaleInPlace, wasmSgdStep } from './optim';

export const wasmKernels: Partial<Kernels> = {
  matmul: wasmMatmul,
  unary: wasmUnary,
  binary: wasmBinary,
  reduce: wasmReduce,
  softmax: wasmSoftmax,
  activationBackward: wasmActivationBackward,
  binaryCrossEntropy: wasmBinaryCrossEntropy,
  binaryCrossEntropyBackward: wasmBinaryCrossEntropyBackward,
  sgdStep: wasmSgdStep,
  adagradStep: wasmAdagradStep,
  rmspropStep: wasmRmspropStep,
  adamStep: wasmAdamStep,
  adamaxStep: wasmAdamaxStep,
  nadamStep: wasmNadamStep,
  adadeltaStep: wasmAdadeltaStep,
  scaleInPlace: wasmScaleInPlace,
};
