#!/usr/bin/env node
// `npm run bench [-- --workload=W1,W4] [--backend=ts,wasm] [--threads=1,2] [--peer=pytorch,tfjs-wasm,tfjs-cpu]`: runs each workload in a fresh
// Node process (bundled from the TypeScript sources with esbuild, so no build step is needed), prints every JSON result
// line as it arrives, then a table.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
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

// --peer=pytorch,tfjs-wasm,tfjs-cpu runs the other systems right after each of our workloads, so that both see the same
// machine state, and adds a table of speed ratios: bench/peers/pytorch.py (W1–W5 with our thread count; TAPEGRAD_PYTHON
// names the interpreter) and bench/peers/tfjs/peer.mjs (W1–W5 on TF.js's WebAssembly or plain-JS backend, one thread).
const peerArg = process.argv.find((a) => a.startsWith('--peer='));
const PEERS = ['pytorch', 'tfjs-wasm', 'tfjs-cpu']; // each runs all five workloads
const peers = peerArg ? peerArg.slice('--peer='.length).split(',').map((s) => s.trim()) : [];
const python = process.env.TAPEGRAD_PYTHON ?? 'python3';
const tfjsDir = join(here, 'peers', 'tfjs');
for (const peer of peers) {
  if (!PEERS.includes(peer)) {
    console.error(`bench: unknown peer '${peer}'; known: ${PEERS.join(', ')}`);
    process.exit(2);
  }
}
if (peers.includes('pytorch')) {
  const probe = spawnSync(python, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    console.error(`bench: --peer=pytorch needs torch and numpy importable by '${python}' (pip install torch numpy; TAPEGRAD_PYTHON picks another interpreter)`);
    process.exit(2);
  }
}
if (peers.some((p) => p.startsWith('tfjs')) && !existsSync(join(tfjsDir, 'node_modules', '@tensorflow', 'tfjs-core'))) {
  console.error('bench: the TF.js peers need their own dependencies: npm ci --prefix bench/peers/tfjs');
  process.exit(2);
}

/** Runs a command, echoes and collects its JSON result lines; exits the bench if it fails. */
function collect(what, cmd, args, env) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26, env });
  if (r.status !== 0) {
    console.error(`bench: ${what} exited with status ${r.status}`);
    process.exit(r.status ?? 1);
  }
  const lines = [];
  for (const line of r.stdout.split('\n')) {
    if (!line.startsWith('{')) { if (line.trim()) console.log(line); continue; }
    console.log(line);
    lines.push(JSON.parse(line));
  }
  return lines;
}

const outDir = join(root, 'bench', 'results');
mkdirSync(outDir, { recursive: true });
const esbuild = join(root, 'node_modules', '.bin', 'esbuild');
if (!existsSync(esbuild)) {
  console.error('bench: esbuild is missing; run `npm ci` first');
  process.exit(2);
}

/** Bundles a script with esbuild into bench/results/ (no build step needed); returns the bundle's path. */
function bundle(entry, name, extra = []) {
  const out = join(outDir, name);
  execFileSync(esbuild, [entry, '--bundle', '--platform=node', '--format=esm', '--log-level=warning', ...extra, `--outfile=${out}`], { stdio: 'inherit' });
  return out;
}

// The TF.js peer, bundled once: TF.js's ES modules (its Node bundles leave out the gradient registrations), with the
// require and __dirname its Emscripten loader expects.
const tfjsBundle = peers.some((p) => p.startsWith('tfjs')) ? bundle(join(tfjsDir, 'peer.mjs'), 'tfjs-peer.mjs', [
  '--main-fields=module,main',
  "--banner:js=import { createRequire as __peerRequire } from 'node:module'; import { dirname as __peerDirname } from 'node:path'; " +
  "import { fileURLToPath as __peerPath } from 'node:url'; const require = __peerRequire(import.meta.url); const __dirname = __peerDirname(__peerPath(import.meta.url));",
]) : null;

/** Runs `peer` on workload w; `threads` is the thread count our run used (TF.js runs one). */
function runPeer(peer, w, threads) {
  if (peer === 'pytorch') {
    return collect(`the pytorch peer (${w})`, python, [join(here, 'peers', 'pytorch.py'), `--workload=${w}`, `--threads=${threads}`], process.env);
  }
  const wasmDir = join(tfjsDir, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
  return collect(`the ${peer} peer (${w})`, process.execPath, [tfjsBundle, `--backend=${peer.slice('tfjs-'.length)}`, `--workload=${w}`, `--wasm-dir=${wasmDir}`], process.env);
}

const results = [];
/** [tapegrad result, peer, that peer's results of the run right after it] for the ratio table. */
const pairs = [];
for (const backend of backends) for (const threads of threadCounts) for (const w of chosen) {
  const entry = join(here, WORKLOADS[w]);
  const bundled = bundle(entry, `${w}.mjs`, ['--conditions=source']);
  const env = { ...process.env };
  if (backend !== undefined) env.TAPEGRAD_BACKEND = backend;
  if (threads !== undefined) env.TAPEGRAD_THREADS = threads;
  const ours = collect(w, process.execPath, [bundled], env);
  results.push(...ours);
  for (const peer of peers) {
    const t = threads ?? process.env.TAPEGRAD_THREADS ?? String(availableParallelism()); // the thread count our run used
    const theirs = runPeer(peer, w, t);
    results.push(...theirs);
    for (const r of ours) pairs.push([r, peer, theirs]);
  }
}

/** Prints a blank line, then rows of strings as columns padded to their widest cell under a header. */
function printTable(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r) => r.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log('');
  console.log(fmt(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(fmt(r));
}

// The table: one row per figure.
printTable(['peer', 'workload', 'params', 'metric', 'value', 'unit', 'backend/threads', 'reps'], results.map((r) => {
  const p = r.params;
  const extra = Object.entries(p).filter(([k]) => !['reps', 'dtype', 'backend', 'threads'].includes(k)).map(([k, v]) => `${k}=${v}`).join(' ');
  return [r.peer, r.workload, extra, r.metric, String(r.value), r.unit, `${p.backend ?? ''}/${p.threads ?? ''}`, String(p.reps ?? '')];
}));

// Speed ratios against the peer run right after each workload: tapegrad's speed ÷ the peer's (above 1: tapegrad is faster;
// for µs per op, the inverse of the values' ratio).
const SPEEDS = { gflops: 1, steps_per_s: 1, ops_per_s: 1, us_per_op: -1 };
const ratioRows = [];
for (const [r, peer, theirs] of pairs) {
  const sense = SPEEDS[r.metric];
  if (sense === undefined) continue;
  const p = theirs.find((q) => q.metric === r.metric && q.params.n === r.params.n);
  if (p === undefined) continue;
  const ratio = sense > 0 ? r.value / p.value : p.value / r.value;
  ratioRows.push([r.workload, r.params.n === undefined ? '' : `n=${r.params.n}`, r.metric, String(r.value), `${r.params.backend}/${r.params.threads}`,
    peer, String(p.value), `${p.params.threads}`, ratio.toFixed(3)]);
}
if (ratioRows.length > 0) {
  printTable(['workload', 'params', 'metric', 'tapegrad', 'backend/threads', 'peer', 'peer value', 'peer threads', 'speed ratio'], ratioRows);
}
