/**
 * The fused kernels (kernels/ts/fused.ts) against the chains of plain-TS elementwise kernels they replace,
 * bit for bit: every intermediate of the chain stored in an array of the dtype, as the composed ops store it.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { activationBackward, binaryCrossEntropy, binaryCrossEntropyBackward } from '../../src/kernels/ts/fused';
import { binary, unary } from '../../src/kernels/ts/elementwise';
import type { ActivationBackwardKernelOp, BinaryKernelOp, UnaryKernelOp } from '../../src/kernels/kernels';
import type { DType, FloatArray } from '../../src/dtype';
import { unitIntervalFloats } from '../support/unit_floats';

// ── the composed chains, one kernel call per op ───────────────────────────

const alloc = (dtype: DType, n: number): FloatArray => (dtype === 'float64' ? new Float64Array(n) : new Float32Array(n));
const dtypeOf = (x: FloatArray): DType => (x instanceof Float64Array ? 'float64' : 'float32');

/** a ∘ b into a new array of a's dtype; a number is a 0-d operand (the lifted scalar of `sub(1, y)`). */
function bin(op: BinaryKernelOp, a: FloatArray | number, b: FloatArray | number): FloatArray {
  const t = typeof a === 'number' ? (b as FloatArray) : a;
  const dt = dtypeOf(t);
  const lift = (v: FloatArray | number): FloatArray => (typeof v === 'number' ? alloc(dt, 1).fill(v) : v);
  const shape = (v: FloatArray | number): number[] => (typeof v === 'number' ? [] : [v.length]);
  const out = alloc(dt, t.length);
  binary(op, lift(a), shape(a), lift(b), shape(b), out, [t.length]);
  return out;
}

function un(op: UnaryKernelOp, x: FloatArray): FloatArray {
  const out = alloc(dtypeOf(x), x.length);
  unary(op, x, out);
  return out;
}

/** sigmoid's, tanh's and relu's backward as the ops composed them: mul(dy, mul(y, sub(1, y))), mul(dy, sub(1, square(y))), mul(dy, gt(y, 0)). */
export function composedActivationBackward(op: ActivationBackwardKernelOp, y: FloatArray, dy: FloatArray): FloatArray {
  if (op === 'relu') return bin('mul', dy, bin('gt', y, 0));
  return op === 'sigmoid' ? bin('mul', dy, bin('mul', y, bin('sub', 1, y))) : bin('mul', dy, bin('sub', 1, un('square', y)));
}

/** Binary cross-entropy as the loss composed it: neg(add(mul(y, maximum(log(p), −100)), mul(sub(1, y), maximum(log1p(neg(p)), −100)))). */
export function composedBinaryCrossEntropy(p: FloatArray, y: FloatArray): FloatArray {
  const lp = bin('maximum', un('log', p), -100), lq = bin('maximum', un('log1p', un('neg', p)), -100);
  return un('neg', bin('add', bin('mul', y, lp), bin('mul', bin('sub', 1, y), lq)));
}

/** Its gradient as the loss's backward composed it: div(mul(dy, sub(p, y)), maximum(mul(p, sub(1, p)), 1e−12)). */
export function composedBinaryCrossEntropyBackward(p: FloatArray, y: FloatArray, dy: FloatArray): FloatArray {
  return bin('div', bin('mul', dy, bin('sub', p, y)), bin('maximum', bin('mul', p, bin('sub', 1, p)), 1e-12));
}

// ── values ────────────────────────────────────────────────────────────────

/** Same value: ±0 told apart, any NaN equal to any NaN. */
const same = (a: number, b: number): boolean => Object.is(a, b) || (a !== a && b !== b);

function expectSame(what: string, inputs: FloatArray[], got: FloatArray, want: FloatArray): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!same(got[i]!, want[i]!)) {
      throw new Error(`${what} at ${i} (inputs ${inputs.map((x) => x[i]).join(', ')}): fused ${got[i]}, composed ${want[i]}`);
    }
  }
}

/** Ordinary values, values in [0, 1] (activation outputs, probabilities), special values, any float32 bit pattern. */
const value = fc.oneof(
  { weight: 4, arbitrary: fc.double({ min: -3, max: 3, noNaN: true }) },
  { weight: 4, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) },
  { weight: 2, arbitrary: fc.constantFrom(0, -0, 1, -1, 0.5, 1 - 2 ** -24, 2 ** -24, 2 ** -149, NaN, Infinity, -Infinity) },
  { weight: 1, arbitrary: fc.integer().map((b) => new Float32Array(new Int32Array([b]).buffer)[0]!) },
);

/** `count` arrays of one length and dtype (lengths past 4 and past the WASM chunk do not matter here: no vectors). */
function arrays(count: number): fc.Arbitrary<[DType, FloatArray[]]> {
  return fc.tuple(fc.constantFrom<DType>('float32', 'float64'), fc.integer({ min: 0, max: 40 })).chain(([dtype, n]) =>
    fc.tuple(...Array.from({ length: count }, () => fc.array(value, { minLength: n, maxLength: n })))
      .map((vs) => [dtype, vs.map((v) => { const a = alloc(dtype, n); a.set(v); return a; })] as [DType, FloatArray[]]));
}

// ── activationBackward ────────────────────────────────────────────────────

describe('activationBackward', () => {
  for (const op of ['sigmoid', 'tanh', 'relu'] as const) {
    it(`${op}: the composed ops' result bit for bit (float32 and float64, special values)`, () => {
      fc.assert(fc.property(arrays(2), ([, [y, dy]]) => {
        const out = alloc(dtypeOf(y!), y!.length);
        activationBackward(op, y!, dy!, out);
        expectSame(op, [y!, dy!], out, composedActivationBackward(op, y!, dy!));
      }), { numRuns: 300 });
    });
  }

  it('rounds every step to float32, as the composed ops store each intermediate', () => {
    // sigmoid: y = fround(1/3 + 2⁻¹¹), dy = 3: rounding y·(1 − y) to float32 before the product with dy gives
    // 0.66715419…; the float64 product rounded once would give 0.66715425… (the next float32 up).
    const y = new Float32Array([1 / 3 + 2 ** -11]), dy = new Float32Array([3]), out = new Float32Array(1);
    const v = y[0]!;
    activationBackward('sigmoid', y, dy, out);
    expect(out[0]).toBe(Math.fround(3 * Math.fround(v * Math.fround(1 - v))));
    expect(out[0]).not.toBe(Math.fround(3 * (v * (1 - v))));
    // tanh: y = 1 − 2⁻²⁴, y² = 1 − 2⁻²³ + 2⁻⁴⁸ rounds to 1 − 2⁻²³ in float32, so 1 − y² is 2⁻²³ (float64 keeps the 2⁻⁴⁸).
    y[0] = 1 - 2 ** -24;
    activationBackward('tanh', y, dy, out);
    expect(out[0]).toBe(3 * 2 ** -23);
    const o64 = new Float64Array(1);
    activationBackward('tanh', new Float64Array([1 - 2 ** -24]), new Float64Array([3]), o64);
    expect(o64[0]).toBe(3 * (1 - (1 - 2 ** -24) ** 2));
    expect(o64[0]).not.toBe(3 * 2 ** -23);
  });

  it('works in place (out === dy or out === y)', () => {
    const y = new Float32Array([0.25, 0.5]), dy = new Float32Array([2, 4]);
    activationBackward('sigmoid', y, dy, dy);
    expect(Array.from(dy)).toEqual([2 * 0.25 * 0.75, 4 * 0.25]);
    activationBackward('tanh', y, new Float32Array([1, 1]), y);
    expect(Array.from(y)).toEqual([1 - 0.0625, 0.75]);
  });

  it('throws on an unknown op', () => {
    expect(() => activationBackward('softsign' as never, new Float32Array(1), new Float32Array(1), new Float32Array(1)))
      .toThrow("activationBackward kernel: unknown op 'softsign'");
  });
});

// ── binaryCrossEntropy ────────────────────────────────────────────────────

describe('binaryCrossEntropy', () => {
  it("the composed ops' result bit for bit (float32 and float64, special values, p and y outside [0, 1] too)", () => {
    fc.assert(fc.property(arrays(2), ([, [p, y]]) => {
      const out = alloc(dtypeOf(p!), p!.length);
      binaryCrossEntropy(p!, y!, out);
      expectSame('binaryCrossEntropy', [p!, y!], out, composedBinaryCrossEntropy(p!, y!));
    }), { numRuns: 300 });
  });

  it('float32 p across [0, 1] (every 1021st bit pattern: every binade, subnormals included) with hard and soft targets', () => {
    const p = unitIntervalFloats(1021), n = p.length;
    for (const t of [0, 1, 0.3]) {
      const y = new Float32Array(n).fill(t), out = new Float32Array(n);
      binaryCrossEntropy(p, y, out);
      expectSame(`binaryCrossEntropy (y = ${t})`, [p, y], out, composedBinaryCrossEntropy(p, y));
    }
  });

  it("PyTorch's clamp at −100: p = 0 or 1 against the wrong target costs 100; the right target costs 0", () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const p = alloc(dtype, 4), y = alloc(dtype, 4), out = alloc(dtype, 4);
      p.set([0, 1, 0, 1]);
      y.set([1, 0, 0, 1]);
      binaryCrossEntropy(p, y, out);
      // −(1·max(log 0, −100) + 0·(−0)) = 100 and −(0·0 + 1·max(log1p(−1), −100)) = 100. The zeros keep the composed
      // ops' signs: p = 0, y = 0: −(0·(−100) + 1·log1p(−0)) = −(−0 + −0) = +0; p = 1, y = 1: −(1·0 + 0·(−100)) = −(0 + −0) = −0.
      expect(Array.from(out)).toEqual([100, 100, 0, -0]);
    }
  });

  it('rounds every step to float32, as the composed ops store each intermediate', () => {
    // A soft target: y·log p and (1 − y)·log1p(−p) are each rounded before the sum, so the result can differ
    // from the float64 value rounded once; the kernel must give the former.
    let differs = 0;
    for (let k = 1; k < 200; k++) {
      const p = new Float32Array([k / 201]), y = new Float32Array([0.3 + k / 1000]), out = new Float32Array(1);
      binaryCrossEntropy(p, y, out);
      expect(out[0]).toBe(composedBinaryCrossEntropy(p, y)[0]);
      const v = p[0]!, t = y[0]!;
      if (out[0] !== Math.fround(-(t * Math.log(v) + (1 - t) * Math.log1p(-v)))) differs++;
    }
    expect(differs).toBeGreaterThan(0);
  });
});

describe('binaryCrossEntropyBackward', () => {
  it("the composed ops' result bit for bit (float32 and float64, special values)", () => {
    fc.assert(fc.property(arrays(3), ([, [p, y, dy]]) => {
      const out = alloc(dtypeOf(p!), p!.length);
      binaryCrossEntropyBackward(p!, y!, dy!, out);
      expectSame('binaryCrossEntropyBackward', [p!, y!, dy!], out, composedBinaryCrossEntropyBackward(p!, y!, dy!));
    }), { numRuns: 300 });
  });

  it('float32 p across [0, 1] (every 1021st bit pattern) with hard and soft targets: the floor, the tie, everything in between', () => {
    const p = unitIntervalFloats(1021, [1e-12]), n = p.length; // 1e−12: p·(1 − p) rounds to fround(1e−12) exactly, the tie with the floor
    const dy = new Float32Array(n).fill(1 / 5000);
    for (const t of [0, 1, 0.3]) {
      const y = new Float32Array(n).fill(t), out = new Float32Array(n);
      binaryCrossEntropyBackward(p, y, dy, out);
      expectSame(`binaryCrossEntropyBackward (y = ${t})`, [p, y, dy], out, composedBinaryCrossEntropyBackward(p, y, dy));
    }
  });

  it('the denominator is floored at 1e−12 (rounded to the dtype): finite at p = 0 and 1', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const p = alloc(dtype, 3), y = alloc(dtype, 3), dy = alloc(dtype, 3), out = alloc(dtype, 3);
      p.set([0, 1, 0.5]);
      y.set([1, 0, 1]);
      dy.set([1, 1, 2]);
      binaryCrossEntropyBackward(p, y, dy, out);
      const floor = dtype === 'float32' ? Math.fround(1e-12) : 1e-12;
      // (0 − 1)/floor, (1 − 0)/floor, 2·(0.5 − 1)/0.25 = −4
      expect(Array.from(out)).toEqual([-1 / floor, 1 / floor, -4].map(dtype === 'float32' ? Math.fround : (v: number) => v));
    }
  });
});
