/**
 * Matrix products: matmul with NumPy / torch.matmul semantics (vector, matrix and batched
 * cases, batch dimensions broadcast). One primitive, `matmulT`, computes op(A)·op(B) with
 * optional transposes read in place by the kernel, so backward never materialises a transpose.
 */
import { defineOp, type Op } from './define_op';
import { sumToShape } from './broadcast';
import { Tensor, pristineStorage, storageOf } from '../tensor';
import { kernels } from '../kernels/registry';
import { allocate } from '../dtype';
import { broadcastShapes, formatShape, sizeOf, type Shape } from '../shape';
import { broadcastTo, reshape } from './shape';
import { sum } from './reduce';
import { reluBackward, sigmoidBackward, tanhBackward } from './activations';
import type { FusedActivation } from '../kernels/kernels';

function describeOperand(shape: Shape, trans: boolean): string {
  return trans ? `${formatShape(shape)}ᵀ` : formatShape(shape);
}

/**
 * op(A) @ op(B) for rank ≥ 2 operands with broadcast batch dimensions.
 * A is [..., m, k] ([..., k, m] when transA); B is [..., k, n] ([..., n, k] when transB).
 */
export const matmulT: Op<[Tensor, Tensor, boolean, boolean]> = defineOp({
  name: 'matmul',
  forward: (a: Tensor, b: Tensor, transA: boolean, transB: boolean) => {
    const ra = a.ndim, rb = b.ndim;
    const m = transA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
    const k = transA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
    const kb = transB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
    const n = transB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
    if (k !== kb) {
      throw new Error(
        `matmul: ${describeOperand(a.shape, transA)} @ ${describeOperand(b.shape, transB)}: inner dimensions differ ` +
          `(${k} vs ${kb}); the last dimension of the first operand must equal the second-to-last of the second`,
      );
    }
    const batchA = a.shape.slice(0, ra - 2), batchB = b.shape.slice(0, rb - 2);
    let batchShape: number[];
    try {
      batchShape = broadcastShapes(batchA, batchB, 'matmul');
    } catch {
      throw new Error(
        `matmul: ${formatShape(a.shape)} @ ${formatShape(b.shape)}: batch dimensions ${formatShape(batchA)} and ` +
          `${formatShape(batchB)} cannot be broadcast together`,
      );
    }
    const batch = sizeOf(batchShape);
    // An operand whose batch is all ones is reused for every item (stride 0); a partial
    // broadcast (e.g. [2,1] against [1,3]) is expanded to the full batch first.
    const prep = (t: Tensor, own: Shape): [Tensor, number] => {
      if (sizeOf(own) === 1) return [t, 0];
      if (sizeOf(own) === batch) return [t, t.shape[t.ndim - 1]! * t.shape[t.ndim - 2]!];
      const full = broadcastTo(t, [...batchShape, t.shape[t.ndim - 2]!, t.shape[t.ndim - 1]!]);
      return [full, full.shape[full.ndim - 1]! * full.shape[full.ndim - 2]!];
    };
    const [pa, sa] = prep(a, batchA);
    const [pb, sb] = prep(b, batchB);
    const out = allocate(a.dtype, batch * m * n);
    // Read without counting as a `.data` access, so pristine operands stay pristine and the kernel may
    // keep them resident (an input batch reused every step, or A in both A·W and backward's Aᵀ·dY).
    const stableA = pristineStorage(pa) !== null, stableB = pristineStorage(pb) !== null;
    kernels.matmul(storageOf(pa), storageOf(pb), out, batch, m, k, n, sa, sb, transA, transB, 0, 0, stableA, stableB);
    return new Tensor(out, [...batchShape, m, n], a.dtype);
  },
  // C = op(A)·op(B): dop(A) = dC·op(B)ᵀ and dop(B) = op(A)ᵀ·dC, rewritten per transpose case so
  // the kernel reads every operand in place; batch broadcasting is undone by sumToShape.
  backward: (dy, { inputs: [a, b], args, needsGrad }) => {
    const tA = args[2] as boolean, tB = args[3] as boolean;
    let da: Tensor | null = null, db: Tensor | null = null;
    if (needsGrad[0]) {
      da = !tA ? matmulT(dy, b!, false, !tB) : matmulT(b!, dy, tB, true);
      da = sumToShape(da, a!.shape);
    }
    if (needsGrad[1]) {
      db = !tB ? matmulT(a!, dy, !tA, false) : matmulT(dy, a!, true, tA);
      db = sumToShape(db, b!.shape);
    }
    return [da, db];
  },
});

/**
 * The matrix product with NumPy / torch.matmul semantics:
 * - 1-D · 1-D: the dot product (a 0-d tensor);
 * - 2-D · 2-D: the matrix product [m,k]·[k,n] → [m,n];
 * - 1-D first: treated as a row [1,k], the 1 is removed from the result; 1-D second: a column [k,1], likewise;
 * - N-D: a batch of matrices in the last two dimensions, batch dimensions broadcast.
 * Gradients: dA = dC·Bᵀ, dB = Aᵀ·dC (summed over broadcast batch dimensions).
 * @example matmul(ones([2, 3]), ones([3, 4])).shape // [2, 4]
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (!(a instanceof Tensor) || !(b instanceof Tensor)) throw new Error('matmul: both arguments must be Tensors');
  if (a.ndim === 0 || b.ndim === 0) {
    throw new Error(`matmul: ${formatShape(a.shape)} @ ${formatShape(b.shape)}: both operands need at least 1 dimension; use mul for scalars`);
  }
  const va = a.ndim === 1, vb = b.ndim === 1;
  if (va && vb && a.shape[0] !== b.shape[0]) {
    throw new Error(`matmul: ${formatShape(a.shape)} @ ${formatShape(b.shape)}: inner dimensions differ (${a.shape[0]} vs ${b.shape[0]})`);
  }
  const A = va ? reshape(a, [1, a.shape[0]!]) : a;
  const B = vb ? reshape(b, [b.shape[0]!, 1]) : b;
  let c = matmulT(A, B, false, false);
  if (va || vb) {
    const s = c.shape.slice();
    if (vb) s.splice(s.length - 1, 1);
    if (va) s.splice(s.length - (vb ? 1 : 2), 1);
    c = reshape(c, s);
  }
  return c;
}

/** The activations affine can fuse, and their backwards from the output y (activations.ts). */
const ACTIVATION_BACKWARD: Record<FusedActivation, (y: Tensor, dy: Tensor) => Tensor> = {
  sigmoid: sigmoidBackward, tanh: tanhBackward, relu: reluBackward,
};

/**
 * One affine map on 2-D x: act(x·w + b) with the bias (and the activation, or null) applied by the product's
 * kernel as it stores C (see affine).
 */
const affine2d: Op<[Tensor, Tensor, Tensor, FusedActivation | null]> = defineOp({
  name: 'affine',
  forward: (x: Tensor, w: Tensor, b: Tensor, activation: FusedActivation | null) => {
    const m = x.shape[0]!, k = x.shape[1]!, n = w.shape[1]!;
    const out = allocate(x.dtype, m * n);
    // As in matmulT: read without counting as a `.data` access, so pristine operands may stay resident.
    const stableX = pristineStorage(x) !== null, stableW = pristineStorage(w) !== null;
    kernels.matmul(storageOf(x), storageOf(w), out, 1, m, k, n, 0, 0, false, false, 0, 0, stableX, stableW, storageOf(b), activation);
    return new Tensor(out, [m, n], x.dtype);
  },
  // y = act(z), z = x·w + b: dz = the activation's backward from y (sigmoidBackward…, or dy itself), then
  // dx = dz·wᵀ, dw = xᵀ·dz, db = Σ_rows dz (all differentiable, so second order works).
  backward: (dy, { inputs: [x, w], args, output, needsGrad }) => {
    const activation = args[3] as FusedActivation | null;
    const dz = activation === null ? dy : ACTIVATION_BACKWARD[activation](output, dy);
    return [
      needsGrad[0] ? matmulT(dz, w!, false, true) : null,
      needsGrad[1] ? matmulT(x!, dz, true, false) : null,
      needsGrad[2] ? sum(dz, 0) : null,
    ];
  },
});

/**
 * The affine map x @ w + b in one pass: x of shape [..., k] (1-D: a single row), w [k, n], b [n]. The
 * bias is added by the product's kernel as it stores C, so there is no separate broadcast add and no
 * intermediate x @ w tensor; the result equals add(matmul(x, w), b) bit for bit. Like torch.addmm(b, x, w)
 * (and F.linear, whose weight is stored transposed, [n, k]). Gradients: dx = dy·wᵀ, dw = Σ xᵀ·dy,
 * db = Σ dy over all leading dimensions.
 * `activation` ('sigmoid', 'tanh' or 'relu'; default none) is applied by the same kernel call, while C is
 * still in the kernel's memory: act(x @ w + b), bit for bit sigmoid(affine(x, w, b)) and so on, without the
 * intermediate tensor (Keras's Dense(activation=…)). Its backward starts from the output as sigmoid's does,
 * dz = sigmoidBackward(y, dy) (tanhBackward, reluBackward), then the affine gradients with dz for dy.
 * @example affine(ones([2, 3]), ones([3, 4]), zeros([4])).shape // [2, 4]
 * @example affine(ones([2, 3]), ones([3, 4]), zeros([4]), 'sigmoid') // σ(3) everywhere
 */
export function affine(x: Tensor, w: Tensor, b: Tensor, activation?: FusedActivation): Tensor {
  if (!(x instanceof Tensor) || !(w instanceof Tensor) || !(b instanceof Tensor)) {
    throw new Error('affine: x, w and b must all be Tensors');
  }
  if (activation !== undefined && !Object.hasOwn(ACTIVATION_BACKWARD, activation)) {
    throw new Error(`affine: activation must be 'sigmoid', 'tanh' or 'relu' (or left out for none), got ${typeof activation === 'string' ? `'${activation}'` : String(activation)}`);
  }
  const act = activation ?? null;
  if (w.ndim !== 2) throw new Error(`affine: w must be 2-D [k, n], got shape ${formatShape(w.shape)}`);
  const k = w.shape[0]!, n = w.shape[1]!;
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== k) {
    throw new Error(`affine: x has shape ${formatShape(x.shape)} but w has shape ${formatShape(w.shape)}; the last dimension of x must be ${k}`);
  }
  if (b.ndim !== 1 || b.shape[0] !== n) {
    throw new Error(`affine: b must have shape [${n}] (one value per column of w), got ${formatShape(b.shape)}; use add(matmul(x, w), b) for other broadcasts`);
  }
  if (x.ndim === 2) return affine2d(x, w, b, act);
  const lead = x.shape.slice(0, -1);
  return reshape(affine2d(reshape(x, [sizeOf(lead), k]), w, b, act), [...lead, n]);
}
