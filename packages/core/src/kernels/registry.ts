/**
 * The active kernel set. Ops read `kernels.<name>` at call time, so replacing an entry
 * takes effect for every op at once.
 */
import type { KernelName, Kernels } from './kernels';
import { tsKernels } from './ts';
import { getNumThreads, wasmSimdSupported } from './wasm/gemm';
import { wasmKernels } from './wasm/index';

/** The kernels every op calls. Mutate only through `setKernel` / `resetKernels`. */
export const kernels: Kernels = { ...tsKernels };

/**
 * Replaces one kernel (e.g. with a WebAssembly implementation). Returns the previous one,
 * so a replacement can fall back to it for cases it does not handle.
 */
export function setKernel<K extends KernelName>(name: K, impl: Kernels[K]): Kernels[K] {
  // Own keys only: `in` would also accept inherited names such as 'constructor' or '__proto__'.
  if (!Object.hasOwn(tsKernels, name)) {
    throw new Error(`setKernel: unknown kernel '${String(name)}'; known kernels: ${Object.keys(tsKernels).join(', ')}`);
  }
  if (typeof impl !== 'function') throw new Error(`setKernel: the implementation of '${String(name)}' must be a function`);
  const previous = kernels[name];
  kernels[name] = impl;
  return previous;
}

/** Restores the plain TypeScript kernels (the 'ts' backend). */
export function resetKernels(): void {
  Object.assign(kernels, tsKernels);
  current = 'ts';
}

// ── backends ──────────────────────────────────────────────────────────────

/*
 * Backend selection: which implementation sits behind the kernel interface.
 *
 * - 'ts': the plain TypeScript kernels everywhere (the reference; works on every runtime).
 * - 'wasm': WebAssembly SIMD kernels where they exist (kernels/wasm/index.ts lists them), the
 *   TypeScript kernels for everything else. Needs a runtime with WebAssembly SIMD (Node ≥ 16.4, current browsers).
 *
 * The initial choice comes from the TAPEGRAD_BACKEND environment variable ('ts' or 'wasm') when
 * there is one; otherwise 'wasm' when the runtime supports SIMD, else 'ts'. Switch at any time
 * with setBackend(); results of the two agree within float32 rounding (see docs/performance.md).
 */
export type BackendName = 'ts' | 'wasm';

let current: BackendName = 'ts';

/** Selects the kernel backend. @throws when 'wasm' is asked for on a runtime without WebAssembly SIMD. */
export function setBackend(name: BackendName): void {
  if (name !== 'ts' && name !== 'wasm') throw new Error(`setBackend: unknown backend '${String(name)}'; use 'ts' or 'wasm'`);
  resetKernels();
  if (name === 'wasm') {
    if (!wasmSimdSupported()) {
      throw new Error("setBackend: this runtime has no WebAssembly SIMD support; use setBackend('ts')");
    }
    for (const [kernel, impl] of Object.entries(wasmKernels) as [KernelName, Kernels[KernelName]][]) setKernel(kernel, impl);
  }
  current = name;
}

/** The active backend, and the facts the benchmarks record. */
export function getBackend(): { name: BackendName; threads: number; simd: boolean; wasmKernels: string[] } {
  return {
    name: current,
    // Only the WebAssembly GEMM uses threads; the TS backend runs on the calling thread.
    threads: current === 'wasm' ? getNumThreads() : 1,
    simd: wasmSimdSupported(),
    wasmKernels: current === 'wasm' ? (Object.keys(wasmKernels) as KernelName[]).filter((k) => kernels[k] === wasmKernels[k]) : [],
  };
}

function fromEnvironment(): BackendName | null {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const v = env?.['TAPEGRAD_BACKEND'];
  if (v === undefined || v === '') return null;
  if (v !== 'ts' && v !== 'wasm') throw new Error(`TAPEGRAD_BACKEND must be 'ts' or 'wasm', got '${v}'`);
  return v;
}

/** The initial choice, applied when @tapegrad/core loads. */
function initBackend(): void {
  setBackend(fromEnvironment() ?? (wasmSimdSupported() ? 'wasm' : 'ts'));
}

initBackend();
