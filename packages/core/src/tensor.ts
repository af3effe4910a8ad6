/**
 * Tensor: contiguous row-major storage in a typed array, a shape, a dtype, and the autograd
 * fields (requiresGrad, grad, and the tape node that made it). Methods are one-line
 * delegations to the op functions.
 */
import { allocate, dtypeOf, isDType, type DType, type FloatArray } from './dtype';
import { formatShape, sizeOf, type Shape } from './shape';
import type { Node } from './autograd/node';
import { runBackward, type BackwardOptions } from './autograd/backward';
import * as E from './ops/elementwise';
import * as A from './ops/activations';
import * as R from './ops/reduce';
import * as S from './ops/shape';
import * as I from './ops/indexing';
import * as M from './ops/matmul';

export type NestedArray = number | NestedArray[];
export type TensorLike = Tensor | number;

/**
 * Internal to @tapegrad/core (not in the package index): t's storage when it is known unchanged since
 * t was created — a creation function marked it pristine and nobody has read `.data` since — else
 * null. Reading it this way does not count as an access. Kernels may then keep a copy of it (the
 * WebAssembly GEMM keeps such operands resident instead of copying them in on every call).
 */
export let pristineStorage: (t: Tensor) => FloatArray | null;
/** Internal: t's storage for reading, without counting as a `.data` access (so a pristine t stays pristine). */
export let storageOf: (t: Tensor) => FloatArray;
/** Internal: marks t's storage pristine. Only for storage that nothing but t can reach (a creation function's fresh copy). */
export let markPristine: (t: Tensor) => void;

export class Tensor {
  readonly #data: FloatArray;
  /**
   * Whether the storage is unchanged since creation: set by markPristine, cleared for good by the first
   * `.data` read (after which anyone may hold the array and write it).
   */
  #pristine = false;
  readonly shape: Shape;
  readonly dtype: DType;
  /** Whether gradients flow to this tensor. Set it on leaves (parameters, inputs); ops propagate it. */
  requiresGrad = false;
  /** The accumulated gradient (leaves, and non-leaves after retainGrad()), or null. */
  grad: Tensor | null = null;
  /** @internal The tape node that produced this tensor (null for leaves and untracked results). */
  node: Node | null = null;
  /** @internal Whether a non-leaf keeps its gradient in `.grad` (see retainGrad). */
  retainsGrad = false;

  constructor(data: FloatArray, shape: Shape, dtype: DType = dtypeOf(data)) {
    if (data.length !== sizeOf(shape)) {
      throw new Error(`Tensor: data has ${data.length} elements but shape ${formatShape(shape)} needs ${sizeOf(shape)}`);
    }
    if (dtype !== dtypeOf(data)) throw new Error(`Tensor: dtype ${dtype} does not match storage ${data.constructor.name}`);
    this.#data = data;
    this.shape = shape;
    this.dtype = dtype;
  }

  static {
    pristineStorage = (t) => (t.#pristine ? t.#data : null);
    storageOf = (t) => t.#data;
    markPristine = (t) => { t.#pristine = true; };
  }

  /** The storage: contiguous and row-major. Reading it is free; writing it bypasses autograd. */
  get data(): FloatArray {
    this.#pristine = false;
    return this.#data;
  }

  /** Number of elements. */
  get size(): number {
    return this.#data.length;
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** A leaf was created by the user (not recorded by an op). */
  get isLeaf(): boolean {
    return this.node === null;
  }

  /** The single value of a one-element tensor as a JS number. */
  item(): number {
    const data = this.#data;
    if (data.length !== 1) {
      throw new Error(`item: tensor of shape ${formatShape(this.shape)} has ${data.length} elements; item() needs exactly one`);
    }
    return data[0]!;
  }

  /** The values as (nested) JS arrays; a number for a 0-d tensor. */
  toArray(): NestedArray {
    const data = this.#data, shape = this.shape;
    if (shape.length === 0) return data[0]!;
    let pos = 0;
    const build = (d: number): NestedArray[] => {
      const n = shape[d]!;
      const out: NestedArray[] = new Array(n);
      if (d === shape.length - 1) for (let i = 0; i < n; i++) out[i] = data[pos++]!;
      else for (let i = 0; i < n; i++) out[i] = build(d + 1);
      return out;
    };
    return build(0);
  }

  /** Converts to another dtype (differentiable; a copy even when the dtype is the same). */
  astype(dtype: DType): Tensor {
    if (!isDType(dtype)) throw new Error(`astype: unknown dtype '${String(dtype)}'; use 'float32' or 'float64'`);
    return E.cast(this, dtype);
  }

  /** A tensor sharing this storage but cut from the tape: no gradient flows through it. */
  detach(): Tensor {
    // Through `.data`: the storage gets a second owner, who may write it, so it is no longer pristine.
    return new Tensor(this.data, this.shape, this.dtype);
  }

  /** A copy of the values (cut from the tape). */
  clone(): Tensor {
    return new Tensor(this.#data.slice(), this.shape, this.dtype);
  }

  /** Sets requiresGrad on a leaf and returns this (for chaining, like PyTorch's requires_grad_()). */
  requiresGrad_(flag = true): this {
    if (this.node !== null) {
      throw new Error(
        `requiresGrad_: this tensor was computed by '${this.node.name}'; only leaves can change requiresGrad. ` +
          `Use .detach() to make a new leaf`,
      );
    }
    this.requiresGrad = flag;
    return this;
  }

  /** Keeps this non-leaf tensor's gradient in `.grad` during backward (leaves always keep theirs). */
  retainGrad(): this {
    this.retainsGrad = true;
    return this;
  }

  /** Clears `.grad`. */
  zeroGrad(): void {
    this.grad = null;
  }

  /**
   * Reverse-mode differentiation from this tensor: accumulates d(this)/d(leaf) into each leaf's `.grad`.
   * @example const x = tensor([1, 2], {requiresGrad: true}); x.square().sum().backward(); x.grad // [2, 4]
   */
  backward(opts?: BackwardOptions): void {
    runBackward(this, opts);
  }

  toString(): string {
    return `Tensor(${JSON.stringify(this.toArray())}, shape=${formatShape(this.shape)}, dtype=${this.dtype}` +
      `${this.requiresGrad ? ', requiresGrad' : ''}${this.node ? `, op=${this.node.name}` : ''})`;
  }

  // ── method aliases: one line each, delegating to the op functions ─────────
  add(o: TensorLike): Tensor { return E.add(this, o); }
  sub(o: TensorLike): Tensor { return E.sub(this, o); }
  mul(o: TensorLike): Tensor { return E.mul(this, o); }
  div(o: TensorLike): Tensor { return E.div(this, o); }
  pow(o: TensorLike): Tensor { return E.pow(this, o); }
  maximum(o: TensorLike): Tensor { return E.maximum(this, o); }
  minimum(o: TensorLike): Tensor { return E.minimum(this, o); }
  neg(): Tensor { return E.neg(this); }
  exp(): Tensor { return E.exp(this); }
  log(): Tensor { return E.log(this); }
  log1p(): Tensor { return E.log1p(this); }
  expm1(): Tensor { return E.expm1(this); }
  sqrt(): Tensor { return E.sqrt(this); }
  square(): Tensor { return E.square(this); }
  abs(): Tensor { return E.abs(this); }
  sign(): Tensor { return E.sign(this); }
  reciprocal(): Tensor { return E.reciprocal(this); }
  sin(): Tensor { return E.sin(this); }
  cos(): Tensor { return E.cos(this); }
  clamp(min?: number | null, max?: number | null): Tensor { return E.clamp(this, min, max); }
  eq(o: TensorLike): Tensor { return E.eq(this, o); }
  ne(o: TensorLike): Tensor { return E.ne(this, o); }
  lt(o: TensorLike): Tensor { return E.lt(this, o); }
  le(o: TensorLike): Tensor { return E.le(this, o); }
  gt(o: TensorLike): Tensor { return E.gt(this, o); }
  ge(o: TensorLike): Tensor { return E.ge(this, o); }

  sigmoid(): Tensor { return A.sigmoid(this); }
  tanh(): Tensor { return A.tanh(this); }
  relu(): Tensor { return A.relu(this); }
  leakyRelu(negativeSlope?: number): Tensor { return A.leakyRelu(this, negativeSlope); }
  elu(alpha?: number): Tensor { return A.elu(this, alpha); }
  selu(): Tensor { return A.selu(this); }
  softplus(options?: A.SoftplusOptions): Tensor { return A.softplus(this, options); }
  logSigmoid(): Tensor { return A.logSigmoid(this); }
  softmax(axis?: number): Tensor { return A.softmax(this, axis); }
  logSoftmax(axis?: number): Tensor { return A.logSoftmax(this, axis); }

  sum(axis?: number | readonly number[] | null, keepDims?: boolean): Tensor { return R.sum(this, axis, keepDims); }
  mean(axis?: number | readonly number[] | null, keepDims?: boolean): Tensor { return R.mean(this, axis, keepDims); }
  max(axis?: number | readonly number[] | null, keepDims?: boolean): Tensor { return R.max(this, axis, keepDims); }
  min(axis?: number | readonly number[] | null, keepDims?: boolean): Tensor { return R.min(this, axis, keepDims); }
  var(axis?: number | readonly number[] | null, opts?: R.VarianceOptions): Tensor { return R.variance(this, axis, opts); }
  std(axis?: number | readonly number[] | null, opts?: R.VarianceOptions): Tensor { return R.std(this, axis, opts); }
  logSumExp(axis?: number | readonly number[] | null, keepDims?: boolean): Tensor { return R.logSumExp(this, axis, keepDims); }
  argmax(axis?: number | null, keepDims?: boolean): Tensor { return R.argmax(this, axis, keepDims); }
  argmin(axis?: number | null, keepDims?: boolean): Tensor { return R.argmin(this, axis, keepDims); }
  matmul(o: Tensor): Tensor { return M.matmul(this, o); }

  reshape(shape: readonly number[]): Tensor { return S.reshape(this, shape); }
  broadcastTo(shape: readonly number[]): Tensor { return S.broadcastTo(this, shape); }
  expand(shape: readonly number[]): Tensor { return S.expand(this, shape); }
  permute(dims: readonly number[]): Tensor { return S.permute(this, dims); }
  transpose(dim0?: number, dim1?: number): Tensor { return S.transpose(this, dim0, dim1); }
  /** The matrix transpose (swap of the last two axes), like PyTorch's `.mT`. */
  get T(): Tensor { return S.transpose(this); }
  slice(starts: readonly number[], ends?: readonly number[], steps?: readonly number[]): Tensor { return S.slice(this, starts, ends, steps); }
  narrow(axis: number, start: number, length: number): Tensor { return S.narrow(this, axis, start, length); }
  pad(padding: readonly (readonly [number, number])[], value?: number): Tensor { return S.pad(this, padding, value); }
  split(splitSizeOrSections: number | readonly number[], axis?: number): Tensor[] { return S.split(this, splitSizeOrSections, axis); }
  squeeze(axis?: number | readonly number[]): Tensor { return S.squeeze(this, axis); }
  unsqueeze(axis: number): Tensor { return S.unsqueeze(this, axis); }
  flatten(startDim?: number, endDim?: number): Tensor { return S.flatten(this, startDim, endDim); }
  indexSelect(axis: number, indices: readonly number[] | Int32Array | Tensor): Tensor { return I.indexSelect(this, axis, indices); }
  gather(axis: number, index: Tensor): Tensor { return I.gather(this, axis, index); }
  scatterAdd(axis: number, index: Tensor, src: Tensor): Tensor { return I.scatterAdd(this, axis, index, src); }
}

/** A 0-d tensor holding `v` (the form numbers take when lifted into ops). */
export function scalarLike(v: number, dtype: DType): Tensor {
  // Lifted numbers repeat (x.mul(0.5) in a loop), so their 0-d tensors are shared from a small
  // cache instead of allocated per op (fewer objects for the GC on the per-op hot path). They never
  // require grad and no op writes into its inputs. −0 is not cached (a Map key treats it as +0).
  const cache = dtype === 'float64' ? scalarCache64 : scalarCache32;
  const hit = cache.get(v);
  if (hit !== undefined && !Object.is(v, -0)) return hit;
  const data = allocate(dtype, 1);
  data[0] = v;
  const t = new Tensor(data, [], dtype);
  if (!Object.is(v, -0)) {
    if (cache.size >= SCALAR_CACHE_SIZE) cache.clear();
    cache.set(v, t);
  }
  return t;
}

const SCALAR_CACHE_SIZE = 1024;
const scalarCache32 = new Map<number, Tensor>();
const scalarCache64 = new Map<number, Tensor>();
