import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Tensor, markPristine, pristineStorage, scalarLike, storageOf, type NestedArray } from '../src/tensor';
import { tensor, zeros } from '../src/creation';
import { exp, mul, add, square } from '../src/ops/elementwise';
import { sum } from '../src/ops/reduce';

describe('constructor', () => {
  it('wraps storage, shape and dtype (dtype inferred from the storage)', () => {
    const data = new Float64Array([1, 2, 3, 4, 5, 6]);
    const t = new Tensor(data, [2, 3]);
    expect(t.data).toBe(data);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float64');
    expect(new Tensor(new Float32Array(1), []).dtype).toBe('float32');
  });

  it('throws when the element count does not match the shape', () => {
    expect(() => new Tensor(new Float32Array(5), [2, 3])).toThrow('Tensor: data has 5 elements but shape [2,3] needs 6');
    expect(() => new Tensor(new Float32Array(0), [])).toThrow(/shape \[\] needs 1/);
  });

  it('throws when the dtype does not match the storage', () => {
    expect(() => new Tensor(new Float32Array(2), [2], 'float64')).toThrow('Tensor: dtype float64 does not match storage Float32Array');
    expect(() => new Tensor(new Float64Array(2), [2], 'float32')).toThrow(/dtype float32 does not match storage Float64Array/);
  });
});

describe('pristine storage (what kernels may keep a copy of)', () => {
  it('creation functions make pristine tensors; the first .data read ends it for good', () => {
    const t = tensor([1, 2, 3]);
    expect(pristineStorage(t)).toBe(storageOf(t));
    expect(pristineStorage(zeros([2, 2]))).not.toBeNull();
    // Internal reads (storageOf, size, item, toArray, clone) leave it pristine.
    expect(t.size).toBe(3);
    expect(t.toArray()).toEqual([1, 2, 3]);
    expect(t.clone().toArray()).toEqual([1, 2, 3]);
    expect(pristineStorage(t)).not.toBeNull();
    const d = t.data; // the caller may now write d at any time
    expect(pristineStorage(t)).toBeNull();
    d[0] = 5;
    expect(pristineStorage(t)).toBeNull();
    expect(t.toArray()).toEqual([5, 2, 3]);
  });

  it('a constructed tensor (the caller holds its array) and a detached view are never pristine', () => {
    const arr = new Float32Array([1, 2]);
    expect(pristineStorage(new Tensor(arr, [2]))).toBeNull();
    const t = tensor([1, 2]);
    const view = t.detach(); // a second owner of the same storage
    expect(pristineStorage(t)).toBeNull();
    expect(pristineStorage(view)).toBeNull();
    const u = tensor([3]);
    markPristine(u);
    expect(pristineStorage(u)).not.toBeNull();
  });
});

describe('size / ndim / isLeaf', () => {
  it('size is the element count and ndim the rank', () => {
    const t = zeros([2, 3, 4]);
    expect(t.size).toBe(24);
    expect(t.ndim).toBe(3);
    const s = tensor(5);
    expect(s.size).toBe(1);
    expect(s.ndim).toBe(0);
    const e = zeros([3, 0]);
    expect(e.size).toBe(0);
    expect(e.ndim).toBe(2);
  });

  it('user-created tensors are leaves; recorded results are not', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(x.isLeaf).toBe(true);
    const y = exp(x);
    expect(y.isLeaf).toBe(false);
    expect(y.requiresGrad).toBe(true);
    // Not recorded when no input requires grad.
    expect(exp(tensor([1, 2])).isLeaf).toBe(true);
  });
});

describe('item', () => {
  it('returns the single value of a one-element tensor of any rank', () => {
    expect(tensor(3.5).item()).toBe(3.5);
    expect(tensor([[7]]).item()).toBe(7);
  });

  it('throws naming the shape and element count', () => {
    expect(() => tensor([1, 2, 3]).item()).toThrow('item: tensor of shape [3] has 3 elements; item() needs exactly one');
    expect(() => zeros([2, 0]).item()).toThrow(/shape \[2,0\] has 0 elements/);
  });
});

describe('toArray', () => {
  it('returns a number for rank 0 and nested arrays for ranks 1–3', () => {
    expect(tensor(2).toArray()).toBe(2);
    expect(tensor([1, 2]).toArray()).toEqual([1, 2]);
    expect(tensor([[1, 2], [3, 4], [5, 6]]).toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(tensor([[[1], [2]], [[3], [4]]]).toArray()).toEqual([[[1], [2]], [[3], [4]]]);
  });

  it('keeps zero-size dimensions', () => {
    expect(zeros([0]).toArray()).toEqual([]);
    expect(zeros([2, 0]).toArray()).toEqual([[], []]);
    expect(zeros([2, 0, 3]).toArray()).toEqual([[], []]);
  });

  it('round-trips tensor(nested) for ranks 0–3 (float64: exact)', () => {
    const value = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });
    const nested: fc.Arbitrary<NestedArray> = fc
      .array(fc.integer({ min: 1, max: 4 }), { maxLength: 3 })
      .chain((shape) => shape.reduceRight<fc.Arbitrary<NestedArray>>((inner, d) => fc.array(inner, { minLength: d, maxLength: d }), value));
    fc.assert(
      fc.property(nested, (v) => {
        const t = tensor(v, { dtype: 'float64' });
        // float64 storage holds every double exactly, -0 included, so the round trip is the identity.
        expect(t.toArray()).toEqual(v);
        expect(tensor(t.toArray(), { dtype: 'float64' }).data).toEqual(t.data);
      }),
      { numRuns: 100 },
    );
  });

  it('returns float32-rounded values for float32', () => {
    expect(tensor([0.1]).toArray()).toEqual([Math.fround(0.1)]);
  });
});

describe('astype', () => {
  it('converts float32 → float64 exactly and float64 → float32 with rounding', () => {
    const a = tensor([0.1, 2, -3], { dtype: 'float64' });
    const b = a.astype('float32');
    expect(b.dtype).toBe('float32');
    expect(b.data).toBeInstanceOf(Float32Array);
    expect([...b.data]).toEqual([Math.fround(0.1), 2, -3]);
    const c = b.astype('float64');
    expect(c.dtype).toBe('float64');
    expect([...c.data]).toEqual([Math.fround(0.1), 2, -3]);
    expect(c.shape).toEqual([3]);
  });

  it('copies even when the dtype is unchanged', () => {
    const a = tensor([1, 2]);
    const b = a.astype('float32');
    expect(b.data).not.toBe(a.data);
    b.data[0] = 9;
    expect(a.data[0]).toBe(1);
  });

  it('is differentiable: the gradient comes back in the input dtype', () => {
    const x = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    const y = x.astype('float32');
    expect(y.requiresGrad).toBe(true);
    // d/dx sum(3·cast(x)) = 3
    sum(mul(y, 3)).backward();
    expect(x.grad!.dtype).toBe('float64');
    expect([...x.grad!.data]).toEqual([3, 3, 3]);

    const u = tensor([1, 2], { requiresGrad: true });
    sum(square(u.astype('float64'))).backward();
    expect(u.grad!.dtype).toBe('float32');
    expect([...u.grad!.data]).toEqual([2, 4]); // d/du u² = 2u
  });

  it('throws on an unknown dtype', () => {
    expect(() => tensor([1]).astype('int32' as never)).toThrow("astype: unknown dtype 'int32'; use 'float32' or 'float64'");
  });
});

describe('detach', () => {
  it('shares storage, keeps shape/dtype, and is a leaf without grad', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = mul(x, 2);
    const d = y.detach();
    expect(d.data).toBe(y.data);
    expect(d.shape).toEqual(y.shape);
    expect(d.dtype).toBe(y.dtype);
    expect(d.isLeaf).toBe(true);
    expect(d.requiresGrad).toBe(false);
    expect(d.grad).toBeNull();
  });

  it('cuts the tape: gradients do not flow through a detached tensor', () => {
    const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    // z = x·detach(x): the gradient is detach(x) = x, not 2x.
    sum(mul(x, x.detach())).backward();
    expect([...x.grad!.data]).toEqual([1, 2]);
  });
});

describe('clone', () => {
  it('copies the values into new storage, cut from the tape', () => {
    const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const c = x.clone();
    expect(c.data).not.toBe(x.data);
    expect(c.toArray()).toEqual(x.toArray());
    expect(c.shape).toEqual([2, 2]);
    expect(c.dtype).toBe('float32');
    expect(c.requiresGrad).toBe(false);
    c.data[0] = 100;
    expect(x.data[0]).toBe(1);
  });
});

describe('requiresGrad_', () => {
  it('sets the flag on a leaf and returns this', () => {
    const x = tensor([1]);
    expect(x.requiresGrad_()).toBe(x);
    expect(x.requiresGrad).toBe(true);
    x.requiresGrad_(false);
    expect(x.requiresGrad).toBe(false);
  });

  it('throws on a non-leaf, naming the op that produced it', () => {
    const y = exp(tensor([1], { requiresGrad: true }));
    expect(() => y.requiresGrad_(false)).toThrow("requiresGrad_: this tensor was computed by 'exp'; only leaves can change requiresGrad");
    expect(() => y.requiresGrad_()).toThrow(/\.detach\(\)/);
  });
});

describe('retainGrad / zeroGrad', () => {
  it('a non-leaf keeps its gradient only after retainGrad()', () => {
    const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const h = mul(x, 3);
    const k = mul(x, 3);
    expect(h.retainGrad()).toBe(h);
    // L = sum(h²) + sum(k): dL/dh = 2h = 6x, dL/dx = 18x + 3
    sum(add(sum(square(h)), sum(k))).backward();
    expect([...h.grad!.data]).toEqual([6, 12]);
    expect(k.grad).toBeNull();
    expect([...x.grad!.data]).toEqual([21, 39]);
  });

  it('zeroGrad clears .grad; gradients accumulate otherwise', () => {
    const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    sum(x).backward();
    sum(x).backward();
    expect([...x.grad!.data]).toEqual([2, 2]);
    x.zeroGrad();
    expect(x.grad).toBeNull();
    sum(x).backward();
    expect([...x.grad!.data]).toEqual([1, 1]);
  });
});

describe('toString', () => {
  it('mentions values, shape and dtype (and requiresGrad / op when set)', () => {
    const s = tensor([[1, 2]], { dtype: 'float64' }).toString();
    expect(s).toContain('[[1,2]]');
    expect(s).toContain('shape=[1,2]');
    expect(s).toContain('dtype=float64');
    expect(s).not.toContain('requiresGrad');
    const x = tensor([1], { requiresGrad: true });
    expect(x.toString()).toContain('requiresGrad');
    expect(exp(x).toString()).toContain('op=exp');
  });
});

describe('backward', () => {
  it('delegates to the engine: d/dx sum(x²) = 2x', () => {
    const x = tensor([1, -2, 3], { requiresGrad: true });
    x.square().sum().backward();
    expect([...x.grad!.data]).toEqual([2, -4, 6]);
  });

  it('passes options through (an explicit seed gradient)', () => {
    const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const y = mul(x, 5);
    y.backward({ grad: tensor([1, 10], { dtype: 'float64' }) });
    expect([...x.grad!.data]).toEqual([5, 50]);
  });

  it('throws when nothing requires grad', () => {
    expect(() => tensor([1]).backward()).toThrow(/does not require grad/);
  });
});

describe('method aliases', () => {
  it('delegate to the op functions', () => {
    const a = tensor([1, 2]);
    expect(a.add(1).toArray()).toEqual([2, 3]);
    expect(a.mul(a).toArray()).toEqual([1, 4]);
    expect(a.reshape([2, 1]).shape).toEqual([2, 1]);
    expect(a.sum().item()).toBe(3);
  });
});

describe('scalarLike', () => {
  it('makes a 0-d tensor of the given dtype', () => {
    const s = scalarLike(2.5, 'float64');
    expect(s.shape).toEqual([]);
    expect(s.dtype).toBe('float64');
    expect(s.item()).toBe(2.5);
  });
});

describe('lifted numbers', () => {
  it('0 and −0 stay distinct even though 0 was lifted first (the cache keys cannot tell them apart)', async () => {
    const { mul, tensor: t } = await import('../src/index');
    expect(Object.is(mul(t([1]), 0).data[0], 0)).toBe(true);
    expect(Object.is(mul(t([1]), -0).data[0], -0)).toBe(true);
    expect(Number.isNaN(mul(t([1]), NaN).data[0]!)).toBe(true);
  });
  it('a number lifted for float32 and for float64 gives tensors of each dtype', async () => {
    const { add, tensor: t } = await import('../src/index');
    expect(add(t([1]), 0.1).dtype).toBe('float32');
    expect(add(t([1], { dtype: 'float64' }), 0.1).data[0]).toBe(1.1);
  });
});
