// TF.js peer of bench-spec.md's W1–W5: the same data (bench/data.mjs), model and timing rules as bench/*.ts,
// on TF.js's WebAssembly backend (SIMD) or its plain-JS cpu backend.
//
// `npm run bench -- --peer=tfjs-wasm,tfjs-cpu` runs it right after each tapegrad workload, so both see the same
// machine state, and prints tapegrad / TF.js speed ratios. It needs this folder's own dependencies:
// `npm ci --prefix bench/peers/tfjs` (nothing in the project's build or tests uses them).
//
// bench/run.mjs bundles it with esbuild first (`--main-fields=module,main`: TF.js's ES modules, whose gradient
// registrations the Node bundles leave out) into bench/results/, and passes --wasm-dir, where the backend's .wasm files are.
// Each result is one JSON line in bench-spec.md's format with "peer": "tfjs-wasm" or "tfjs-cpu".
// Memory is freed the TF.js way, with tf.tidy and dispose: TF.js tensors are not garbage-collected.
import * as tf from '@tensorflow/tfjs-core';
// The gradients are registered separately from the core (the `@tensorflow/tfjs` bundle does this import).
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { glorot, labels, uniform } from '../../data.mjs';
import { W1_TIMING, W4_TIMING, courseSteps, median, memoryRun, time, trainingSteps } from '../../timing.mjs';

const args = Object.fromEntries(process.argv.slice(2).filter((a) => a.startsWith('--') && a.includes('=')).map((a) => a.slice(2).split('=', 2)));
const backend = args.backend ?? 'wasm';
if (backend !== 'wasm' && backend !== 'cpu') {
  console.error(`tfjs peer: --backend is wasm or cpu, got '${backend}'`);
  process.exit(2);
}
const PEER = `tfjs-${backend}`;

function emit(workload, params, metric, value, unit) {
  console.log(JSON.stringify({ peer: PEER, workload, params, metric, value: Number(value.toPrecision(6)), unit }));
}

/**
 * The first losses depend only on the data: a mismatch means this script's data or model differ from bench-spec.md's.
 * Within 1e-5 relative, not to the printed digits: TF.js adds float32 sums in float32 (W3's first loss is 6.56447).
 */
function check(workload, name, got, want) {
  if (!(Math.abs(got - Number(want)) <= 1e-5 * Number(want))) {
    console.error(`tfjs peer: ${workload} ${name} is ${got.toPrecision(6)}, bench-spec.md says ${want}: the data or the model differ`);
    process.exit(1);
  }
}

/** A one-hot float32 [n, k] matrix of labels. */
function oneHot(ys, k) {
  const out = new Float32Array(ys.length * k);
  ys.forEach((y, i) => { out[i * k + y] = 1; });
  return tf.tensor2d(out, [ys.length, k]);
}

function w1(base) {
  for (const n of [64, 128, 256, 512, 1024]) {
    const a = tf.tensor2d(uniform(1000 + n, n * n, -1, 1), [n, n]);
    const b = tf.tensor2d(uniform(2000 + n, n * n, -1, 1), [n, n]);
    // The output is allocated by each call and read back to the host; then freed (TF.js needs the dispose).
    const times = time(() => { const c = tf.matMul(a, b); c.dataSync(); c.dispose(); }, W1_TIMING);
    const s = median(times) / 1000;
    const p = { n, reps: times.length, ...base };
    emit('W1', p, 'gflops', 2 * n ** 3 / s / 1e9, 'GFLOP/s');
    emit('W1', p, 'median_ms', s * 1e3, 'ms');
    a.dispose();
    b.dispose();
  }
}

/** The W2 step (bench/w2_mlp.ts): 784-256-128-10 MLP, ReLU, softmax cross-entropy (batch mean), Adam. */
function makeW2Step() {
  const x = tf.tensor2d(uniform(1, 128 * 784, 0, 1), [128, 784]);
  const y = oneHot(Array.from(labels(2, 128, 10)), 10);
  const sizes = [784, 256, 128, 10];
  const ws = [0, 1, 2].map((i) => tf.variable(tf.tensor2d(glorot(11 + i, sizes[i], sizes[i + 1]), [sizes[i], sizes[i + 1]])));
  const bs = [0, 1, 2].map((i) => tf.variable(tf.zeros([sizes[i + 1]])));
  // TF.js's Adam adds eps to √v̂ as PyTorch does, but applies the bias corrections to the step size (TF's form), so its
  // losses after step 1 differ from tapegrad's and PyTorch's in the last digits.
  const opt = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
  return () => {
    const loss = opt.minimize(() => {
      const h1 = tf.relu(tf.add(tf.matMul(x, ws[0]), bs[0]));
      const h2 = tf.relu(tf.add(tf.matMul(h1, ws[1]), bs[1]));
      return tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(h2, ws[2]), bs[2]));
    }, true);
    const value = loss.dataSync()[0];
    loss.dispose();
    return value;
  };
}

function w2(base) {
  const { losses, times } = trainingSteps(makeW2Step());
  check('W2', 'check_loss_first', losses[0], '2.43367');
  const sps = 1000 / median(times);
  const p = { batch: 128, layers: '784-256-128-10', reps: times.length, ...base };
  emit('W2', p, 'steps_per_s', sps, 'steps/s');
  emit('W2', p, 'samples_per_s', sps * 128, 'samples/s');
  emit('W2', p, 'check_loss_first', losses[0], '');
  emit('W2', p, 'check_loss_last', losses[59], '');
}

function w3(base) {
  const m = 5000;
  const x = tf.tensor2d(uniform(3, m * 400, 0, 1), [m, 400]);
  const y = oneHot(Array.from(labels(4, m, 10)), 10);
  const w1_ = tf.variable(tf.tensor2d(uniform(21, 400 * 25, -0.12, 0.12), [400, 25]));
  const b1 = tf.variable(tf.zeros([25]));
  const w2_ = tf.variable(tf.tensor2d(uniform(22, 25 * 10, -0.12, 0.12), [25, 10]));
  const b2 = tf.variable(tf.zeros([10]));
  const opt = tf.train.sgd(1.0);
  const step = () => {
    const loss = opt.minimize(() => {
      const h = tf.sigmoid(tf.add(tf.matMul(tf.sigmoid(tf.add(tf.matMul(x, w1_), b1)), w2_), b2));
      // J = −(1/m) Σᵢ Σₖ [y log h + (1−y) log(1−h)], written out (TF.js's own losses take logits or average over classes)
      const ll = tf.add(tf.mul(y, tf.log(h)), tf.mul(tf.sub(1, y), tf.log1p(tf.neg(h))));
      return tf.div(tf.neg(tf.sum(ll)), m);
    }, true);
    const value = loss.dataSync()[0];
    loss.dispose();
    return value;
  };
  const { losses, times } = courseSteps(step);
  check('W3', 'check_loss_first', losses[0], '6.56449');
  const p = { m, layers: '400-25-10', reps: times.length, ...base };
  emit('W3', p, 'steps_per_s', 1000 / median(times), 'steps/s');
  emit('W3', p, 'check_loss_first', losses[0], '');
  emit('W3', p, 'check_loss_last', losses[22], '');
}

function w4(base) {
  const x0 = tf.tensor1d(uniform(5, 8, -1, 1));
  const chain = (x) => {
    for (let i = 0; i < 1000; i++) {
      const r = i % 3;
      x = r === 0 ? tf.mul(x, -0.99) : r === 1 ? tf.add(x, 0.1) : tf.tanh(x);
    }
    return x;
  };
  const grad = tf.grad((x) => tf.sum(chain(x)));
  const rep = () => tf.tidy(() => grad(x0).dataSync()[0]);
  const forwardOnly = () => tf.tidy(() => chain(x0).dataSync()[0]);
  const times = time(rep, W4_TIMING);
  const fwd = time(forwardOnly, W4_TIMING);
  const s = median(times) / 1000;
  const p = { n: 8, chain: 1000, reps: times.length, ...base };
  emit('W4', p, 'ops_per_s', 1000 / s, 'ops/s');
  emit('W4', p, 'us_per_op', s / 1000 * 1e6, 'us');
  emit('W4', p, 'fwd_only_ops_per_s', 1000 / (median(fwd) / 1000), 'ops/s');
  emit('W4', p, 'check_grad0', rep(), '');
}

function w5(base) {
  const { rssStart, rss100, rss500, peak, seconds } = memoryRun(makeW2Step);
  const p = { steps: 500, ...base };
  emit('W5', p, 'rss_start_mb', rssStart, 'MiB');
  emit('W5', { ...p, step: 100 }, 'rss_mb', rss100, 'MiB');
  emit('W5', { ...p, step: 500 }, 'rss_mb', rss500, 'MiB');
  emit('W5', p, 'rss_growth_mb', rss500 - rss100, 'MiB');
  emit('W5', p, 'peak_rss_mb', peak, 'MiB');
  emit('W5', p, 'steps_per_s', 500 / seconds, 'steps/s');
}

if (backend === 'wasm') {
  // In Node the backend reads its .wasm files from disk: the package's dist folder.
  if (args['wasm-dir'] === undefined) {
    console.error('tfjs peer: --wasm-dir=… (the folder of tfjs-backend-wasm-simd.wasm) is needed for --backend=wasm');
    process.exit(2);
  }
  setWasmPaths(args['wasm-dir'].endsWith('/') ? args['wasm-dir'] : `${args['wasm-dir']}/`);
}
if (!(await tf.setBackend(backend))) {
  console.error(`tfjs peer: TF.js could not start its ${backend} backend (its message is above)`);
  process.exit(1);
}
const base = {
  dtype: 'float32',
  backend: `${PEER}-${tf.version_core}${backend === 'wasm' && tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? '-simd' : ''}`,
  threads: backend === 'wasm' ? getThreadsCount() : 1,
};
const runners = { W1: w1, W2: w2, W3: w3, W4: w4, W5: w5 };
for (const w of (args.workload ?? 'W1,W2,W3,W4,W5').split(',').map((s) => s.trim().toUpperCase())) {
  if (!(w in runners)) {
    console.error(`tfjs peer: no ${w} (it runs ${Object.keys(runners).join(', ')})`);
    process.exit(2);
  }
  runners[w](base);
}
