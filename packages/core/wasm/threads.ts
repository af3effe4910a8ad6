/**
 * The worker pool's module (AssemblyScript): the GEMM and the elementwise kernels' pool entry in one
 * build on one shared memory, so every thread instantiates a single module and the two kernels' static
 * data cannot overlap. Built by packages/core/scripts/build_wasm.mjs as gemm_shared (see SPECIAL_BUILDS
 * there); loaded by packages/core/src/kernels/wasm/gemm.ts, split over threads by pool.ts.
 */
export { dataEnd, gemm, gemm64, scratchBytes } from './gemm';
export { runRange } from './elementwise';
