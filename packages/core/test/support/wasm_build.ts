/**
 * The committed WebAssembly modules must be what their sources compile to (npm test needs no build step).
 * assemblyscript is a devDependency, so `npm ci` always installs it and this check always runs.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/**
 * Recompiles build `name` with scripts/build_wasm.mjs and expects the committed
 * src/kernels/wasm/<name>_module.ts to hold those bytes (`base64`, its export) and to be, header
 * included, exactly the file the build script writes.
 */
export async function expectCommittedModuleMatches(name: string, base64: string): Promise<void> {
  const build = await import(/* @vite-ignore */ new URL('../../scripts/build_wasm.mjs', import.meta.url).href);
  const bytes: Uint8Array = await build.compileKernel(name);
  expect(Buffer.from(bytes).toString('base64')).toBe(base64);
  const committed = readFileSync(fileURLToPath(new URL(`../../src/kernels/wasm/${name}_module.ts`, import.meta.url)), 'utf8');
  expect(committed).toBe(build.renderModule(name, bytes));
}
