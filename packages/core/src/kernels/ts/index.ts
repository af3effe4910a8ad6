/** The plain TypeScript kernel set: the reference implementation and the fallback everywhere. */
import type { Kernels } from '../kernels';
import { binary, unary, where } from './elementwise';
import { argReduce, reduce } from './reduce';
import { copyStrided } from './copy';
import { matmul } from './matmul';
import { softmax } from './softmax';
import { activationBackward, binaryCrossEntropy, binaryCrossEntropyBackward } from './fused';
import { gatherAlong, indexAdd, indexSelect, scatterAddAlong } from './index_ops';
import { adadeltaStep, adagradStep, adamStep, adamaxStep, nadamStep, rmspropStep, scaleInPlace, sgdStep } from './optim';

export const tsKernels: Kernels = {
  unary, binary, where, reduce, argReduce, copyStrided, matmul, softmax,
  activationBackward, binaryCrossEntropy, binaryCrossEntropyBackward,
  indexSelect, indexAdd, gatherAlong, scatterAddAlong,
  sgdStep, adagradStep, rmspropStep, adamStep, adamaxStep, nadamStep, adadeltaStep, scaleInPlace,
};
