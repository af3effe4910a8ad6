/**
 * mulberry32: a small seeded stream of uint32 values, for test data that must be reproducible from a
 * seed without fast-check shrinking every value (long arrays, sweeps). Divide by 2³² for [0, 1).
 */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
