/** The strided copy kernel: permute, slice, concat, pad, expand and contiguous() are all views copied by it. */
import type { FloatArray } from '../../dtype';
import type { Shape } from '../../shape';
import { forEachRow } from './elementwise';

export function copyStrided(
  src: FloatArray, srcOffset: number, srcStrides: readonly number[],
  dst: FloatArray, dstOffset: number, dstStrides: readonly number[], shape: Shape,
): void {
  const rank = shape.length;
  if (rank === 0) { dst[dstOffset] = src[srcOffset]!; return; }
  // Whole-block fast paths: a scalar broadcast into a contiguous block (expand of a reduction's
  // gradient) is a fill; contiguous to contiguous is one memcpy.
  const total = contiguousSize(dstStrides, shape);
  if (total >= 0) {
    if (srcStrides.every((s) => s === 0)) {
      dst.fill(src[srcOffset]!, dstOffset, dstOffset + total);
      return;
    }
    if (contiguousSize(srcStrides, shape) === total && src.constructor === dst.constructor) {
      dst.set(src.subarray(srcOffset, srcOffset + total), dstOffset);
      return;
    }
  }
  const ss = srcStrides[rank - 1]!, ds = dstStrides[rank - 1]!;
  forEachRow(shape, [srcStrides, dstStrides], (off, _o, len) => {
    let i = srcOffset + off[0]!, j = dstOffset + off[1]!;
    if (ss === 1 && ds === 1) {
      for (let t = 0; t < len; t++) dst[j + t] = src[i + t]!;
    } else {
      for (let t = 0; t < len; t++, i += ss, j += ds) dst[j] = src[i]!;
    }
  });
}

/** The element count when `strides` are the row-major contiguous strides of `shape`, else −1. */
function contiguousSize(strides: readonly number[], shape: Shape): number {
  let size = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && strides[d] !== size) return -1;
    size *= shape[d]!;
  }
  return size;
}
