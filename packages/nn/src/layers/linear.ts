/**
 * The fully connected layer: Linear (y = x @ W + b, W of shape [in, out], optionally followed by a fused
 * activation) and its pure function `linear(x, weight, bias, activation)`, which Maxout and tied layers reuse.
 */
import { Generator, Tensor, affine, matmul, relu, sigmoid, tanh, type DType, type FusedActivation, type Shape } from '@tapegrad/core';
import { Module } from '../module';
import { Parameter } from '../parameter';
import { varianceScaling, type InitOptions, type Initializer } from '../init';
import type { Regularizer } from '../regularizers';

function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** The unfused activations, for linear without a bias. */
const ACTIVATIONS: Record<FusedActivation, (x: Tensor) => Tensor> = { sigmoid, tanh, relu };

/**
 * The affine map y = x @ W + b for x of shape [..., in], W of shape [in, out] and b of shape [out]
 * (leading dimensions are a batch; a 1-D x gives a 1-D y). With a bias it is core's `affine`, which adds b
 * as the product is stored (no separate broadcast add): ∂L/∂x = dy @ Wᵀ, ∂L/∂W = Σ_batch xᵀ @ dy, ∂L/∂b = Σ_batch dy.
 * `activation` ('sigmoid', 'tanh', 'relu'; default none) gives act(x @ W + b), bit for bit the activation op
 * applied afterwards; with a bias core's affine applies it in the same kernel call.
 * @example linear(ones([2, 3]), ones([3, 4]), zeros([4])).shape // [2, 4]
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null, activation: FusedActivation | null = null): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`linear: the input must be a Tensor, got ${typeof x}`);
  if (!(weight instanceof Tensor) || weight.ndim !== 2) {
    throw new Error(`linear: the weight must be a 2-D Tensor [in, out], got ${weight instanceof Tensor ? shapeStr(weight.shape) : typeof weight}`);
  }
  const [inF, outF] = weight.shape as [number, number];
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inF) {
    throw new Error(`linear: input has shape ${shapeStr(x.shape)} but the weight has shape ${shapeStr(weight.shape)}; the last dimension of the input must be ${inF}`);
  }
  if (bias !== null && (!(bias instanceof Tensor) || bias.ndim !== 1 || bias.shape[0] !== outF)) {
    throw new Error(`linear: the bias must have shape [${outF}] (one per output unit), got ${bias instanceof Tensor ? shapeStr(bias.shape) : typeof bias}`);
  }
  checkActivation('linear', activation);
  if (bias !== null) return affine(x, weight, bias, activation ?? undefined);
  const z = matmul(x, weight);
  return activation === null ? z : ACTIVATIONS[activation](z);
}

/** Throws unless `activation` is null/undefined or one of the fused activations. */
function checkActivation(where: string, activation: unknown): void {
  if (activation !== null && activation !== undefined && !(typeof activation === 'string' && Object.hasOwn(ACTIVATIONS, activation))) {
    throw new Error(`${where}: activation must be 'sigmoid', 'tanh' or 'relu' (or null for none), got ${typeof activation === 'string' ? `'${activation}'` : String(activation)}; for another activation put its layer after this one`);
  }
}

/**
 * PyTorch's default for nn.Linear's weight (and, with fanIn = in, its bias): U(−1/√fanIn, 1/√fanIn),
 * which is varianceScaling({scale: 1/3, mode: 'fanIn', distribution: 'uniform'}) since the limit is
 * √(3·scale/fanIn). Its initName is 'linearDefault'. Passing `fanIn` fixes the fan (for a bias,
 * whose own shape [out] says nothing about the input size), so a re-draw keeps the same bounds.
 * NOTE: PyTorch reaches this through kaiming_uniform_(a=√5); Keras's Dense uses glorot_uniform for the
 * kernel and zeros for the bias instead.
 * @example const b = linearDefaultInit(4)([3]); // every |b| ≤ 1/√4
 */
export function linearDefaultInit(fanIn?: number): Initializer {
  const base = varianceScaling({ scale: 1 / 3, mode: 'fanIn', distribution: 'uniform' }, 'linearDefault');
  if (fanIn === undefined) return base;
  const f = (shape: Shape, opts: InitOptions = {}) => base(shape, { ...opts, fanIn: opts.fanIn ?? fanIn });
  Object.defineProperty(f, 'name', { value: 'linearDefault' });
  return Object.assign(f, { initName: 'linearDefault', config: Object.freeze({ ...base.config, fanIn }) });
}

/** The options of Linear (and Maxout); every one is optional. */
export interface LinearOptions {
  /** Add a learnable bias b (default true). */
  bias?: boolean;
  /** Default: linearDefaultInit() = U(−1/√in, 1/√in) (PyTorch). E.g. init.heNormal() before a ReLU. */
  weightInitializer?: Initializer;
  /** Default: U(−1/√in, 1/√in) (PyTorch). The bias is drawn with fanIn = in. E.g. init.constant(0.01). */
  biasInitializer?: Initializer;
  /** A penalty on W added to regularizationLoss(), e.g. l2(1e-4). Default none. */
  weightRegularizer?: Regularizer | null;
  /** A penalty on b. Default none. */
  biasRegularizer?: Regularizer | null;
  /** A penalty on the layer's output y, recorded in training mode. Default none. */
  activityRegularizer?: Regularizer | null;
  /**
   * Linear only: 'sigmoid', 'tanh' or 'relu' applied to x @ W + b in the same kernel call (Keras's
   * Dense(activation=…)), bit for bit Linear followed by that activation layer. Default null (none).
   */
  activation?: FusedActivation | null;
  /** float32 (default) or float64. */
  dtype?: DType;
  /** The random generator for the initial draws (default: the global one). */
  generator?: Generator;
}

/** @internal */
export function positiveInt(where: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`${where}: ${name} must be a positive integer, got ${String(v)}`);
  return v;
}

/** Validates LinearOptions, naming the layer. @internal */
export function checkDenseOptions(where: string, opts: unknown): LinearOptions {
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) {
    throw new Error(`${where}: options must be an object like {bias: true, weightInitializer: init.heNormal()}, got ${opts === null ? 'null' : Array.isArray(opts) ? 'an array' : typeof opts}`);
  }
  const o = opts as LinearOptions;
  for (const key of ['weightInitializer', 'biasInitializer'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'function') throw new Error(`${where}: ${key} must be an initializer such as init.heNormal() or init.constant(0.01), got ${typeof o[key]}`);
  }
  if (o.generator !== undefined && !(o.generator instanceof Generator)) throw new Error(`${where}: generator must be a Generator (new Generator(seed))`);
  if (o.dtype !== undefined && o.dtype !== 'float32' && o.dtype !== 'float64') throw new Error(`${where}: dtype must be 'float32' or 'float64', got '${String(o.dtype)}'`);
  for (const key of ['weightRegularizer', 'biasRegularizer', 'activityRegularizer'] as const) {
    if (o[key] !== undefined && o[key] !== null && typeof o[key] !== 'function') throw new Error(`${where}: ${key} must be a regularizer such as l2(1e-4), got ${typeof o[key]}`);
  }
  checkActivation(where, o.activation);
  return o;
}

/**
 * The weight [in, units] and bias [units] of a dense layer from LinearOptions (shared by Linear and Maxout).
 * @internal
 */
export function denseParameters(inFeatures: number, units: number, opts: LinearOptions): { weight: Parameter; bias: Parameter | null } {
  const { generator, dtype } = opts;
  const weight = Parameter.create([inFeatures, units], opts.weightInitializer ?? linearDefaultInit(), {
    generator, dtype, regularizer: opts.weightRegularizer ?? null,
  });
  const bias = (opts.bias ?? true)
    ? Parameter.create([units], opts.biasInitializer ?? linearDefaultInit(inFeatures), {
      generator, dtype, fanIn: inFeatures, regularizer: opts.biasRegularizer ?? null,
    })
    : null;
  return { weight, bias };
}

/**
 * Checks that `x` is a Tensor of shape [..., inFeatures] with the parameters' dtype, naming the layer.
 * @internal
 */
export function checkDenseInput(where: string, x: unknown, inFeatures: number, dtype: DType): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${where}: expected a Tensor input of shape [..., ${inFeatures}], got ${typeof x}`);
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inFeatures) {
    throw new Error(`${where}: input has shape ${shapeStr(x.shape)}; the last dimension must be ${inFeatures}`);
  }
  if (x.dtype !== dtype) {
    throw new Error(`${where}: input is ${x.dtype} but the layer's parameters are ${dtype}; convert the input with x.astype('${dtype}') or build the layer with {dtype: '${x.dtype}'}`);
  }
}

/**
 * Fully connected layer: y = x @ W + b, with W of shape [in, out] (Keras's layout; PyTorch stores
 * Wᵀ) and b of shape [out]. x is [..., in] (any leading batch dimensions), y is [..., out].
 * Defaults follow PyTorch: W and b ~ U(−1/√in, 1/√in).
 * @example
 * const layer = new Linear(4, 3, {weightInitializer: init.heNormal(), biasInitializer: init.constant(0.01)});
 * layer.forward(randn([2, 4])).shape // [2, 3]
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  /** The fused activation ('sigmoid', 'tanh', 'relu'), or null. */
  readonly activation: FusedActivation | null;

  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions = {}) {
    super();
    positiveInt('Linear', 'inFeatures', inFeatures);
    positiveInt('Linear', 'outFeatures', outFeatures);
    const name = `Linear(${inFeatures} → ${outFeatures})`;
    checkDenseOptions(name, opts);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const { weight, bias } = denseParameters(inFeatures, outFeatures, opts);
    this.weight = weight;
    this.bias = bias;
    this.activation = opts.activation ?? null;
    this.activityRegularizer = opts.activityRegularizer ?? null;
  }

  forward(x: Tensor): Tensor {
    checkDenseInput(`Linear(${this.inFeatures} → ${this.outFeatures})`, x, this.inFeatures, this.weight.dtype);
    return this.activity(linear(x, this.weight, this.bias, this.activation));
  }

  protected override describe(): string {
    return `${this.inFeatures} → ${this.outFeatures}${this.bias === null ? ', bias=false' : ''}${this.activation === null ? '' : `, activation=${this.activation}`}`;
  }
}
