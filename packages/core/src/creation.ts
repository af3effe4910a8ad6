/** Creating tensors: from values, filled, ranges, identity, and (seeded) random draws. */
import { Tensor, markPristine, type NestedArray } from './tensor';
import { allocate, isDType, type DType, type FloatArray } from './dtype';
import { checkShape, formatShape, sizeOf, type Shape } from './shape';
import { Generator, defaultGenerator } from './random';
import { kernels } from './kernels/registry';

export interface CreateOptions {
  /** float32 (default) or float64. */
  dtype?: DType;
  /** Make the result a leaf that receives gradients. */
  requiresGrad?: boolean;
}

export interface TensorOptions extends CreateOptions {
  /** Reshape the values to this shape (their count must match). */
  shape?: Shape;
}

function resolveDtype(dtype: DType | undefined, where: string, fallback: DType = 'float32'): DType {
  if (dtype === undefined) return fallback;
  if (!isDType(dtype)) throw new Error(`${where}: unknown dtype '${String(dtype)}'; use 'float32' or 'float64'`);
  return dtype;
}

/** Wraps storage that the creation function has just allocated (and nobody else holds): pristine until `.data` is read. */
function finish(data: FloatArray, shape: Shape, dtype: DType, opts: CreateOptions | undefined): Tensor {
  const t = new Tensor(data, shape, dtype);
  markPristine(t);
  if (opts?.requiresGrad) t.requiresGrad = true;
  return t;
}

function inferShape(values: NestedArray, where: string): number[] {
  const shape: number[] = [];
  let v: NestedArray = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0]!;
  }
  return shape;
}

function flatten(values: NestedArray, shape: number[], out: FloatArray, where: string): void {
  let pos = 0;
  const walk = (v: NestedArray, d: number, path: string): void => {
    if (d === shape.length) {
      if (typeof v !== 'number') {
        throw new Error(`${where}: ragged nested array: expected a number at ${path || 'the top'} (shape ${formatShape(shape)}), got ${Array.isArray(v) ? 'an array' : typeof v}`);
      }
      out[pos++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[d]) {
      throw new Error(
        `${where}: ragged nested array: at ${path || 'the top'} expected an array of length ${shape[d]} ` +
          `(shape ${formatShape(shape)} from the first elements), got ${Array.isArray(v) ? `length ${v.length}` : typeof v}`,
      );
    }
    for (let i = 0; i < v.length; i++) walk(v[i]!, d + 1, `${path}[${i}]`);
  };
  walk(values, 0, '');
}

/**
 * A tensor from a number, nested arrays, or a typed array (values are copied).
 * The dtype defaults to float64 for a Float64Array and float32 otherwise.
 * @example tensor([[1, 2], [3, 4]], {dtype: 'float64', requiresGrad: true})
 */
export function tensor(values: NestedArray | FloatArray | readonly number[], opts: TensorOptions = {}): Tensor {
  if (values instanceof Tensor) throw new Error('tensor: got a Tensor; use .clone() to copy it or .detach() to cut it from the tape');
  const dtype = resolveDtype(opts.dtype, 'tensor', values instanceof Float64Array ? 'float64' : 'float32');
  let shape: number[];
  let data: FloatArray;
  if (ArrayBuffer.isView(values)) {
    if (!(values instanceof Float32Array || values instanceof Float64Array)) {
      throw new Error(`tensor: typed array ${(values as object).constructor.name} is not supported; use Float32Array, Float64Array or a plain array`);
    }
    data = allocate(dtype, values.length);
    data.set(values);
    shape = [values.length];
  } else {
    if (typeof values !== 'number' && !Array.isArray(values)) {
      throw new Error(`tensor: expected a number, a (nested) array of numbers or a Float32Array/Float64Array, got ${typeof values}`);
    }
    shape = typeof values === 'number' ? [] : inferShape(values as NestedArray, 'tensor');
    data = allocate(dtype, sizeOf(shape));
    if (typeof values === 'number') data[0] = values;
    else flatten(values as NestedArray, shape, data, 'tensor');
  }
  if (opts.shape !== undefined) {
    checkShape(opts.shape, 'tensor');
    if (sizeOf(opts.shape) !== data.length) {
      throw new Error(`tensor: ${data.length} values do not fill shape ${formatShape(opts.shape)} (${sizeOf(opts.shape)} elements)`);
    }
    shape = [...opts.shape];
  }
  return finish(data, shape, dtype, opts);
}

/** A 0-d tensor. */
export function scalar(value: number, opts: CreateOptions = {}): Tensor {
  return tensor(value, opts);
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: Shape, value: number, opts: CreateOptions = {}): Tensor {
  checkShape(shape, 'full');
  const dtype = resolveDtype(opts.dtype, 'full');
  const data = allocate(dtype, sizeOf(shape));
  if (value !== 0 || Object.is(value, -0)) data.fill(value);
  return finish(data, [...shape], dtype, opts);
}

/** A tensor of zeros. */
export function zeros(shape: Shape, opts: CreateOptions = {}): Tensor {
  return full(shape, 0, opts);
}

/** A tensor of ones. */
export function ones(shape: Shape, opts: CreateOptions = {}): Tensor {
  return full(shape, 1, opts);
}

/** Zeros with the shape and dtype of `t`. */
export function zerosLike(t: Tensor, opts: CreateOptions = {}): Tensor {
  return full(t.shape, 0, { ...opts, dtype: opts.dtype ?? t.dtype });
}

/** Ones with the shape and dtype of `t`. */
export function onesLike(t: Tensor, opts: CreateOptions = {}): Tensor {
  return full(t.shape, 1, { ...opts, dtype: opts.dtype ?? t.dtype });
}

/** `value` with the shape and dtype of `t`. */
export function fullLike(t: Tensor, value: number, opts: CreateOptions = {}): Tensor {
  return full(t.shape, value, { ...opts, dtype: opts.dtype ?? t.dtype });
}

/**
 * Values from start (inclusive) to stop (exclusive) in steps of step, like NumPy's arange.
 * `arange(n)` is 0, 1, …, n−1.
 */
export function arange(start: number, stop?: number, step = 1, opts: CreateOptions = {}): Tensor {
  if (stop === undefined) { stop = start; start = 0; }
  if (!Number.isFinite(start) || !Number.isFinite(stop) || !Number.isFinite(step)) {
    throw new Error(`arange: start, stop and step must be finite (got ${start}, ${stop}, ${step})`);
  }
  if (step === 0) throw new Error('arange: step must not be 0');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const dtype = resolveDtype(opts.dtype, 'arange');
  const data = allocate(dtype, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return finish(data, [n], dtype, opts);
}

/** `num` evenly spaced values from start to stop, both included (num = 1 gives [start]). */
export function linspace(start: number, stop: number, num: number, opts: CreateOptions = {}): Tensor {
  if (!Number.isFinite(start) || !Number.isFinite(stop)) throw new Error(`linspace: start and stop must be finite (got ${start}, ${stop})`);
  if (!Number.isInteger(num) || num < 0) throw new Error(`linspace: num must be a non-negative integer, got ${num}`);
  const dtype = resolveDtype(opts.dtype, 'linspace');
  const data = allocate(dtype, num);
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) data[i] = start + i * step;
  if (num > 1) data[num - 1] = stop;
  return finish(data, [num], dtype, opts);
}

/** The n × m identity matrix (m defaults to n). */
export function eye(n: number, m = n, opts: CreateOptions = {}): Tensor {
  checkShape([n, m], 'eye');
  const dtype = resolveDtype(opts.dtype, 'eye');
  const data = allocate(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return finish(data, [n, m], dtype, opts);
}

// ── random (seeded) ───────────────────────────────────────────────────────

export interface RandomOptions extends CreateOptions {
  /** The generator to draw from (default: the global one, see manualSeed). */
  generator?: Generator;
}

function gen(opts: RandomOptions | undefined): Generator {
  const g = opts?.generator;
  if (g !== undefined && !(g instanceof Generator)) throw new Error('random: `generator` must be a Generator (new Generator(seed))');
  return g ?? defaultGenerator();
}

function randomTensor(shape: Shape, opts: RandomOptions, where: string, fill: (g: Generator, data: FloatArray) => void): Tensor {
  checkShape(shape, where);
  const dtype = resolveDtype(opts.dtype, where);
  const data = allocate(dtype, sizeOf(shape));
  fill(gen(opts), data);
  return finish(data, [...shape], dtype, opts);
}

/** Uniform samples in [0, 1). */
export function rand(shape: Shape, opts: RandomOptions = {}): Tensor {
  return randomTensor(shape, opts, 'rand', (g, d) => g.fillUniform(d, 0, 1));
}

/** Uniform samples in [low, high). */
export function uniform(shape: Shape, low = 0, high = 1, opts: RandomOptions = {}): Tensor {
  if (!(high > low) || !Number.isFinite(low) || !Number.isFinite(high)) {
    throw new Error(`uniform: need finite low < high, got low=${low}, high=${high}`);
  }
  return randomTensor(shape, opts, 'uniform', (g, d) => g.fillUniform(d, low, high));
}

/** Standard normal samples (mean 0, std 1), or N(mean, std²) with `normal`. */
export function randn(shape: Shape, opts: RandomOptions = {}): Tensor {
  return randomTensor(shape, opts, 'randn', (g, d) => g.fillNormal(d, 0, 1));
}

/** Samples from N(mean, std²). */
export function normal(shape: Shape, mean = 0, std = 1, opts: RandomOptions = {}): Tensor {
  if (!(std >= 0) || !Number.isFinite(mean) || !Number.isFinite(std)) {
    throw new Error(`normal: need a finite mean and a finite std ≥ 0, got mean=${mean}, std=${std}`);
  }
  return randomTensor(shape, opts, 'normal', (g, d) => g.fillNormal(d, mean, std));
}

/**
 * Uniform integers in [low, high), stored in a float tensor (tapegrad has float dtypes only;
 * float32 holds integers exactly up to 2^24).
 */
export function randint(low: number, high: number, shape: Shape, opts: RandomOptions = {}): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || !(low < high)) {
    throw new Error(`randint: need integers low < high (the range [low, high) is sampled), got low=${low}, high=${high}`);
  }
  if ((opts.dtype ?? 'float32') === 'float32' && (Math.abs(low) > 2 ** 24 || Math.abs(high) > 2 ** 24)) {
    throw new Error(`randint: float32 holds integers exactly only up to 2^24; use {dtype: 'float64'} for the range [${low}, ${high})`);
  }
  return randomTensor(shape, opts, 'randint', (g, d) => g.fillRandint(d, low, high));
}

/**
 * 1 with probability p, else 0. `p` is a number (then `shape` is required) or a tensor of
 * probabilities (the result has its shape and dtype, like torch.bernoulli).
 */
export function bernoulli(p: number | Tensor, shape?: Shape, opts: RandomOptions = {}): Tensor {
  if (p instanceof Tensor) {
    if (shape !== undefined && formatShape(shape) !== formatShape(p.shape)) {
      throw new Error(`bernoulli: the probabilities have shape ${formatShape(p.shape)} but shape ${formatShape(shape)} was given; omit the shape`);
    }
    if (opts.dtype !== undefined && opts.dtype !== p.dtype) {
      throw new Error(`bernoulli: the probabilities are ${p.dtype}; convert them with .astype('${opts.dtype}') to get ${opts.dtype} samples`);
    }
    const probs = p.data;
    for (let i = 0; i < probs.length; i++) {
      const v = probs[i]!;
      if (!(v >= 0 && v <= 1)) throw new Error(`bernoulli: probability ${v} at flat index ${i} is outside [0, 1]`);
    }
    const u = allocate(p.dtype, probs.length);
    gen(opts).fillUniform(u, 0, 1);
    const data = allocate(p.dtype, probs.length);
    kernels.binary('lt', u, p.shape, probs, p.shape, data, p.shape); // 1 where u < p
    return finish(data, p.shape, p.dtype, opts);
  }
  if (shape === undefined) throw new Error('bernoulli: give a shape when p is a number, e.g. bernoulli(0.5, [3, 4])');
  if (!(p >= 0 && p <= 1)) throw new Error(`bernoulli: p must be in [0, 1], got ${p}`);
  return randomTensor(shape, opts, 'bernoulli', (g, d) => g.fillBernoulli(d, p));
}

/** A random permutation of 0 … n−1 as an Int32Array (Fisher–Yates). */
export function permutation(n: number, opts: { generator?: Generator } = {}): Int32Array {
  return gen(opts).permutation(n);
}

/** Shuffles an array in place (Fisher–Yates) and returns it. */
export function shuffle<T>(array: T[], opts: { generator?: Generator } = {}): T[] {
  return gen(opts).shuffle(array);
}
