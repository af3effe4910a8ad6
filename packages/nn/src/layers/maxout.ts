/**
 * Maxout (Goodfellow et al. 2013): each output unit is the largest of `pieces` affine functions of the input.
 */
import { max, reshape, type Tensor } from '@tapegrad/core';
import { Module } from '../module';
import type { Parameter } from '../parameter';
import { checkDenseInput, checkDenseOptions, denseParameters, linear, positiveInt, type LinearOptions } from './linear';

/** The options of Maxout: those of Linear (initializers, regularizers, bias, dtype, generator) except `activation` (the max over pieces is the activation). */
export type MaxoutOptions = Omit<LinearOptions, 'activation'>;

/**
 * Maxout layer: hⱼ(x) = max_{k < pieces} (x @ W + b)[j·pieces + k], for j < outFeatures.
 * One dense map to out·pieces units (W of shape [in, out·pieces], b of shape [out·pieces]), reshaped
 * to [..., out, pieces], then the maximum over the pieces. x is [..., in], y is [..., out].
 * The gradient flows only to each unit's winning piece (ties split it evenly, as core `max` does).
 * A maxout unit is a learned convex piecewise-linear activation: with 2 pieces it can represent
 * ReLU (one piece fixed at 0) or |x|; it never saturates and has no dead region.
 * Defaults: W and b ~ U(−1/√in, 1/√in), as Linear (PyTorch has no Maxout layer; Keras 1's MaxoutDense
 * used glorot_uniform and zeros, and stored W as [pieces, in, out]).
 * Paper: Goodfellow et al. 2013, "Maxout Networks", https://arxiv.org/abs/1302.4389
 * @example new Maxout(4, 3, 2).forward(randn([5, 4])).shape // [5, 3]
 */
export class Maxout extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly pieces: number;
  /** [in, out·pieces]: column j·pieces + k is piece k of unit j. */
  readonly weight: Parameter;
  /** [out·pieces], or null with {bias: false}. */
  readonly bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, pieces: number, opts: MaxoutOptions = {}) {
    super();
    positiveInt('Maxout', 'inFeatures', inFeatures);
    positiveInt('Maxout', 'outFeatures', outFeatures);
    positiveInt('Maxout', 'pieces', pieces);
    checkDenseOptions(`Maxout(${inFeatures} → ${outFeatures}, pieces=${pieces})`, opts);
    if ((opts as LinearOptions).activation != null) {
      throw new Error(`Maxout(${inFeatures} → ${outFeatures}, pieces=${pieces}): takes no activation option (the max over its pieces is the activation); put an activation layer after it`);
    }
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.pieces = pieces;
    const { weight, bias } = denseParameters(inFeatures, outFeatures * pieces, opts);
    this.weight = weight;
    this.bias = bias;
    this.activityRegularizer = opts.activityRegularizer ?? null;
  }

  forward(x: Tensor): Tensor {
    checkDenseInput(this.#name(), x, this.inFeatures, this.weight.dtype);
    const z = linear(x, this.weight, this.bias);
    const y = max(reshape(z, [...x.shape.slice(0, -1), this.outFeatures, this.pieces]), -1);
    return this.activity(y);
  }

  #name(): string {
    return `Maxout(${this.inFeatures} → ${this.outFeatures}, pieces=${this.pieces})`;
  }

  protected override describe(): string {
    return `${this.inFeatures} → ${this.outFeatures}, pieces=${this.pieces}${this.bias === null ? ', bias=false' : ''}`;
  }
}
