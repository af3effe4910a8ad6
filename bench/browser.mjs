#!/usr/bin/env node
// `node bench/browser.mjs [path/to/chromium]`: runs the WebAssembly GEMM in headless Chromium, once on
// a plain page and once on a cross-origin isolated one (COOP/COEP headers), and prints what each got:
// backend, thread count, whether the pool's workers ran tasks, W1-style GFLOP/s at n = 512, and the
// largest difference from the TypeScript kernel. Not part of `npm test` (CI has no browser); needs a
// Chromium (Debian: apt-get install chromium).
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const chromium = process.argv[2] ?? '/usr/bin/chromium';
const dir = mkdtempSync(join(tmpdir(), 'tapegrad-browser-'));

const page = `
import { getBackend, getNumThreads } from '${join(root, 'packages/core/src/index.ts')}';
import { wasmMatmulF32, poolStats } from '${join(root, 'packages/core/src/kernels/wasm/gemm.ts')}';
import { matmul as tsMatmul } from '${join(root, 'packages/core/src/kernels/ts/matmul.ts')}';
const n = 512, a = new Float32Array(n * n), b = new Float32Array(n * n);
for (let i = 0; i < n * n; i++) { a[i] = Math.sin(i); b[i] = Math.cos(3 * i); }
const out = new Float32Array(n * n), ref = new Float32Array(n * n);
tsMatmul(a, b, ref, 1, n, n, n, 0, 0, false, false);
const times = [];
for (let r = 0; r < 25; r++) {
  const t0 = performance.now();
  wasmMatmulF32(a, b, out, 1, n, n, n, 0, 0, false, false);
  times.push(performance.now() - t0);
  await new Promise((res) => setTimeout(res, 0)); // let the workers start
}
let maxDiff = 0;
for (let i = 0; i < n * n; i++) maxDiff = Math.max(maxDiff, Math.abs(out[i] - ref[i]));
times.sort((x, y) => x - y);
const result = { isolated: self.crossOriginIsolated === true, backend: getBackend().name, threads: getNumThreads(),
  pool: poolStats(), gflops: +(2 * n ** 3 / (times[times.length >> 1] / 1e3) / 1e9).toFixed(1), maxDiff };
await fetch('/result', { method: 'POST', body: JSON.stringify(result) });
`;
writeFileSync(join(dir, 'page.ts'), page);
execFileSync(join(root, 'node_modules/.bin/esbuild'), [join(dir, 'page.ts'), '--bundle', '--format=esm', '--platform=browser',
  '--conditions=source', '--log-level=warning', `--outfile=${join(dir, 'page.js')}`], { stdio: 'inherit', cwd: root });
const js = readFileSync(join(dir, 'page.js'));

async function run(isolated) {
  let done;
  const got = new Promise((resolve) => { done = resolve; });
  const server = createServer((req, res) => {
    const headers = isolated ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {};
    if (req.url === '/result') {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => { res.end('ok'); done(JSON.parse(body)); });
    } else if (req.url === '/page.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript', ...headers }).end(js);
    } else {
      res.writeHead(200, { 'Content-Type': 'text/html', ...headers }).end('<script type="module" src="/page.js"></script>');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/`;
  const browser = spawn(chromium, ['--headless', '--no-sandbox', '--disable-gpu', `--user-data-dir=${join(dir, `profile-${isolated}`)}`, url], { stdio: 'ignore' });
  const timeout = setTimeout(() => done({ error: 'no result within 60 s' }), 60_000);
  const result = await got;
  clearTimeout(timeout);
  browser.kill();
  server.close();
  return result;
}

try {
  for (const isolated of [false, true]) console.log(JSON.stringify({ page: isolated ? 'cross-origin isolated' : 'plain', ...(await run(isolated)) }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
