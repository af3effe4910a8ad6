#!/usr/bin/env node
// `npm run bench [-- --workload=W1,W4] [--backend=ts,wasm] [--threads=1,2]`: runs each workload in a fresh Node process (bundled from
// the TypeScript sources with esbuild, so no build step is needed), prints every JSON result line
// as it arrives, then a table.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const WORKLOADS = {
  W1: 'w1_matmul.ts',
  W2: 'w2_training.ts',
  W3: 'w3_course.ts',
  W4: 'w4_overhead.ts',
  W5: 'w5_memory.ts',
};

const backendArg = process.argv.find((a) => a.startsWith('--backend='));
// --backend=ts,wasm runs every workload once per backend (TAPEGRAD_BACKEND in the child's environment);
// without it, the library's default choice is used.
const backends = backendArg ? backendArg.slice('--backend='.length).split(',').map((s) => s.trim()) : [undefined];
// --threads=1,2 runs every workload once per thread count (TAPEGRAD_THREADS in the child's environment;
// only the WebAssembly backend uses threads); without it, the library's default (the core count).
const threadsArg = process.argv.find((a) => a.startsWith('--threads='));
const threadCounts = threadsArg ? threadsArg.slice('--threads='.length).split(',').map((s) => s.trim()) : [undefined];
for (const t of threadCounts) {
  if (t !== undefined && !/^[1-9][0-9]*$/.test(t)) {
    console.error(`bench: --threads takes positive integers, got '${t}'`);
    process.exit(2);
  }
}
const arg = process.argv.find((a) => a.startsWith('--workload='));
const chosen = arg ? arg.slice('--workload='.length).split(',').map((s) => s.trim().toUpperCase()) : Object.keys(WORKLOADS);
for (const w of chosen) {
  if (!(w in WORKLOADS)) {
    console.error(`bench: unknown workload '${w}'; known: ${Object.keys(WORKLOADS).join(', ')}`);
    process.exit(2);
  }
}

const outDir = join(root, 'bench', 'results');
mkdirSync(outDir, { recursive: true });
const esbuild = join(root, 'node_modules', '.bin', 'esbuild');
if (!existsSync(esbuild)) {
  console.error('bench: esbuild is missing; run `npm ci` first');
  process.exit(2);
}

const results = [];
for (const backend of backends) for (const threads of threadCounts) for (const w of chosen) {
  const entry = join(here, WORKLOADS[w]);
  const bundle = join(outDir, `${w}.mjs`);
  execFileSync(esbuild, [entry, '--bundle', '--platform=node', '--format=esm', '--conditions=source', '--log-level=warning', `--outfile=${bundle}`], { stdio: 'inherit' });
  const env = { ...process.env };
  if (backend !== undefined) env.TAPEGRAD_BACKEND = backend;
  if (threads !== undefined) env.TAPEGRAD_THREADS = threads;
  const r = spawnSync(process.execPath, [bundle], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26, env });
  if (r.status !== 0) {
    console.error(`bench: ${w} exited with status ${r.status}`);
    process.exit(r.status ?? 1);
  }
  for (const line of r.stdout.split('\n')) {
    if (!line.startsWith('{')) { if (line.trim()) console.log(line); continue; }
    console.log(line);
    results.push(JSON.parse(line));
  }
}

// The table: one row per figure.
const rows = results.map((r) => {
  const p = r.params;
  const extra = Object.entries(p).filter(([k]) => !['reps', 'dtype', 'backend', 'threads'].includes(k)).map(([k, v]) => `${k}=${v}`).join(' ');
  return [r.workload, extra, r.metric, String(r.value), r.unit, `${p.backend ?? ''}/${p.threads ?? ''}`, String(p.reps ?? '')];
});
const head = ['workload', 'params', 'metric', 'value', 'unit', 'backend/threads', 'reps'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const fmt = (r) => r.map((c, i) => c.padEnd(widths[i])).join('  ');
console.log('');
console.log(fmt(head));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(fmt(r));
