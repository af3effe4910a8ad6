#!/usr/bin/env node
/**
 * Compiles every AssemblyScript kernel packages/core/wasm/<name>.ts with asc (some twice, with
 * different flags: SPECIAL_BUILDS) and writes packages/core/src/kernels/wasm/<build>_module.ts, which holds the .wasm bytes as base64
 * (`export const <NAME>_WASM_BASE64 = '…'`). The generated modules are committed, so users and
 * `npm test` need no build step; a test recompiles each source and checks it matches.
 *
 * Run (from the repository root): node packages/core/scripts/build_wasm.mjs
 *
 * Output is deterministic: the same source and asc version give the same bytes, and the file is
 * written only when its content changes. Importing this file compiles nothing (the test uses
 * `compileKernel` / `renderModule`); only running it as a script writes files.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** packages/core */
export const CORE_DIR = resolve(here, '..');
/** AssemblyScript sources, one kernel module per file. */
export const SOURCE_DIR = join(CORE_DIR, 'wasm');
/** Where the generated TypeScript modules go. */
export const OUTPUT_DIR = join(CORE_DIR, 'src', 'kernels', 'wasm');
/** The asc flags every kernel is compiled with (KERNELS.md §2). Plain SIMD128 only: relaxed SIMD needs a flag in Node 20. */
export const ASC_FLAGS = ['-O3', '--runtime', 'stub', '--enable', 'simd', '--noAssert'];

/**
 * Builds that differ from `<name>.ts with ASC_FLAGS`: the GEMM is compiled twice, both importing
 * their memory (the loader sizes it): once alone for an ordinary memory (one thread), and once as
 * threads.ts (the GEMM plus the elementwise kernels' pool entry) for a shared memory that the worker
 * pool's threads all instantiate (4 GiB maximum: shared memories must declare one).
 */
const SPECIAL_BUILDS = {
  gemm: { source: 'gemm', flags: [...ASC_FLAGS, '--importMemory', '--initialMemory', '1'] },
  gemm_shared: {
    source: 'threads',
    flags: [...ASC_FLAGS, '--importMemory', '--sharedMemory', '--enable', 'threads', '--initialMemory', '1', '--maximumMemory', '65536'],
  },
};

/** Source file name (without .ts) and asc flags of build `name`. */
export function buildOf(name) {
  return SPECIAL_BUILDS[name] ?? { source: name, flags: ASC_FLAGS };
}

/** The build names, sorted: every packages/core/wasm/<name>.ts, with the special builds in place of their source. */
export async function kernelNames() {
  const files = await readdir(SOURCE_DIR);
  const sources = files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => f.slice(0, -3));
  const special = Object.entries(SPECIAL_BUILDS);
  const covered = new Set(special.map(([, b]) => b.source));
  return [...sources.filter((s) => !covered.has(s)), ...special.map(([name]) => name)].sort();
}

/**
 * Compiles build `name` (packages/core/wasm/<source>.ts with its flags) and returns the .wasm bytes
 * (nothing is written to disk). Throws with asc's diagnostics on a compile error.
 */
export async function compileKernel(name) {
  const { default: asc } = await import('assemblyscript/asc');
  let binary = null;
  const stderr = [];
  const { source, flags } = buildOf(name);
  // Compiled from inside SOURCE_DIR, so nothing in the output depends on where the repository or the shell is.
  const entry = `${source}.ts`;
  const { error } = await asc.main([entry, '--baseDir', SOURCE_DIR, ...flags, '--outFile', `${name}.wasm`], {
    stdout: { write() { return true; } },
    stderr: { write(s) { stderr.push(String(s)); return true; } },
    writeFile(filename, contents) {
      if (filename.endsWith('.wasm')) binary = contents;
    },
  });
  if (error) throw new Error(`asc failed on ${entry}: ${error.message}\n${stderr.join('')}`);
  if (!binary) throw new Error(`asc produced no binary for ${entry}`);
  return new Uint8Array(binary);
}

/** The generated TypeScript module for kernel `name` with the given .wasm bytes. */
export function renderModule(name, bytes) {
  const constName = `${name.toUpperCase()}_WASM_BASE64`;
  const base64 = Buffer.from(bytes).toString('base64');
  const { source, flags } = buildOf(name);
  return [
    '// GENERATED FILE — do not edit.',
    `// WebAssembly module compiled from packages/core/wasm/${source}.ts with`,
    `//   asc ${source}.ts ${flags.join(' ')}`,
    `// (${bytes.length} bytes). Regenerate with: node packages/core/scripts/build_wasm.mjs`,
    `// test/kernels/wasm/${source}.test.ts checks that this file matches its source.`,
    `export const ${constName} =`,
    `  '${base64}';`,
    '',
  ].join('\n');
}

/** Path of the generated module of kernel `name`. */
export function modulePath(name) {
  return join(OUTPUT_DIR, `${name}_module.ts`);
}

async function main() {
  const names = await kernelNames();
  await mkdir(OUTPUT_DIR, { recursive: true });
  for (const name of names) {
    const bytes = await compileKernel(name);
    const text = renderModule(name, bytes);
    const out = modulePath(name);
    let old = null;
    try { old = await readFile(out, 'utf8'); } catch { /* first build */ }
    if (old === text) {
      console.log(`${relative(process.cwd(), out)}: up to date (${bytes.length} bytes of wasm)`);
    } else {
      await writeFile(out, text);
      console.log(`${relative(process.cwd(), out)}: written (${bytes.length} bytes of wasm)`);
    }
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(resolve(entry)).href) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
