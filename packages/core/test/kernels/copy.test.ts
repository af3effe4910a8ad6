import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { copyStrided } from '../../src/kernels/ts/copy';
import { sizeOf, stridesOf } from '../../src/shape';
import { indices } from '../support/naive';

const dot = (idx: readonly number[], strides: readonly number[]) => idx.reduce((acc, v, d) => acc + v * strides[d]!, 0);

/**
 * A strided view of `shape` inside a buffer: the axes laid out in a random order, each dimension
 * padded (a slice of a bigger array), some strides negated (a flip) and, for a source, some set to 0
 * (a broadcast). Returns the strides, the offset of element [0, …, 0] and the buffer size needed.
 */
function layout(shape: readonly number[], allowZero: boolean) {
  const r = shape.length;
  return fc.tuple(
    fc.shuffledSubarray(shape.map((_, d) => d), { minLength: r, maxLength: r }),
    fc.array(fc.integer({ min: 0, max: 2 }), { minLength: r, maxLength: r }),
    fc.array(fc.constantFrom(...(allowZero ? ['pos', 'neg', 'zero'] : ['pos', 'neg'])), { minLength: r, maxLength: r }),
    fc.integer({ min: 0, max: 3 }),
  ).map(([order, pad, kind, extra]) => {
    // Contiguous strides of the padded shape, in the permuted axis order.
    const padded = order.map((d) => shape[d]! + pad[d]!);
    const pstr = stridesOf(padded);
    const strides = new Array<number>(r);
    order.forEach((d, k) => { strides[d] = pstr[k]!; });
    let offset = extra;
    for (let d = 0; d < r; d++) {
      if (kind[d] === 'zero') strides[d] = 0;
      else if (kind[d] === 'neg') { offset += Math.max(0, shape[d]! - 1) * strides[d]!; strides[d] = -strides[d]!; }
    }
    const size = extra + 2 * sizeOf(padded) + 1;
    return { strides, offset, size };
  });
}

describe('copyStrided', () => {
  it('agrees with a naive multi-index loop (permuted, padded, flipped and broadcast views; zero-size and 0-d shapes)', () => {
    const input = fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }).chain((shape) =>
      fc.tuple(fc.constant(shape), layout(shape, true), layout(shape, false)));
    fc.assert(
      fc.property(input, ([shape, src, dst]) => {
        const s = Float64Array.from({ length: src.size }, (_, i) => i + 0.5);
        const d = new Float64Array(dst.size).fill(-1);
        const expected = Float64Array.from(d);
        for (const idx of indices(shape)) expected[dst.offset + dot(idx, dst.strides)] = s[src.offset + dot(idx, src.strides)]!;
        copyStrided(s, src.offset, src.strides, d, dst.offset, dst.strides, shape);
        expect(d).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('fast paths: a broadcast scalar fills a contiguous block; contiguous to contiguous copies as one block', () => {
    // expand of a scalar into [2, 3] at offset 1 (size-1 dimensions may have any stride)
    const dst = new Float32Array(8).fill(-1);
    copyStrided(new Float64Array([9, 7]), 1, [0, 0, 0], dst, 1, [3, 99, 1], [2, 1, 3]);
    expect([...dst]).toEqual([-1, 7, 7, 7, 7, 7, 7, -1]);
    // contiguous [2, 2] from offset 2 of a float64 source into a float32 destination at offset 1
    const out = new Float32Array(6).fill(-1);
    copyStrided(new Float64Array([0, 0, 1.5, 2.5, 3.5, 4.5]), 2, [2, 1], out, 1, [2, 1], [2, 2]);
    expect([...out]).toEqual([-1, 1.5, 2.5, 3.5, 4.5, -1]);
    // same dtype: a contiguous block, nothing outside it touched
    const o2 = new Float32Array(5).fill(-1);
    copyStrided(new Float32Array([1, 2, 3, 4]), 1, [1], o2, 2, [1], [3]);
    expect([...o2]).toEqual([-1, -1, 2, 3, 4]);
  });

  it('transposes a [2,3] matrix', () => {
    const src = new Float32Array([1, 2, 3, 4, 5, 6]);
    const dst = new Float32Array(6);
    // Read src as its transpose [3,2] (strides [1,3]) into a contiguous [3,2].
    copyStrided(src, 0, [1, 3], dst, 0, [2, 1], [3, 2]);
    expect([...dst]).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('broadcasts with a 0 stride (expand [3] to [2,3])', () => {
    const dst = new Float64Array(6);
    copyStrided(new Float64Array([7, 8, 9]), 0, [0, 1], dst, 0, [3, 1], [2, 3]);
    expect([...dst]).toEqual([7, 8, 9, 7, 8, 9]);
  });

  it('writes into a slice with offsets (concat-style)', () => {
    const dst = new Float64Array(8);
    // Put a [2,2] block into columns 2..3 of a [2,4] array.
    copyStrided(new Float64Array([1, 2, 3, 4]), 0, [2, 1], dst, 2, [4, 1], [2, 2]);
    expect([...dst]).toEqual([0, 0, 1, 2, 0, 0, 3, 4]);
  });

  it('rank 0 copies one element; a zero-size shape copies nothing', () => {
    const dst = new Float64Array([0, 0]);
    copyStrided(new Float64Array([5, 6]), 1, [], dst, 1, [], []);
    expect([...dst]).toEqual([0, 6]);
    copyStrided(new Float64Array(0), 0, [1, 1], dst, 0, [1, 1], [0, 3]);
    expect([...dst]).toEqual([0, 6]);
  });

  it('converts between float32 and float64 storage', () => {
    const dst = new Float32Array(2);
    copyStrided(new Float64Array([0.1, 2]), 0, [1], dst, 0, [1], [2]);
    expect([...dst]).toEqual([Math.fround(0.1), 2]);
  });
});
