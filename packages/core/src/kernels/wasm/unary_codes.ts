/**
 * The elementwise module's unary op codes (the U_* constants of packages/core/wasm/elementwise.ts), shared by
 * its loader (./elementwise.ts) and the GEMM's fused activation (./gemm.ts), which runs them through runRange.
 */
import type { UnaryKernelOp } from '../kernels';

export const UNARY: Partial<Record<UnaryKernelOp, number>> = {
  neg: 0, abs: 1, square: 2, sqrt: 3, reciprocal: 4, relu: 5, clamp: 6, leakyRelu: 7,
  exp: 8, log: 9, log1p: 10, tanh: 11, sigmoid: 12, softplus: 13, logSigmoid: 14,
};
/** Unary codes from here on are transcendental. */
export const FIRST_TRANSCENDENTAL = 8;
