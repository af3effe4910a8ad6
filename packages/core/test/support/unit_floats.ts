/**
 * Float32 values across [0, 1] for the loss kernels' sweeps: every `stride`-th bit pattern from +0 up to
 * 1 (so every binade, subnormals included), then 1 itself, then the `extra` values.
 */
export function unitIntervalFloats(stride: number, extra: readonly number[] = []): Float32Array {
  const count = Math.floor(0x3f800000 / stride) + 1;
  const p = new Float32Array(count + 1 + extra.length), bits = new Uint32Array(p.buffer);
  for (let i = 0; i < count; i++) bits[i] = i * stride;
  p[count] = 1;
  p.set(extra, count + 1);
  return p;
}
