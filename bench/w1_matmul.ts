/**
 * W1 of bench-spec.md — matrix multiply C = A @ B, square n ∈ {64, 128, 256, 512, 1024}, float32.
 * A = uniform(1000+n, n², −1, 1), B = uniform(2000+n, n², −1, 1); the output is allocated by each call.
 * 2 warm-ups, then 5..200 repetitions within 1.5 s; metrics gflops = 2n³ / median_s / 1e9 and median_ms.
 *
 * It times the public `matmul` op on float32 tensors (whichever backend is active: TAPEGRAD_BACKEND, default WASM).
 * A and B come from `tensor()` and are never read through `.data`, so on the WASM backend they stay resident
 * in WebAssembly memory after the first call (docs/performance.md, "Resident operands"): what a user's
 * repeated products of the same tensors get. Only C is copied per call.
 *
 * Run: npx esbuild bench/w1_matmul.ts --bundle --platform=node --format=esm --conditions=source --log-level=warning | node --input-type=module
 */
import { pathToFileURL } from 'node:url';
import { uniform } from './data.mjs';
import { matmul, tensor } from '../packages/core/src/index';
import { emit, median, result, time, type BenchResult, backendParams } from './harness';
import { W1_TIMING } from './timing.mjs';


const SIZES = [64, 128, 256, 512, 1024];

/**
 * The operation being timed, as one small closure: C = A @ B with the output allocated per call,
 * returning once the result is on the host as a typed array.
 */
function makeCall(n: number): () => Float32Array {
  const a = tensor(uniform(1000 + n, n * n, -1, 1), { shape: [n, n] });
  const b = tensor(uniform(2000 + n, n * n, -1, 1), { shape: [n, n] });
  // The public op, as a user calls it: the result (and its storage) is allocated by each call.
  return () => matmul(a, b).data as Float32Array;
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const n of SIZES) {
    const call = makeCall(n);
    let sink = 0; // consumes every result, so the work cannot be optimised away
    const times = time(() => { sink += call()[0]!; }, W1_TIMING);
    if (Number.isNaN(sink)) throw new Error(`W1: NaN in the result at n=${n}`);
    const ms = median(times);
    const params = { n, reps: times.length, dtype: 'float32', ...backendParams() };
    const rows = [
      result('W1', params, 'gflops', (2 * n ** 3) / (ms / 1e3) / 1e9, 'GFLOP/s'),
      result('W1', params, 'median_ms', ms, 'ms'),
    ];
    emit(rows);
    results.push(...rows);
  }
  return results;
}

// Run when executed directly: as a file (node, tsx, or the bundle that bench/run.mjs writes) or piped
// into `node --input-type=module` (no script path). Importing this module from another one does not run it.
const entry = process.argv[1];
if (entry === undefined || import.meta.url === pathToFileURL(entry).href) await run();
