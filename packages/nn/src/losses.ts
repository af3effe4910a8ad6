/**
 * Losses: plain functions `(input, target, options) => Tensor` built from core ops, so autograd
 * gives their gradients and gradcheck verifies them like any op. Regression (mse, mae, huber),
 * binary classification (binaryCrossEntropy from probabilities, binaryCrossEntropyWithLogits) and
 * multi-class classification (crossEntropy from logits, nll from log-probabilities).
 *
 * Every loss takes `reduction: 'mean' | 'sum' | 'none'` (default 'mean'), with PyTorch's semantics:
 * 'none' returns the per-element losses (per-sample for crossEntropy / nll). See docs/losses.md.
 */
import {
  Tensor, abs, add, broadcastShapes, defineOp, div, eq, gather, gt, kernels, le, log, log1p, logSigmoid, logSoftmax, maximum,
  mul, neg, reshape, square, sub, sum, sumToShape, where, type Op,
} from '@tapegrad/core';

// ── options ───────────────────────────────────────────────────────────────

/** How per-element (or per-sample) losses are combined: averaged (default), summed, or returned as they are. */
export type Reduction = 'mean' | 'sum' | 'none';

/** Options every loss accepts. */
export interface LossOptions {
  /** 'mean' (default), 'sum', or 'none' (the unreduced losses, shaped like the input / the batch). */
  reduction?: Reduction;
}

export interface HuberOptions extends LossOptions {
  /** Where the loss changes from quadratic to linear (default 1, as PyTorch and Keras); must be > 0. */
  delta?: number;
}

export interface BinaryCrossEntropyOptions extends LossOptions {
  /** Rescaling weight multiplied into each element's loss; must broadcast to the input's shape. */
  weight?: Tensor;
  /**
   * Keras-style clipping: when given, p is clipped to [eps, 1 − eps] before the logs (Keras uses
   * 1e-7). Default: none — PyTorch's behaviour, which clamps each log at −100 instead.
   */
  eps?: number;
}

export interface BinaryCrossEntropyWithLogitsOptions extends LossOptions {
  /** Rescaling weight multiplied into each element's loss; must broadcast to the input's shape. */
  weight?: Tensor;
  /** Weight of the positive term (PyTorch's pos_weight), a number or a tensor broadcasting to the input (e.g. [C]). */
  posWeight?: Tensor | number;
}

export interface NllOptions extends LossOptions {
  /** Class weights: C numbers (a Tensor [C] or an array). Constants: no gradient flows to them. */
  weight?: Tensor | readonly number[];
  /** A target value whose samples contribute 0 and are left out of the mean (default −100, as PyTorch). */
  ignoreIndex?: number;
}

export interface CrossEntropyOptions extends NllOptions {
  /** ε ∈ [0, 1]: the target becomes (1 − ε)·target + ε/C (default 0). */
  labelSmoothing?: number;
}

/** Class-index targets: a number per sample (integer-valued), as an array, an Int32Array, or a Tensor [N] (a number or 0-d Tensor for one sample). */
export type ClassTarget = Tensor | readonly number[] | Int32Array | number;

// ── validation helpers ────────────────────────────────────────────────────

const fmt = (shape: readonly number[]): string => `[${shape.join(',')}]`;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (ArrayBuffer.isView(v)) return 'a typed array';
  return typeof v;
}

/** Checks the options object: an object (or undefined) whose keys are all known. */
function readOptions<T extends object>(name: string, opts: unknown, known: readonly string[]): Partial<T> {
  if (opts === undefined) return {};
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) {
    throw new Error(`${name}: options must be an object like {reduction: 'mean'}, got ${describe(opts)}`);
  }
  for (const k of Object.keys(opts)) {
    if (!known.includes(k)) throw new Error(`${name}: unknown option '${k}'; the options are ${known.join(', ')}`);
  }
  return opts as Partial<T>;
}

function readReduction(name: string, r: unknown): Reduction {
  if (r === undefined) return 'mean';
  if (r !== 'mean' && r !== 'sum' && r !== 'none') {
    throw new Error(`${name}: unknown reduction '${String(r)}'; use 'mean', 'sum' or 'none'`);
  }
  return r;
}

function checkTensor(name: string, what: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${name}: ${what} must be a Tensor, got ${describe(x)}`);
  return x;
}

function checkDtypes(name: string, a: Tensor, aName: string, b: Tensor, bName: string): void {
  if (a.dtype !== b.dtype) {
    throw new Error(`${name}: ${aName} is ${a.dtype} ${fmt(a.shape)} but ${bName} is ${b.dtype} ${fmt(b.shape)}; convert one with .astype('${a.dtype}')`);
  }
}

const sameShape = (a: Tensor, b: Tensor): boolean => a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);

/** Fresh storage for a fused kernel's output: t's dtype and size. */
const storageLike = (t: Tensor): Float32Array | Float64Array => (t.dtype === 'float64' ? new Float64Array(t.size) : new Float32Array(t.size));

/** input and target: Tensors of one dtype and exactly one shape (no silent broadcasting). */
function checkPair(name: string, input: unknown, target: unknown): [Tensor, Tensor] {
  const x = checkTensor(name, 'input', input);
  const y = checkTensor(name, 'target', target);
  if (!sameShape(x, y)) {
    throw new Error(
      `${name}: input has shape ${fmt(x.shape)} but target has shape ${fmt(y.shape)}; the shapes must match exactly ` +
        `(no broadcasting): reshape the target to ${fmt(x.shape)}`,
    );
  }
  checkDtypes(name, x, 'input', y, 'target');
  return [x, y];
}

/** A per-element weight tensor: same dtype as the input, broadcasting to the input's shape without growing it. */
function checkElementWeight(name: string, option: string, w: unknown, x: Tensor): Tensor {
  const t = checkTensor(name, option, w);
  let ok = true;
  try {
    const s = broadcastShapes(t.shape, x.shape, name);
    ok = s.length === x.shape.length && s.every((d, i) => d === x.shape[i]);
  } catch {
    ok = false;
  }
  if (!ok) throw new Error(`${name}: ${option} has shape ${fmt(t.shape)}, which does not broadcast to the input's shape ${fmt(x.shape)}`);
  checkDtypes(name, x, 'input', t, option);
  return t;
}

function reduce(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return loss;
  const s = sum(loss);
  return reduction === 'sum' ? s : div(s, loss.size);
}

// ── regression ────────────────────────────────────────────────────────────

/**
 * Mean squared error: ℓᵢ = (xᵢ − yᵢ)², averaged (or summed) over all elements.
 * ∂ℓᵢ/∂xᵢ = 2(xᵢ − yᵢ) (divided by the element count for 'mean'). PyTorch's MSELoss.
 * @example mse(tensor([1, 2, 3]), tensor([1, 0, 0])).item() // (0 + 4 + 9)/3 = 4.333…
 */
export function mse(input: Tensor, target: Tensor, options?: LossOptions): Tensor {
  const o = readOptions<LossOptions>('mse', options, ['reduction']);
  const reduction = readReduction('mse', o.reduction);
  const [x, y] = checkPair('mse', input, target);
  return reduce(square(sub(x, y)), reduction);
}

/**
 * Mean absolute error: ℓᵢ = |xᵢ − yᵢ|. ∂ℓᵢ/∂xᵢ = sign(xᵢ − yᵢ), 0 at xᵢ = yᵢ (the kink; PyTorch's choice).
 * PyTorch's L1Loss, Keras's MeanAbsoluteError.
 * @example mae(tensor([1, 2, 3]), tensor([1, 0, 0])).item() // (0 + 2 + 3)/3 = 1.666…
 */
export function mae(input: Tensor, target: Tensor, options?: LossOptions): Tensor {
  const o = readOptions<LossOptions>('mae', options, ['reduction']);
  const reduction = readReduction('mae', o.reduction);
  const [x, y] = checkPair('mae', input, target);
  return reduce(abs(sub(x, y)), reduction);
}

/**
 * Huber loss (PyTorch's HuberLoss), with d = x − y: ℓ = ½d² where |d| ≤ δ, else δ·(|d| − ½δ).
 * ∂ℓ/∂x = d inside, δ·sign(d) outside: continuous, so outliers pull with at most δ. Its second
 * derivative jumps from 1 to 0 at |d| = δ.
 * NOTE: this is PyTorch's HuberLoss (and Keras's Huber). PyTorch's SmoothL1Loss(β) is huber / β.
 * @example huber(tensor([0, 0.5, 3]), tensor([0, 0, 0])).item() // (0 + 0.125 + 2.5)/3 = 0.875
 */
export function huber(input: Tensor, target: Tensor, options?: HuberOptions): Tensor {
  const o = readOptions<HuberOptions>('huber', options, ['reduction', 'delta']);
  const reduction = readReduction('huber', o.reduction);
  const delta = o.delta ?? 1;
  if (typeof delta !== 'number' || !Number.isFinite(delta) || delta <= 0) {
    throw new Error(`huber: delta must be a finite number > 0, got ${String(delta)}; e.g. {delta: 1}`);
  }
  const [x, y] = checkPair('huber', input, target);
  const d = sub(x, y);
  const a = abs(d);
  return reduce(where(le(a, delta), mul(square(d), 0.5), mul(sub(a, 0.5 * delta), delta)), reduction);
}

// ── binary classification ─────────────────────────────────────────────────

/** PyTorch's lower bound on each log in binary cross-entropy. */
const LOG_FLOOR = -100;
/** PyTorch's floor on p·(1 − p) in the gradient of binary cross-entropy. */
const GRAD_FLOOR = 1e-12;

/** log p and log(1 − p), each clamped at −100 (so log 0 is −100, not −∞). */
const clampedLog = (p: Tensor): Tensor => maximum(log(p), LOG_FLOOR);
const clampedLog1m = (p: Tensor): Tensor => maximum(log1p(neg(p)), LOG_FLOOR);

/**
 * binaryCrossEntropy's gradient with respect to p for the incoming gradient dy (PyTorch's formula):
 * dy·(p − y) / max(p(1 − p), 1e-12). One pass of core's binaryCrossEntropyBackward kernel when p, y and dy
 * have one shape (always, from binaryCrossEntropyOp): bit for bit div(mul(dy, sub(p, y)), maximum(mul(p,
 * sub(1, p)), 1e-12)), which runs otherwise. Its own backward is written with ops (second order works), with
 * d = max(p(1 − p), 1e-12) and out the result: ∂/∂p = dy/d − (out/d)·(1 − 2p)·[p(1 − p) > 1e-12] (½ at the
 * tie, as maximum splits it), ∂/∂y = −dy/d, ∂/∂dy = (p − y)/d. Exported for tests only (not in index.ts).
 */
export const binaryCrossEntropyBackward: Op<[Tensor, Tensor, Tensor]> = defineOp({
  name: 'binaryCrossEntropyBackward',
  forward: (p: Tensor, y: Tensor, dy: Tensor) => {
    if (!(sameShape(p, y) && sameShape(p, dy))) return div(mul(dy, sub(p, y)), maximum(mul(p, sub(1, p)), GRAD_FLOOR));
    const out = storageLike(p);
    kernels.binaryCrossEntropyBackward(p.data, y.data, dy.data, out);
    return new Tensor(out, p.shape, p.dtype);
  },
  backward: (g, { inputs: [p, y, dy], output, needsGrad }) => {
    const m = mul(p!, sub(1, p!));
    const gd = div(g, maximum(m, GRAD_FLOOR)); // g/d
    // ∂d/∂p = (1 − 2p)·(1 where m > floor, ½ at the tie, else 0): maximum's backward.
    const dd = needsGrad[0] ? mul(sub(1, mul(p!, 2)), add(gt(m, GRAD_FLOOR), mul(eq(m, GRAD_FLOOR), 0.5))) : null;
    return [
      needsGrad[0] ? sumToShape(sub(mul(gd, dy!), mul(mul(gd, output), dd!)), p!.shape) : null,
      needsGrad[1] ? sumToShape(neg(mul(gd, dy!)), y!.shape) : null,
      needsGrad[2] ? sumToShape(binaryCrossEntropyBackward(p!, y!, g), dy!.shape) : null,
    ];
  },
});

/**
 * Elementwise −[y·log p + (1 − y)·log(1 − p)] with PyTorch's clamps. A defineOp rather than a
 * composition because composing clamp(log p) gives 0·∞ = NaN gradients at p = 0 and p = 1.
 * The forward is one pass of core's binaryCrossEntropy kernel: bit for bit the composed ops
 * neg(add(mul(y, clampedLog(p)), mul(sub(1, y), clampedLog1m(p)))) (the same log, log1p and float32
 * roundings), which run instead when p and y differ in shape (checkPair rules that out today).
 * ∂/∂p = (p − y) / max(p(1 − p), 1e-12) (PyTorch's backward: finite at p = 0 and 1; fused, above);
 * ∂/∂y = log(1 − p) − log p (the clamped logs: the forward is linear in y).
 */
const binaryCrossEntropyOp = defineOp({
  name: 'binaryCrossEntropy',
  forward: (p: Tensor, y: Tensor) => {
    if (!sameShape(p, y)) return neg(add(mul(y, clampedLog(p)), mul(sub(1, y), clampedLog1m(p))));
    const out = storageLike(p);
    kernels.binaryCrossEntropy(p.data, y.data, out);
    return new Tensor(out, p.shape, p.dtype);
  },
  backward: (dy, { inputs: [p, y], needsGrad }) => [
    needsGrad[0] ? binaryCrossEntropyBackward(p!, y!, dy) : null,
    needsGrad[1] ? mul(dy, sub(clampedLog1m(p!), clampedLog(p!))) : null,
  ],
});

/**
 * Throws unless every value of t lies in [0, 1] (NaN does not). The common, valid case costs two kernel
 * reductions (min and max, which propagate NaN; the WebAssembly ones for large float32 tensors) instead of
 * a JS loop over the data; only a failing check loops, to name the first bad value and its flat index.
 */
function checkUnitInterval(name: string, what: string, t: Tensor): void {
  const d = t.data;
  if (d.length === 0) return;
  const lo = d instanceof Float64Array ? new Float64Array(1) : new Float32Array(1);
  const hi = d instanceof Float64Array ? new Float64Array(1) : new Float32Array(1);
  const axes = t.shape.map((_, i) => i);
  kernels.reduce('min', d, t.shape, axes, lo);
  kernels.reduce('max', d, t.shape, axes, hi);
  if (lo[0]! >= 0 && hi[0]! <= 1) return;
  for (let k = 0; k < d.length; k++) {
    const v = d[k]!;
    if (!(v >= 0 && v <= 1)) {
      throw new Error(
        `${name}: ${what} must lie in [0, 1], got ${v} at flat index ${k} (shape ${fmt(t.shape)}); ` +
          (what === 'input' ? 'pass probabilities (e.g. sigmoid(logits)), or use binaryCrossEntropyWithLogits on the logits' : 'targets are probabilities of the positive class'),
      );
    }
  }
}

/**
 * Binary cross-entropy from probabilities (PyTorch's BCELoss): ℓ = −w·[y·log p + (1 − y)·log(1 − p)],
 * p, y ∈ [0, 1] (soft targets allowed).
 * ∂ℓ/∂p = w·(p − y) / (p(1 − p)); ∂ℓ/∂y = w·(log(1 − p) − log p).
 * NOTE: as in PyTorch, each log is clamped at −100 (so p = 0 or 1 give a finite loss of at most 100)
 * and the gradient's denominator p(1 − p) is floored at 1e-12. With `{eps}` p is instead clipped
 * to [eps, 1 − eps] first, as Keras does with eps = 1e-7 (the gradient is then 0 outside).
 * NOTE: prefer binaryCrossEntropyWithLogits on logits: σ(x) rounds to exactly 1 for x ≳ 17 in float32
 * (≳ 37 in float64), where the loss sticks at the clamp and the gradient through the sigmoid is 0.
 * @example binaryCrossEntropy(tensor([0.5]), tensor([1])).item() // −log 0.5 = 0.6931
 */
export function binaryCrossEntropy(probs: Tensor, target: Tensor, options?: BinaryCrossEntropyOptions): Tensor {
  const name = 'binaryCrossEntropy';
  const o = readOptions<BinaryCrossEntropyOptions>(name, options, ['reduction', 'weight', 'eps']);
  const reduction = readReduction(name, o.reduction);
  const [p0, y] = checkPair(name, probs, target);
  checkUnitInterval(name, 'input', p0);
  checkUnitInterval(name, 'target', y);
  const weight = o.weight === undefined ? null : checkElementWeight(name, 'weight', o.weight, p0);
  let p = p0;
  if (o.eps !== undefined) {
    const eps = o.eps;
    if (typeof eps !== 'number' || !(eps >= 0 && eps < 0.5)) throw new Error(`${name}: eps must be a number in [0, 0.5), got ${String(eps)}; Keras uses 1e-7`);
    p = p0.clamp(eps, 1 - eps);
  }
  let loss = binaryCrossEntropyOp(p, y);
  if (weight !== null) loss = mul(loss, weight);
  return reduce(loss, reduction);
}

/**
 * Binary cross-entropy on logits (PyTorch's BCEWithLogitsLoss), = binaryCrossEntropy(σ(x), y) without
 * forming σ(x): ℓ = w·[(1 − y)·x − (1 + (pw − 1)·y)·log σ(x)], which for pw = 1 is
 * max(x, 0) − x·y + log(1 + e^{−|x|}).
 * ∂ℓ/∂x = w·(σ(x) − y) for pw = 1 (in general w·[(1 − y)·σ(x) − pw·y·σ(−x)]).
 * NOTE: log σ(x) is core's logSigmoid (min(x, 0) − log1p(e^{−|x|})), finite for every finite x:
 * the loss at x = −1e4, y = 1 is 1e4 with gradient −1, where sigmoid + binaryCrossEntropy gives 100 and 0.
 * @example binaryCrossEntropyWithLogits(tensor([0, 2]), tensor([1, 0]), {reduction: 'none'}) // [log 2, softplus(2)] = [0.6931, 2.1269]
 */
export function binaryCrossEntropyWithLogits(logits: Tensor, target: Tensor, options?: BinaryCrossEntropyWithLogitsOptions): Tensor {
  const name = 'binaryCrossEntropyWithLogits';
  const o = readOptions<BinaryCrossEntropyWithLogitsOptions>(name, options, ['reduction', 'weight', 'posWeight']);
  const reduction = readReduction(name, o.reduction);
  const [x, y] = checkPair(name, logits, target);
  const weight = o.weight === undefined ? null : checkElementWeight(name, 'weight', o.weight, x);
  const pw = o.posWeight;
  let logWeight: Tensor | null = null; // 1 + (pw − 1)·y, the factor of −log σ(x)
  if (typeof pw === 'number') {
    if (!Number.isFinite(pw)) throw new Error(`${name}: posWeight must be finite, got ${pw}`);
    if (pw !== 1) logWeight = add(mul(y, pw - 1), 1);
  } else if (pw !== undefined) {
    logWeight = add(mul(y, sub(checkElementWeight(name, 'posWeight', pw, x), 1)), 1);
  }
  const ls = logSigmoid(x);
  let loss = sub(mul(sub(1, y), x), logWeight === null ? ls : mul(logWeight, ls));
  if (weight !== null) loss = mul(loss, weight);
  return reduce(loss, reduction);
}

// ── multi-class classification ────────────────────────────────────────────

/** Reads class weights into numbers (C of them, finite). */
function readClassWeights(name: string, w: unknown, C: number): Float64Array | null {
  if (w === undefined) return null;
  let values: ArrayLike<number>;
  if (w instanceof Tensor) {
    if (w.ndim !== 1) throw new Error(`${name}: weight must have shape [${C}] (one weight per class), got ${fmt(w.shape)}`);
    values = w.data;
  } else if (Array.isArray(w) || ArrayBuffer.isView(w)) {
    values = w as ArrayLike<number>;
  } else {
    throw new Error(`${name}: weight must be a Tensor [C] or an array of C numbers, got ${describe(w)}`);
  }
  if (values.length !== C) throw new Error(`${name}: weight has ${values.length} entries but there are ${C} classes; give one weight per class`);
  const out = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    const v = values[c]!;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${name}: weight[${c}] must be a finite number, got ${String(v)}`);
    out[c] = v;
  }
  return out;
}

function readIgnoreIndex(name: string, v: unknown): number {
  if (v === undefined) return -100;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error(`${name}: ignoreIndex must be an integer, got ${String(v)}`);
  return v;
}

/** The batch view of class scores: [N, C] as is, [C] (one sample) as [1, C]. */
function batchView(name: string, what: string, x: unknown): { x2: Tensor; single: boolean } {
  const t = checkTensor(name, what, x);
  if (t.ndim === 2) return { x2: t, single: false };
  if (t.ndim === 1) return { x2: reshape(t, [1, t.shape[0]!]), single: true };
  throw new Error(`${name}: ${what} must have shape [N, C] (a batch) or [C] (one sample), got ${fmt(t.shape)}`);
}

/**
 * Class-index targets as an Int32Array (ignored samples keep the ignore value), or null when the target is a
 * Tensor shaped like the scores (probabilities).
 */
function readTarget(name: string, target: unknown, x: Tensor, single: boolean, ignoreIndex: number, allowProbs: boolean): Int32Array | null {
  const [N, C] = x.shape as [number, number];
  const shapeHelp = single
    ? `for input [${C}] give a class index (a number or a 0-d Tensor)${allowProbs ? ` or probabilities [${C}]` : ''}`
    : `for input [${N},${C}] give ${N} class indices (an array, Int32Array or Tensor [${N}])${allowProbs ? ` or probabilities [${N},${C}]` : ''}`;
  let values: ArrayLike<number>;
  if (target instanceof Tensor) {
    const probsShape = single ? [C] : [N, C];
    if (target.ndim === probsShape.length && target.shape.every((d, i) => d === probsShape[i])) {
      if (allowProbs) return null;
      throw new Error(`${name}: target has shape ${fmt(target.shape)} (probabilities?); ${name} takes class indices: ${shapeHelp}. For probability targets use crossEntropy on the logits`);
    }
    const indexShape = single ? [] : [N];
    if (!(target.ndim === indexShape.length && target.shape.every((d, i) => d === indexShape[i]))) {
      throw new Error(`${name}: target has shape ${fmt(target.shape)}, which does not fit input ${fmt(single ? [C] : [N, C])}: ${shapeHelp}`);
    }
    values = target.data;
  } else if (typeof target === 'number') {
    if (!single) throw new Error(`${name}: target is a single number but input is a batch [${N},${C}]: ${shapeHelp}`);
    values = [target];
  } else if (Array.isArray(target) || target instanceof Int32Array) {
    if (single) throw new Error(`${name}: target is an array but input [${C}] is one sample: ${shapeHelp}`);
    if (target.length !== N) throw new Error(`${name}: target has ${target.length} class indices but input has ${N} samples (shape [${N},${C}])`);
    values = target as ArrayLike<number>;
  } else {
    throw new Error(`${name}: target must be class indices (an array, Int32Array or Tensor) or a probability Tensor, got ${describe(target)}`);
  }
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v === ignoreIndex) { out[i] = v; continue; }
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= C) {
      throw new Error(
        `${name}: target[${i}] = ${String(v)} is not a valid class index for ${C} classes: ` +
          `class indices must be integers in [0, ${C - 1}]` + (ignoreIndex === -100 ? '' : ` (or ignoreIndex ${ignoreIndex})`),
      );
    }
    out[i] = v;
  }
  return out;
}

/**
 * The class-index path shared by nll and crossEntropy, on log-probabilities lp [N, C]:
 * ℓᵢ = (1 − ε)·w[tᵢ]·(−lp[i, tᵢ]) + (ε/C)·Σ_c w[c]·(−lp[i, c]), 0 for ignored samples;
 * 'mean' divides the sum by Σ w[tᵢ] over the samples not ignored (PyTorch).
 */
function classIndexLoss(lp: Tensor, targets: Int32Array, weights: Float64Array | null, ignoreIndex: number, smoothing: number, reduction: Reduction): Tensor {
  const [N, C] = lp.shape as [number, number];
  const dtype = lp.dtype;
  const index = new Tensor(dtype === 'float64' ? new Float64Array(N) : new Float32Array(N), [N, 1], dtype);
  const sampleW = new Tensor(dtype === 'float64' ? new Float64Array(N) : new Float32Array(N), [N], dtype);
  let weightSum = 0;
  let plain = true; // every sample counted with weight 1: no multiplication needed
  let anyIgnored = false;
  for (let i = 0; i < N; i++) {
    const t = targets[i]!;
    const ignored = t === ignoreIndex;
    index.data[i] = ignored ? 0 : t; // any valid class: the pick is multiplied by 0
    const w = ignored ? 0 : weights === null ? 1 : weights[t]!;
    sampleW.data[i] = w;
    weightSum += w;
    if (w !== 1) plain = false;
    if (ignored) anyIgnored = true;
  }
  const picked = reshape(gather(lp, 1, index), [N]);
  let loss = neg(plain ? picked : mul(picked, sampleW));
  if (smoothing > 0) {
    const cw = weights === null ? lp : mul(lp, new Tensor(dtype === 'float64' ? Float64Array.from(weights) : Float32Array.from(weights), [C], dtype));
    let smooth = neg(sum(cw, 1));
    if (anyIgnored) {
      // 1 for the samples counted, 0 for the ignored ones
      const mask = new Tensor(dtype === 'float64' ? new Float64Array(N) : new Float32Array(N), [N], dtype);
      for (let i = 0; i < N; i++) mask.data[i] = targets[i] === ignoreIndex ? 0 : 1;
      smooth = mul(smooth, mask);
    }
    loss = add(mul(loss, 1 - smoothing), mul(smooth, smoothing / C));
  }
  if (reduction === 'none') return loss;
  const s = sum(loss);
  return reduction === 'sum' ? s : div(s, weightSum);
}

/**
 * Negative log-likelihood on log-probabilities (PyTorch's NLLLoss): ℓᵢ = −w[tᵢ]·logProbs[i, tᵢ].
 * 'mean' is Σᵢ ℓᵢ / Σᵢ w[tᵢ] (the weighted mean, as PyTorch; N without weights); samples whose target
 * equals ignoreIndex (default −100) contribute 0 and are not counted. ∂ℓᵢ/∂logProbs[i, c] = −w[tᵢ]·[c = tᵢ].
 * Input [N, C] with N class indices, or [C] with one index.
 * NOTE: with every sample ignored, 'mean' is 0/0 = NaN (as in PyTorch).
 * @example nll(tensor([[-1, -2], [-3, -4]]), [0, 1]).item() // (1 + 4)/2 = 2.5
 */
export function nll(logProbs: Tensor, target: ClassTarget, options?: NllOptions): Tensor {
  const name = 'nll';
  const o = readOptions<NllOptions>(name, options, ['reduction', 'weight', 'ignoreIndex']);
  const reduction = readReduction(name, o.reduction);
  const ignoreIndex = readIgnoreIndex(name, o.ignoreIndex);
  const { x2, single } = batchView(name, 'logProbs', logProbs);
  const weights = readClassWeights(name, o.weight, x2.shape[1]!);
  const targets = readTarget(name, target, x2, single, ignoreIndex, false)!;
  const loss = classIndexLoss(x2, targets, weights, ignoreIndex, 0, reduction);
  return single && reduction === 'none' ? reshape(loss, []) : loss;
}

/**
 * Softmax cross-entropy from logits (PyTorch's CrossEntropyLoss), via logSoftmax (log-sum-exp):
 * ℓᵢ = −Σ_c w[c]·t'ᵢ꜀·log softmax(xᵢ)꜀ with t' = (1 − ε)·t + ε/C (label smoothing ε, default 0).
 * Targets: class indices (an array / Int32Array / Tensor [N] of integers; t is one-hot) or
 * probabilities, a Tensor [N, C] (one-hot or soft). Input [N, C], or [C] for one sample.
 * ∂ℓᵢ/∂xᵢ = softmax(xᵢ) − t'ᵢ (without class weights).
 * Reductions as PyTorch: with class indices 'mean' divides by Σᵢ w[tᵢ] over samples not ignored
 * (ignoreIndex, default −100); with probabilities 'mean' divides by N and ignoreIndex is not allowed.
 * NOTE: logits of any finite magnitude (1e4 and beyond) give finite losses and gradients.
 * @example crossEntropy(tensor([[1, 2, 3]]), [2]).item() // log(e¹ + e² + e³) − 3 = 0.4076
 */
export function crossEntropy(logits: Tensor, target: ClassTarget, options?: CrossEntropyOptions): Tensor {
  const name = 'crossEntropy';
  const o = readOptions<CrossEntropyOptions>(name, options, ['reduction', 'weight', 'ignoreIndex', 'labelSmoothing']);
  const reduction = readReduction(name, o.reduction);
  const ignoreIndex = readIgnoreIndex(name, o.ignoreIndex);
  const smoothing = o.labelSmoothing ?? 0;
  if (typeof smoothing !== 'number' || !(smoothing >= 0 && smoothing <= 1)) {
    throw new Error(`${name}: labelSmoothing must be a number in [0, 1], got ${String(smoothing)}`);
  }
  const { x2, single } = batchView(name, 'logits', logits);
  const [N, C] = x2.shape as [number, number];
  const weights = readClassWeights(name, o.weight, C);
  const targets = readTarget(name, target, x2, single, ignoreIndex, true);
  const lp = logSoftmax(x2, 1);
  let loss: Tensor;
  if (targets !== null) {
    loss = classIndexLoss(lp, targets, weights, ignoreIndex, smoothing, reduction);
  } else {
    // Probability targets.
    const t0 = target as Tensor;
    if (o.ignoreIndex !== undefined) throw new Error(`${name}: ignoreIndex applies to class-index targets only; the target is probabilities ${fmt(t0.shape)}`);
    checkDtypes(name, x2, 'logits', t0, 'target');
    const t2 = single ? reshape(t0, [1, C]) : t0;
    const t = smoothing > 0 ? add(mul(t2, 1 - smoothing), smoothing / C) : t2;
    let prod = mul(lp, t);
    if (weights !== null) prod = mul(prod, new Tensor(x2.dtype === 'float64' ? Float64Array.from(weights) : Float32Array.from(weights), [C], x2.dtype));
    loss = neg(sum(prod, 1));
    if (reduction !== 'none') {
      const s = sum(loss);
      loss = reduction === 'sum' ? s : div(s, N);
    }
  }
  return single && reduction === 'none' ? reshape(loss, []) : loss;
}
