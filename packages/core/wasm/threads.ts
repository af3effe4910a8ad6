/**
 * The worker pool's module (AssemblyScript): the GEMM and the elementwise kernels' pool entry in one
 * build on one shared memory, so every thread instantiates a single module and the two kernels' static
 * data cannot overlap. Built by packages/core/scripts/build_wasm.mjs as gemm_shared (see SPECIAL_BUILDS
 * there); loaded by packages/core/src/kernels/wasm/gemm.ts, split over threads by pool.ts.
 */
import { staticEnd } from './elementwise';

export { gemm, gemm64, scratchBytes } from './gemm';
export { runRange } from './elementwise';

/**
 * First byte the caller's memory may use, 64-byte aligned: after the static data and the elementwise
 * kernels' log table, which this build keeps outside the data segments (see LOG_TABLE in elementwise.ts).
 */
export function dataEnd(): usize {
  return (staticEnd() + 63) & ~(<usize>63);
}
