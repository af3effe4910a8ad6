/**
 * WebAssembly SIMD elementwise, transcendental, reduction, softmax and fused kernels (AssemblyScript, float32).
 *
 * Compiled by packages/core/scripts/build_wasm.mjs into packages/core/src/kernels/wasm/elementwise_module.ts.
 * The loader, packages/core/src/kernels/wasm/elementwise.ts, streams tensors through three fixed
 * buffers of CHUNK floats in this module's memory: it copies a chunk into A (and B), makes one call,
 * and copies the result out of C. Memory never grows and a chunk's copies stay in L1/L2 (KERNELS.md §5).
 *
 * Every loop runs over whole f32x4 vectors, up to 3 lanes past the data; the buffers have slack for
 * that. Rows packed back to back (row broadcasts, row reductions, softmax) are written in order, so the
 * lanes a row writes past its end are overwritten by the next row; lanes read past a row's end are
 * masked out where they would change a result (reductions, softmax sums).
 *
 * Constants come from static tables (v128.load32_splat / load64_splat), never v128.const: binaryen
 * puts splatted constants back inside loops as v128.const, which V8 rebuilds on every iteration
 * (KERNELS.md §2). Loading them inside the loop costs nothing measurable here (the loads overlap the
 * arithmetic; hoisting them into locals measured the same), so the cores read them where they use them.
 * pmin/pmax replace min/max wherever their NaN behaviour is the one wanted; rounding uses a magic number.
 *
 * Accuracy. The exact ops (neg, abs, square, sqrt, reciprocal, relu, clamp, leakyRelu, every binary op,
 * max/min and leading-axis sums) give bit for bit the TS kernels' results (float64 arithmetic rounded
 * once to float32: for +, −, ×, ÷ and √ of float32 operands that equals the float32 operation).
 * The transcendentals (exp, log, log1p, tanh, sigmoid, softplus, logSigmoid, and softmax's exp) round a float64
 * value once to float32, as the TS kernels do with Math, and give the TS kernels' results bit for bit: checked
 * over all 2³² float32 inputs of each function (the test does every 4099th; TAPEGRAD_EXHAUSTIVE=1 runs all): no
 * input differs, and every finite result is the correctly rounded one. Two kinds of float64 core:
 * - Full precision (a few float64 ulps, ≈ 1e−16 relative): softmax's exp and every fallback below. These could
 *   differ from Math only where a float64 value lies within ~1e−16 of a float32 rounding boundary; none does.
 * - Fast, with a rounding test (Ziv's): the seven unary transcendentals (and so binaryCrossEntropy). A fast core's
 *   float64 value y has a proven relative error bound; adding the TS value's (V8's Math functions are fdlibm's,
 *   < 1 float64 ulp, then ≤ 3 roundings) gives δ such that y and the TS kernel's float64 value both lie within
 *   D = δ·|v| of the exact value v. Rounding to float32 is monotonic, so if no float32 rounding boundary (a
 *   midpoint between neighbours) lies within D of y, both round to the same float32. For y in a float32-normal
 *   binade, D < δ·(1 + 2δ)·2⁵³ float64 ulps of that binade, and the boundaries are the values whose low 29
 *   mantissa bits are 2²⁸: a lane passes if |low29(y) − 2²⁸| > T, T at least that bound (`uncertain`). After
 *   the fast pass, every vector with a failing lane (~2T/2²⁹ per lane) or a lane whose result may leave the
 *   float32-normal range is recomputed with the full cores (one flag byte per vector).
 *   packages/core/scripts/fast_cores.py fits the polynomials and derives the bounds: the approximation error of
 *   the rounded coefficients on a grid plus a derivative bound between its points, the float64 evaluation
 *   errors in this file's order of operations, the argument reduction's and the tables' errors per case.
 *   - exp and sigmoid = 1/(1 + e^−x) (no sign branch: e^−x ≤ e⁸⁷ is finite in float64): e^x = 2^y,
 *     y = x·log2 e, k = round(y), 2^(y − k) by a degree-7 minimax polynomial (exp2Fast): < 2⁻³⁴·⁴ relative for
 *     |x| ≤ 87 (approximation 2⁻³⁴·⁴⁵, evaluation 2⁻⁵⁰·⁷, reduction 2⁻⁴⁷·²); δ ≤ 2⁻³⁴·⁴⁴, T = 2¹⁹ (bound
 *     384 642; ~0.8 % of vectors recomputed). |x| > 87 and NaN go to the full cores.
 *   - log and log1p: x (log1p: u = 1 + x rounded) = 2^k·m, m in [0.709, 1.418) split by its top 7 mantissa
 *     bits into 128 intervals (LOG_TABLE: c_j ≈ 1/centre as a float32, L_j = −ln c_j); ln x = k·ln2 + L_j +
 *     log1p(r), r = m·c_j − 1 exact (24-bit m times 24-bit c_j), |r| ≤ 2⁻⁸, log1p(r) ≈ r + r²(A2 + A3 r + A4 r²)
 *     (minimax). log1p takes only k and j from u and forms r = x·s + (s − 1), s = c_j·2^−k, with one rounding.
 *     < 2⁻³⁶·⁸ relative (approximation 2⁻³⁶·⁹, evaluation 2⁻⁵³, k·ln2, L_j and the sums < 2⁻⁴⁹·⁸ over all
 *     (k, j)); T = 2¹⁷ (bound 72 753). Positive subnormal x go to the full cores.
 *   - tanh |x| = em/(em + 2), em = e^(2|x|) − 1 = 2^k·(2^f − 1) + (2^k − 1) (the product and 2^k − 1 exact),
 *     2^f − 1 ≈ f·Q(f) of degree 8 (relative minimax, so small |x| keep their accuracy), |x| clamped to 9.5
 *     (tanh rounds to 1 from 9.01 on): < 2⁻³⁶·⁶ relative (2^f − 1: 2⁻³⁷·⁶, doubled at k = 1); T = 2¹⁷ (bound
 *     84 689). NaN and nonzero subnormal x go to the full cores.
 *   - softplus, logSigmoid = max(x, 0) + l, min(x, 0) − l, l = log1p(e^−|x|): exp2Fast, then the ln core on
 *     u = 1 + e (e·s now rounded: < 2⁻⁵¹ relative to l); e's error moves l by no more, relatively: < 2⁻³⁴·²;
 *     T = 2¹⁹ (bound 457 111). |x| > 87 and NaN go to the full cores.
 *   Kernel time per element (8192 floats, one thread), full → fast: sigmoid 3.2 → 1.8 ns, exp 2.7 → 1.5,
 *   log 2.8 → 1.7, log1p 3.4 → 2.3, tanh 2.9 → 2.2, softplus and logSigmoid 6.7 → 3.9, binaryCrossEntropy
 *   6.0 → 4.9.
 * Float32 arithmetic (Cephes/musl-style cores, 1–2 ulps) ran about 2× faster than the full cores (exp 1.4 vs
 * 2.7 ns per element including the copies) but moved the W2 benchmark's check value: Adam amplifies 1-ulp
 * differences in the softmax gradient's exp over 60 steps.
 * The fused kernels (activationBackward, binaryCrossEntropy and its backward) run the composed ops' steps in
 * their order, each a float32 operation or the unary kernels' log / log1p: bit for bit the TS kernels' results.
 */

// ── buffers ───────────────────────────────────────────────────────────────

/** Floats per buffer (the loader's chunk). 8192 floats = 32 KiB: A, B and C together fit in L2. */
const CHUNK: i32 = 8192;
/** Bytes after each buffer for whole-vector loops running past the data. */
const BUF_BYTES: i32 = CHUNK * 4 + 64;

/** Bytes of a flags block: one flag byte per f32x4 of a chunk, and 8 bytes of slack for the u64 reads. */
const FLAG_BYTES: i32 = CHUNK / 4 + 16;
/*
 * The static buffers. The pool's build (threads.ts: shared memory, `--enable threads`) has none: it runs
 * only runRange, on the caller's arrays, and an imported memory would need their zeros spelled out in the binary.
 */
const A0: usize = ASC_FEATURE_THREADS ? 0 : memory.data(BUF_BYTES, 64);
const B0: usize = ASC_FEATURE_THREADS ? 0 : memory.data(BUF_BYTES, 64);
const C0: usize = ASC_FEATURE_THREADS ? 0 : memory.data(BUF_BYTES, 64);
const FLAGS0: usize = ASC_FEATURE_THREADS ? 0 : memory.data(FLAG_BYTES, 16);

/*
 * The buffers every kernel below reads (A, B) and writes (C), and the rounding tests' flags: the static
 * buffers above, except inside runRange, which points them at arrays elsewhere in memory. They are
 * globals, so each instance (each thread of the worker pool) has its own.
 */
let A: usize = A0;
let B: usize = B0;
let C: usize = C0;
let FLAGS: usize = FLAGS0;

/** Floats per buffer. */
export function chunk(): i32 { return CHUNK; }
/** First byte after what this module uses of memory: its static data, and in the threads build the log table after it. */
export function staticEnd(): usize { return ASC_FEATURE_THREADS ? LOG_TABLE + <usize>LOG_TABLE_BYTES : __heap_base; }
/** Byte address of buffer A (input, first operand). */
export function bufA(): usize { return A0; }
/** Byte address of buffer B (second operand). */
export function bufB(): usize { return B0; }
/** Byte address of buffer C (result). */
export function bufC(): usize { return C0; }

// ── op codes (the loader's UNARY / BINARY / REDUCE / GRAD tables mirror these)

const U_NEG = 0, U_ABS = 1, U_SQUARE = 2, U_SQRT = 3, U_RECIPROCAL = 4, U_RELU = 5, U_CLAMP = 6, U_LEAKY_RELU = 7;
const U_EXP = 8, U_LOG = 9, U_LOG1P = 10, U_TANH = 11, U_SIGMOID = 12, U_SOFTPLUS = 13, U_LOG_SIGMOID = 14;

const B_ADD = 0, B_SUB = 1, B_MUL = 2, B_DIV = 3, B_MAX = 4, B_MIN = 5, B_EQ = 6, B_NE = 7;
const B_LT = 8, B_LE = 9, B_GT = 10, B_GE = 11, B_RSUB = 12, B_RDIV = 13;

const R_SUM = 0, R_MAX = 1, R_MIN = 2;

const G_SIGMOID = 0, G_TANH = 1, G_RELU = 2;

// ── constants ─────────────────────────────────────────────────────────────

/**
 * f32 constants: 0 ONE, 1 ZERO, 2 INF, 3 NEG_INF; binary cross-entropy's 4 LOG_FLOOR (PyTorch's clamp of each log,
 * −100) and 5 GRAD_FLOOR (its floor on p·(1 − p) in the gradient, 1e−12 rounded to float32); 6 MIN_NORMAL 2⁻¹²⁶; 7 TANH_CLAMP 9.5.
 */
const K: usize = memory.data<f32>([1.0, 0.0, Infinity, -Infinity, -100.0, 1e-12, 1.1754943508222875e-38, 9.5], 16);
/** The fast ln cores' offset: the float32 0.708984375's bits (LOG_TABLE). */
const LOG_OFF32: i32 = 0x3f358000;
/**
 * i32 constants: 0 the sign bit, 1 the other bits (|x|), 2 the low 29 bits (MASK29), 3 87.0's bits; rounding-test
 * pairs (T − 2²⁸, 2T + 1, see `uncertain`): 4, 5 for T = 2¹⁹ (exp, sigmoid, softplus, logSigmoid); the fast ln
 * cores': 6 LOG_OFF32, 7 sign and exponent bits, 8 the table offset mask (entry j at 16·j); 9, 10 the pair for
 * T = 2¹⁷ (log, log1p, tanh).
 */
const KI: usize = memory.data<i32>([
  0x80000000, 0x7fffffff, 0x1fffffff, 0x42ae0000, (1 << 19) - (1 << 28), (2 << 19) + 1,
  LOG_OFF32, 0xff800000, 0x7f0, (1 << 17) - (1 << 28), (2 << 17) + 1,
], 16);

/*
 * f64 constants (slot → value). exp: e^x = 2^k·e^r, k = round(x·log2 e) by adding 1.5·2⁵² (the integer
 * lands in the low mantissa bits), r = x − k·ln2 with fdlibm's ln2 hi/lo split (k·hi is exact),
 * e^r − 1 = r + r²·P(r), P the Taylor polynomial 1/2! + r/3! + … + r¹⁰/12! (truncation ≤ 1.7e−16 on
 * |r| ≤ ln2/2). log: musl/fdlibm log, x = 2^k·(1 + f), 1 + f in [√½, √2), s = f/(2 + f),
 * ln(1 + f) = f − f²/2 + s·(f²/2 + R(s²)) with R's Lg1…Lg7 (< 1 ulp in float64). Slots 30–51: the fast
 * cores' (the header and scripts/fast_cores.py).
 */
const KD: usize = memory.data<f64>([
  1.0, 2.0, 0.5, 0.0, // 0 ONE, 1 TWO, 2 HALF, 3 ZERO
  -700.0, 100.0, -745.1332, // 4 EXP_LO, 5 EXP_HI (clamp: 2^k stays a normal float64), 6 EXP_ZERO: Math.exp underflows to 0 below
  1.4426950408889634, 6755399441055744.0, // 7 LOG2E, 8 MAGIC = 1.5·2⁵²
  6.93147180369123816490e-01, 1.90821492927058770002e-10, // 9 LN2_HI, 10 LN2_LO
  1 / 2.0, 1 / 6.0, 1 / 24.0, 1 / 120.0, 1 / 720.0, 1 / 5040.0, 1 / 40320.0, 1 / 362880.0, // 11..18 1/2! … 1/9!
  1 / 3628800.0, 1 / 39916800.0, 1 / 479001600.0, // 19..21 1/10! … 1/12!
  6.666666666666735130e-01, 3.999999999940941908e-01, 2.857142874366239149e-01, 2.222219843214978396e-01, // 22..25 Lg1..Lg4
  1.818357216161805012e-01, 1.531383769920937332e-01, 1.479819860511658591e-01, // 26..28 Lg5..Lg7
  20.0, // 29 TANH_MAX: tanh(20) is 1 in float64
  -1.4426950408889634, // 30 NEG_LOG2E
  // 31..38 P0..P7: the fast cores' 2^f ≈ P(f) on |f| ≤ ½ (scripts/fast_cores.py)
  0.9999999999617324, 0.6931471807282233, 0.2402265119766008, 0.05550410353959541,
  0.009618027321100538, 0.001333392232102804, 0.0001546926932673549, 1.5201938535314013e-05,
  0.6931471805599453, // 39 LN2
  // 40..42 A2..A4: the fast ln cores' log1p(r) ≈ r + r²(A2 + A3 r + A4 r²) on |r| ≤ 2⁻⁸ (scripts/fast_cores.py)
  -0.4999999999935749, 0.33333586067364945, -0.2500027018090053,
  2.8853900817779268, // 43 TWO_LOG2E
  // 44..51 Q0..Q7: the fast tanh core's 2^f − 1 ≈ f·Q(f) on |f| ≤ ½ (scripts/fast_cores.py)
  0.6931471805568806, 0.24022650696488396, 0.055504109059675615, 0.009618128942693139,
  0.001333347886699943, 0.00015403629525016164, 1.5303592900226483e-05, 1.3215476715483558e-06,
], 16);
/**
 * i64 constants: 0 exponent bias 1023, 1 musl log's offset 0x3ff0000000000000 − 0x3fe6a09e667f3bcd, 2 0x3fe6a09e667f3bcd (√½),
 * 3 mantissa mask; the fast ln cores': 4 LOG_OFF32's value as a float64's bits, 5 sign and exponent bits.
 */
const KL: usize = memory.data<i64>([
  1023, 0x3ff0000000000000 - 0x3fe6a09e667f3bcd, 0x3fe6a09e667f3bcd, 0x000fffffffffffff,
  0x3fe6b00000000000, 0xfff0000000000000,
], 16);

/** Bytes of the log table: 128 entries of two float64. */
const LOG_TABLE_BYTES: i32 = 128 * 16;

/**
 * The fast ln cores' table. Bit patterns x − LOG_OFF32 split as k (the bits above the mantissa) and a
 * mantissa whose top 7 bits select interval j of [LOG_OFF, 2·LOG_OFF) = [0.709, 1.418) (LOG_OFF32 is the
 * float32 0.708984375, chosen so that 1.0 is the centre of interval 74). Entry j (16 bytes): c_j = 1/m_j
 * rounded to float32 (m_j the interval's centre; c_74 = 1), then L_j = −ln c_j (log64, < 1 float64 ulp).
 */
const LOG_TABLE: usize = ASC_FEATURE_THREADS ? (__heap_base + 15) & ~(<usize>15) : memory.data(LOG_TABLE_BYTES, 16);
/*
 * In the threads build (one shared memory, the module instantiated once per thread) the table is no data
 * segment: every instantiation re-applies the module's data segments, and a table zeroed by a starting
 * worker, then refilled by its start function, gave wrong logs to threads already running (seen: 508 of
 * 35 544 pooled log calls while workers started). There it is the LOG_TABLE_BYTES after __heap_base,
 * before the caller's memory (staticEnd; threads.ts's dataEnd), filled by the first instance and rewritten
 * with the same bits by every later one, which a thread reading it cannot notice.
 */

/** Lane masks for the last vector of a row of `len` floats: keeps lanes below len & 3 (all four when 0). */
const TAIL: usize = memory.data<i32>([-1, -1, -1, -1, -1, 0, 0, 0, -1, -1, 0, 0, -1, -1, -1, 0], 16);

@inline function kf(slot: i32): v128 { return v128.load32_splat(K + (<usize>slot << 2)); }
@inline function ki(slot: i32): v128 { return v128.load32_splat(KI + (<usize>slot << 2)); }
@inline function kd(slot: i32): v128 { return v128.load64_splat(KD + (<usize>slot << 3)); }
@inline function kl(slot: i32): v128 { return v128.load64_splat(KL + (<usize>slot << 3)); }
@inline function tailMask(len: i32): v128 { return v128.load(TAIL + (<usize>(len & 3) << 4)); }

/** Bytes covered by the whole vectors holding `n` floats. */
@inline function vecBytes(n: i32): usize { return (<usize>(n + 3) & ~(<usize>3)) << 2; }

/** The low two lanes of a f32x4 widened to f64x2. */
@inline function lo64(v: v128): v128 { return f64x2.promote_low_f32x4(v); }
/** The high two lanes of a f32x4 widened to f64x2. */
@inline function hi64(v: v128): v128 { return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)); }
/** Two f64x2 rounded (once) to float32 and joined into one f32x4. */
@inline function join32(a: v128, b: v128): v128 {
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(a), f32x4.demote_f64x2_zero(b), 0, 1, 4, 5);
}

// ── float64 cores (one f64x2 each; the constants are loaded inside, see the header) ──

/**
 * e^r − 1 for x = k·ln2 + r (kx = k as a float64): r by fdlibm's hi/lo split of ln2 (k·hi is exact),
 * then r + r²·P(r), P evaluated by Estrin's scheme (shorter dependency chains than Horner: 15 % faster).
 */
@inline function expm1Reduced(x: v128, kx: v128): v128 {
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(kx, kd(9))), f64x2.mul(kx, kd(10)));
  const r2 = f64x2.mul(r, r), r4 = f64x2.mul(r2, r2), r8 = f64x2.mul(r4, r4);
  const a0 = f64x2.add(kd(11), f64x2.mul(kd(12), r)); // P = Σ c_j r^(j−11), c_j = kd(j), j = 11…21
  const a1 = f64x2.add(kd(13), f64x2.mul(kd(14), r));
  const a2 = f64x2.add(kd(15), f64x2.mul(kd(16), r));
  const a3 = f64x2.add(kd(17), f64x2.mul(kd(18), r));
  const a4 = f64x2.add(kd(19), f64x2.mul(kd(20), r));
  const b0 = f64x2.add(a0, f64x2.mul(a1, r2));
  const b1 = f64x2.add(a2, f64x2.mul(a3, r2));
  const b2 = f64x2.add(a4, f64x2.mul(kd(21), r2));
  const p = f64x2.add(f64x2.add(b0, f64x2.mul(b1, r4)), f64x2.mul(b2, r8));
  return f64x2.add(f64x2.mul(r2, p), r);
}

/** 2^k from t = x·log2 e + MAGIC: t and MAGIC share an exponent, so their bit patterns differ by exactly k. */
@inline function pow2k(t: v128): v128 { return i64x2.shl(i64x2.add(i64x2.sub(t, kd(8)), kl(0)), 52); }

/** e^x in float64 (error a few float64 ulps), 0 exactly where Math.exp underflows to 0 (x < −745.1332, −Infinity). */
@inline function exp64(x: v128): v128 {
  // Clamped so that 2^k stays a normal float64; NaN passes (pmax/pmin return x when the comparison is false).
  const c = f64x2.pmin(f64x2.pmax(x, kd(4)), kd(5));
  const t = f64x2.add(f64x2.mul(c, kd(7)), kd(8));
  const e = f64x2.mul(f64x2.add(expm1Reduced(c, f64x2.sub(t, kd(8))), kd(0)), pow2k(t));
  return v128.andnot(e, f64x2.lt(x, kd(6)));
}

/** tanh |x| in float64 for x ≥ 0 or NaN: expm1(2x)/(expm1(2x) + 2), x clamped to ≤ 20 (no cancellation; a few float64 ulps). */
@inline function tanhAbs64(a: v128): v128 {
  const x = f64x2.pmin(f64x2.add(a, a), f64x2.add(kd(29), kd(29)));
  const t = f64x2.add(f64x2.mul(x, kd(7)), kd(8));
  const scale = pow2k(t);
  // expm1(x) = 2^k·(e^r − 1) + (2^k − 1): both terms exact or rounded once.
  const em = f64x2.add(f64x2.mul(scale, expm1Reduced(x, f64x2.sub(t, kd(8)))), f64x2.sub(scale, kd(0)));
  return f64x2.div(em, f64x2.add(em, kd(1)));
}

/** ln u in float64 for finite u > 0 (< 1 ulp of float64); other lanes give garbage, fixed by the caller. */
@inline function log64(u: v128): v128 {
  let ix = i64x2.add(u, kl(1));
  const kk = i64x2.sub(i64x2.shr_s(ix, 52), kl(0));
  ix = i64x2.add(v128.and(ix, kl(3)), kl(2));
  const f = f64x2.sub(ix, kd(0));
  const hfsq = f64x2.mul(f64x2.mul(kd(2), f), f);
  const s = f64x2.div(f, f64x2.add(kd(1), f));
  const z = f64x2.mul(s, s);
  const w = f64x2.mul(z, z);
  const t1 = f64x2.mul(w, f64x2.add(kd(23), f64x2.mul(w, f64x2.add(kd(25), f64x2.mul(w, kd(27))))));
  const t2 = f64x2.mul(z, f64x2.add(kd(22), f64x2.mul(w, f64x2.add(kd(24), f64x2.mul(w, f64x2.add(kd(26), f64x2.mul(w, kd(28))))))));
  // k sits in the low i32 of each i64 lane (lanes 0 and 2); f64x2.convert_low_i32x4_s widens lanes 0 and 1.
  const dk = f64x2.convert_low_i32x4_s(v128.shuffle<i32>(kk, kk, 0, 2, 0, 2));
  let r = f64x2.add(f64x2.mul(s, f64x2.add(hfsq, f64x2.add(t2, t1))), f64x2.mul(dk, kd(10)));
  r = f64x2.add(f64x2.sub(r, hfsq), f);
  return f64x2.add(r, f64x2.mul(dk, kd(9)));
}

/** log1p(x) = ln u + (x − (u − 1))/u, u = 1 + x (the second term restores what rounding u lost; NaN → 0 where u is 0 or ∞). */
@inline function log1p64(x: v128): v128 {
  const u = f64x2.add(kd(0), x);
  const corr = f64x2.div(f64x2.sub(x, f64x2.sub(u, kd(0))), u);
  return f64x2.add(log64(u), v128.and(corr, f64x2.eq(corr, corr)));
}

// LOG_TABLE, filled when the module is instantiated (its start function).
for (let j = 0; j < 128; j++) {
  const c = <f64><f32>(1.0 / <f64>reinterpret<f32>(LOG_OFF32 + (j << 16) + (1 << 15)));
  store<f64>(LOG_TABLE + (<usize>j << 4), c);
  store<f64>(LOG_TABLE + (<usize>j << 4), -f64x2.extract_lane(log64(f64x2.splat(c)), 0), 8);
}

/** Math.log's special cases on float32 lanes: ±0 → −Infinity, x < 0 → NaN, +Infinity and NaN → x; other lanes keep r. */
@inline function logFix(x: v128, r: v128): v128 {
  const zero = kf(1);
  const ok = v128.and(f32x4.gt(x, zero), f32x4.lt(x, kf(2)));
  const special = v128.or(v128.bitselect(kf(3), x, f32x4.eq(x, zero)), f32x4.lt(x, zero)); // all-ones bits are a NaN
  return v128.bitselect(r, special, ok);
}

/** ln x on float32 lanes as the unary kernel's log: ln in float64 rounded once, then Math.log's special cases. */
@inline function logFull32(x: v128): v128 {
  return logFix(x, join32(log64(lo64(x)), log64(hi64(x))));
}

/**
 * log1p x on float32 lanes as the unary kernel's log1p: in float64 rounded once; x itself where 1 + x rounds
 * to 1 in float32 (keeps −0); log's special cases of u = 1 + x (1 + x in float32 is 0, < 0, ∞, NaN exactly when
 * 1 + x is).
 */
@inline function log1pFull32(x: v128): v128 {
  const r = join32(log1p64(lo64(x)), log1p64(hi64(x)));
  const u = f32x4.add(kf(0), x);
  return v128.bitselect(x, logFix(u, r), f32x4.eq(u, kf(0)));
}

// ── fast float64 cores and the rounding test ─────────────────────────────

/**
 * 2^y for |y| ≤ 126 (relative error < 2⁻³⁴·⁴, see the header): k = round(y) by adding 1.5·2⁵², f = y − k
 * (exact, |f| ≤ ½), 2^f ≈ P(f) of degree 7 in Estrin-like form, then k added to the exponent of P(f)
 * (t's low 12 bits hold k, so t << 52 is k << 52).
 */
@inline function exp2Fast(y: v128): v128 {
  const t = f64x2.add(y, kd(8));
  const f = f64x2.sub(y, f64x2.sub(t, kd(8)));
  return i64x2.add(poly8(f, 31), i64x2.shl(t, 52));
}

/**
 * Σ_{j<8} kd(c + j)·f^j for the fast cores: pairs (kd(c+2i) + kd(c+2i+1)·f) combined by Horner in f²
 * (c is a constant at every call, so the inlined loads keep constant offsets).
 */
@inline function poly8(f: v128, c: i32): v128 {
  const f2 = f64x2.mul(f, f);
  const a0 = f64x2.add(kd(c), f64x2.mul(kd(c + 1), f));
  const a1 = f64x2.add(kd(c + 2), f64x2.mul(kd(c + 3), f));
  const a2 = f64x2.add(kd(c + 4), f64x2.mul(kd(c + 5), f));
  const a3 = f64x2.add(kd(c + 6), f64x2.mul(kd(c + 7), f));
  return f64x2.add(a0, f64x2.mul(f2, f64x2.add(a1, f64x2.mul(f2, f64x2.add(a2, f64x2.mul(f2, a3))))));
}

/**
 * The rounding test on the float64 results lo, hi of a vector's lanes 0–1 and 2–3: an i32 mask of the
 * lanes within T float64 ulps of a float32 rounding boundary, i.e. whose low 29 mantissa bits d satisfy
 * |d − 2²⁸| ≤ T, computed as ((d + T − 2²⁸) mod 2²⁹) < 2T + 1 on the four low words (KI slots `slot`,
 * slot + 1). Valid for results in the float32-normal range, which the callers ensure.
 */
@inline function uncertain(lo: v128, hi: v128, slot: i32): v128 {
  const w = v128.shuffle<i32>(lo, hi, 0, 2, 4, 6);
  return i32x4.lt_s(v128.and(i32x4.add(w, ki(slot)), ki(2)), ki(slot + 1));
}

/** Lanes with |x| > 87 or NaN (i32 masks; the integer compare of |x|'s bits orders them as the floats). */
@inline function beyond87(x: v128): v128 {
  return i32x4.gt_s(v128.and(x, ki(1)), ki(3));
}

/** Marks vector i (byte offset) for recomputation where `bad` has a lane set (merge: keeping an earlier mark). */
@inline function flag(i: usize, bad: v128, merge: bool): void {
  const at = FLAGS + (i >> 4);
  store<u8>(at, merge ? load<u8>(at) | i32x4.bitmask(bad) : i32x4.bitmask(bad));
}

/** ln's fast tail: (k·LN2 + L) + log1p(r), log1p(r) ≈ r + r²·((A2 + A3·r) + A4·r²). */
@inline function lnTail(r: v128, l: v128, dk: v128): v128 {
  const r2 = f64x2.mul(r, r);
  const q = f64x2.add(f64x2.add(kd(40), f64x2.mul(kd(41), r)), f64x2.mul(kd(42), r2));
  return f64x2.add(f64x2.add(f64x2.mul(dk, kd(39)), l), f64x2.add(r, f64x2.mul(r2, q)));
}

/**
 * ln x on float32 lanes with the fast core, then Math.log's special cases (logFix); flags vector i where the
 * rounding test fails or a lane is a positive subnormal (k would be wrong). m = x·2^−k and r = m·c_j − 1 are
 * exact (24-bit m times 24-bit c_j, then Sterbenz). Other non-normal lanes compute garbage that logFix replaces.
 */
@inline function logFast32(x: v128, i: usize, merge: bool): v128 {
  const tmp = i32x4.sub(x, ki(6));
  const off = v128.and(i32x4.shr_u(tmp, 12), ki(8));
  const m = i32x4.sub(x, v128.and(tmp, ki(7)));
  const k = i32x4.shr_s(tmp, 23);
  const e0 = v128.load(LOG_TABLE + <usize>i32x4.extract_lane(off, 0));
  const e1 = v128.load(LOG_TABLE + <usize>i32x4.extract_lane(off, 1));
  const e2 = v128.load(LOG_TABLE + <usize>i32x4.extract_lane(off, 2));
  const e3 = v128.load(LOG_TABLE + <usize>i32x4.extract_lane(off, 3));
  const lo = lnTail(f64x2.sub(f64x2.mul(lo64(m), v128.shuffle<f64>(e0, e1, 0, 2)), kd(0)),
    v128.shuffle<f64>(e0, e1, 1, 3), f64x2.convert_low_i32x4_s(k));
  const hi = lnTail(f64x2.sub(f64x2.mul(hi64(m), v128.shuffle<f64>(e2, e3, 0, 2)), kd(0)),
    v128.shuffle<f64>(e2, e3, 1, 3), f64x2.convert_low_i32x4_s(v128.shuffle<i32>(k, k, 2, 3, 0, 1)));
  const pos = f32x4.gt(x, kf(1));
  flag(i, v128.or(uncertain(lo, hi, 9), v128.and(pos, f32x4.lt(x, kf(6)))), merge);
  return logFix(x, join32(lo, hi));
}

/**
 * ln(1 + v) for the float64 lanes vl, vh (a vector's lanes 0–1 and 2–3) with the fast ln core, then what `op`
 * makes of it for the float32 lanes x, rounding test and flag (vector i) included:
 * - U_LOG1P (vl, vh = x widened): log1p x with log1pFull32's fix-ups. Lanes with 1 + x ≤ 0, ∞ or NaN compute
 *   garbage that the fix-ups replace; |x| < 2⁻²⁴ (subnormals included) give x itself.
 * - U_SOFTPLUS, U_LOG_SIGMOID (vl, vh = e^−|x| from exp2Fast): max(x, 0) + l, min(x, 0) − l in float64, rounded
 *   once; lanes with |x| > 87 or NaN are flagged.
 * Per lane: u = 1 + v (rounded), its k and interval j from the bits (the high words of u − LOG_OFF's float64
 * bits), s = c_j·2^−k by exponent arithmetic, r = v·s + (s − 1) = (1 + v)·s − 1 with one rounding (for a
 * float32 v, v·s is exact; s − 1 is exact for k ≤ 29), so u's rounding does not matter.
 */
@inline function lnPair(vl: v128, vh: v128, op: i32, x: v128, i: usize, merge: bool): v128 {
  const tl = i64x2.sub(f64x2.add(kd(0), vl), kl(4)), th = i64x2.sub(f64x2.add(kd(0), vh), kl(4));
  const w = v128.shuffle<i32>(tl, th, 1, 3, 5, 7);
  const k = i32x4.shr_s(w, 20);
  const off = v128.and(i32x4.shr_u(w, 9), ki(8));
  const e0 = v128.load(LOG_TABLE + <usize>i32x4.extract_lane(off, 0));
  const e1 = v128.load(LOG_TABLE + <usize>i32x4.extract_lane(off, 1));
  const e2 = v128.load(LOG_TABLE + <usize>i32x4.extract_lane(off, 2));
  const e3 = v128.load(LOG_TABLE + <usize>i32x4.extract_lane(off, 3));
  const sl = i64x2.sub(v128.shuffle<f64>(e0, e1, 0, 2), v128.and(tl, kl(5)));
  const sh = i64x2.sub(v128.shuffle<f64>(e2, e3, 0, 2), v128.and(th, kl(5)));
  let lo = lnTail(f64x2.add(f64x2.mul(vl, sl), f64x2.sub(sl, kd(0))), v128.shuffle<f64>(e0, e1, 1, 3), f64x2.convert_low_i32x4_s(k));
  let hi = lnTail(f64x2.add(f64x2.mul(vh, sh), f64x2.sub(sh, kd(0))), v128.shuffle<f64>(e2, e3, 1, 3),
    f64x2.convert_low_i32x4_s(v128.shuffle<i32>(k, k, 2, 3, 0, 1)));
  if (op == U_LOG1P) {
    flag(i, uncertain(lo, hi, 9), merge);
    const u = f32x4.add(kf(0), x);
    return v128.bitselect(x, logFix(u, join32(lo, hi)), f32x4.eq(u, kf(0)));
  }
  if (op == U_SOFTPLUS) {
    const xp = f32x4.pmax(x, kf(1));
    lo = f64x2.add(lo64(xp), lo);
    hi = f64x2.add(hi64(xp), hi);
  } else {
    const xn = f32x4.pmin(x, kf(1));
    lo = f64x2.sub(lo64(xn), lo);
    hi = f64x2.sub(hi64(xn), hi);
  }
  flag(i, v128.or(uncertain(lo, hi, 4), beyond87(x)), merge);
  return join32(lo, hi);
}

/** log1p x on float32 lanes with the fast core (lnPair); flags vector i where the rounding test fails. */
@inline function log1pFast32(x: v128, i: usize, merge: bool): v128 {
  return lnPair(lo64(x), hi64(x), U_LOG1P, x, i, merge);
}

/**
 * tanh |x| in float64 for 0 ≤ a ≤ 9.5 (clamped by the caller; tanh(9.5) rounds to 1 like every larger
 * argument) with the fast core: em = e^(2a) − 1 = 2^k·(2^f − 1) + (2^k − 1), y = a·2·log2 e, k = round(y),
 * f = y − k, 2^f − 1 ≈ f·Q(f) of degree 8 (relative error, so small a keep theirs), then em/(em + 2).
 */
@inline function tanhFast64(a: v128): v128 {
  const y = f64x2.mul(a, kd(43));
  const t = f64x2.add(y, kd(8));
  const f = f64x2.sub(y, f64x2.sub(t, kd(8)));
  const q = f64x2.mul(f, poly8(f, 44));
  const scale = i64x2.add(i64x2.shl(t, 52), kd(0));
  const em = f64x2.add(f64x2.mul(scale, q), f64x2.sub(scale, kd(0)));
  return f64x2.div(em, f64x2.add(em, kd(1)));
}

/** Kernel code of binaryCrossEntropy for redoFlagged (beyond the unary codes). */
const BCE = 100;

/**
 * Recomputes with the full cores every vector of C[0, end) whose flag is set (op: a unary code, or BCE),
 * testing eight flags at a time (bytes past end are stale and may only cost a look).
 */
@inline function redoFlagged(op: i32, end: usize): void {
  for (let g: usize = 0; g < end; g += 128) {
    if (load<u64>(FLAGS + (g >> 4)) == 0) continue;
    const stop = g + 128 < end ? g + 128 : end;
    for (let i = g; i < stop; i += 16) {
      if (load<u8>(FLAGS + (i >> 4)) == 0) continue;
      v128.store(C + i, op == BCE ? bceFull(v128.load(A + i), v128.load(B + i)) : transFull(op, v128.load(A + i)));
    }
  }
}

// ── unary ─────────────────────────────────────────────────────────────────

/** The exact unary ops (c0, c1: clamp bounds; c0 = 1 for reciprocal, 0 for relu). */
@inline function simple(op: i32, v: v128, c0: v128, c1: v128): v128 {
  switch (op) {
    case U_NEG: return f32x4.neg(v);
    case U_ABS: return f32x4.abs(v);
    case U_SQUARE: return f32x4.mul(v, v);
    case U_SQRT: return f32x4.sqrt(v);
    case U_RECIPROCAL: return f32x4.div(c0, v);
    // pmax(v, 0) is v < 0 ? 0 : v: NaN and −0 pass through, as in the TS kernel.
    case U_RELU: return f32x4.pmax(v, c0);
    // min(max(v, lo), hi) with the TS kernel's comparisons: lo > hi gives hi, NaN passes.
    default: return f32x4.pmin(f32x4.pmax(v, c0), c1);
  }
}

@inline function simpleLoop(op: i32, n: i32, c0: v128, c1: v128): void {
  const end = vecBytes(n);
  for (let i: usize = 0; i < end; i += 16) v128.store(C + i, simple(op, v128.load(A + i), c0, c1));
}

/** v < 0 ? v·slope : v, the product in float64 and rounded once (slope is a float64, as in the TS kernel). */
function leakyReluLoop(n: i32, slope: f64): void {
  const end = vecBytes(n);
  const s = f64x2.splat(slope);
  const zero = kf(1);
  for (let i: usize = 0; i < end; i += 16) {
    const v = v128.load(A + i);
    v128.store(C + i, v128.bitselect(join32(f64x2.mul(lo64(v), s), f64x2.mul(hi64(v), s)), v, f32x4.lt(v, zero)));
  }
}

/** The transcendental ops on one f64x2 (op is a constant in each inlined copy, so the branches fold). */
@inline function trans64(op: i32, x: v128): v128 {
  if (op == U_EXP) return exp64(x);
  if (op == U_LOG) return log64(x);
  if (op == U_LOG1P) return log1p64(x);
  if (op == U_TANH) return tanhAbs64(f64x2.abs(x));
  // sigmoid, softplus, logSigmoid from e = e^{−|x|} as the TS kernel's branches.
  const e = exp64(f64x2.neg(f64x2.abs(x)));
  const zero = kd(3);
  if (op == U_SIGMOID) return f64x2.div(v128.bitselect(kd(0), e, f64x2.ge(x, zero)), f64x2.add(kd(0), e));
  const l = log1p64(e);
  return op == U_SOFTPLUS ? f64x2.add(f64x2.pmax(x, zero), l) : f64x2.sub(f64x2.pmin(x, zero), l);
}

/**
 * A transcendental on one f32x4 with the full-precision cores: widened to two f64x2, computed in float64,
 * rounded once, as the TS kernel does with Math. Then the float32 lane fix-ups: log's and log1p's special
 * cases (logFull32, log1pFull32); tanh gets the sign of x (tanh(−0) = −0).
 */
function transFull(op: i32, x: v128): v128 {
  let r: v128;
  if (op == U_LOG) r = logFull32(x);
  else if (op == U_LOG1P) r = log1pFull32(x);
  else r = join32(trans64(op, lo64(x)), trans64(op, hi64(x)));
  if (op == U_TANH) r = v128.or(r, v128.and(x, ki(0)));
  return r;
}

/** log and log1p on the fast cores, then the full ones for the flagged vectors. */
@inline function lnLoop(op: i32, n: i32): void {
  const end = vecBytes(n);
  for (let i: usize = 0; i < end; i += 16) {
    const x = v128.load(A + i);
    v128.store(C + i, op == U_LOG ? logFast32(x, i, false) : log1pFast32(x, i, false));
  }
  redoFlagged(op, end);
}

/**
 * tanh on the fast core with the sign of x put back (tanh(−0) = −0); NaN and nonzero subnormal x (results
 * outside the float32-normal range) go to the full cores with the flagged vectors.
 */
function tanhLoop(n: i32): void {
  const end = vecBytes(n);
  for (let i: usize = 0; i < end; i += 16) {
    const x = v128.load(A + i);
    const ax = v128.and(x, ki(1));
    const a = f32x4.pmin(ax, kf(7));
    const lo = tanhFast64(lo64(a)), hi = tanhFast64(hi64(a));
    v128.store(C + i, v128.or(join32(lo, hi), v128.and(x, ki(0))));
    const odd = v128.or(f32x4.ne(x, x), v128.and(f32x4.lt(ax, kf(6)), f32x4.gt(ax, kf(1))));
    flag(i, v128.or(uncertain(lo, hi, 9), odd), false);
  }
  redoFlagged(U_TANH, end);
}

/** softplus and logSigmoid: e = e^−|x| by exp2Fast, then lnPair. */
@inline function softplusLoop(op: i32, n: i32): void {
  const end = vecBytes(n);
  for (let i: usize = 0; i < end; i += 16) {
    const x = v128.load(A + i);
    const a = v128.and(x, ki(1));
    v128.store(C + i, lnPair(exp2Fast(f64x2.mul(lo64(a), kd(30))), exp2Fast(f64x2.mul(hi64(a), kd(30))), op, x, i, false));
  }
  redoFlagged(op, end);
}

/**
 * exp and sigmoid = 1/(1 + e^−x) on the fast core (see the header), the rounding test per vector, then
 * the full cores for the vectors it flagged and those holding |x| > 87 or NaN (results that may leave the
 * float32-normal range). sigmoid needs no branch on the sign here: e^−x ≤ e⁸⁷ is finite in float64.
 */
@inline function expLoop(op: i32, n: i32): void {
  const end = vecBytes(n);
  for (let i: usize = 0; i < end; i += 16) {
    const x = v128.load(A + i);
    let lo: v128, hi: v128;
    if (op == U_EXP) {
      lo = exp2Fast(f64x2.mul(lo64(x), kd(7)));
      hi = exp2Fast(f64x2.mul(hi64(x), kd(7)));
    } else {
      lo = f64x2.div(kd(0), f64x2.add(kd(0), exp2Fast(f64x2.mul(lo64(x), kd(30)))));
      hi = f64x2.div(kd(0), f64x2.add(kd(0), exp2Fast(f64x2.mul(hi64(x), kd(30)))));
    }
    v128.store(C + i, join32(lo, hi));
    flag(i, v128.or(uncertain(lo, hi, 4), beyond87(x)), false);
  }
  redoFlagged(op, end);
}

/**
 * C[0, n) = op(A[0, n)). p0, p1: leakyRelu's slope (float64); clamp's bounds (the loader checks that
 * rounding them to float32 cannot change a result).
 */
export function unary(op: i32, n: i32, p0: f64, p1: f64): void {
  const zero = kf(1), one = kf(0);
  switch (op) {
    case U_NEG: simpleLoop(U_NEG, n, zero, zero); break;
    case U_ABS: simpleLoop(U_ABS, n, zero, zero); break;
    case U_SQUARE: simpleLoop(U_SQUARE, n, zero, zero); break;
    case U_SQRT: simpleLoop(U_SQRT, n, zero, zero); break;
    case U_RECIPROCAL: simpleLoop(U_RECIPROCAL, n, one, zero); break;
    case U_RELU: simpleLoop(U_RELU, n, zero, zero); break;
    case U_CLAMP: simpleLoop(U_CLAMP, n, f32x4.splat(<f32>p0), f32x4.splat(<f32>p1)); break;
    case U_LEAKY_RELU: leakyReluLoop(n, p0); break;
    case U_EXP: expLoop(U_EXP, n); break;
    case U_LOG: lnLoop(U_LOG, n); break;
    case U_LOG1P: lnLoop(U_LOG1P, n); break;
    case U_TANH: tanhLoop(n); break;
    case U_SIGMOID: expLoop(U_SIGMOID, n); break;
    case U_SOFTPLUS: softplusLoop(U_SOFTPLUS, n); break;
    default: softplusLoop(U_LOG_SIGMOID, n); break;
  }
}

// ── binary ────────────────────────────────────────────────────────────────

/** a ∘ b per lane; comparisons give 1 or 0. max/min propagate NaN and order −0 < +0, exactly like Math.max/min. */
@inline function bin(op: i32, a: v128, b: v128, one: v128): v128 {
  switch (op) {
    case B_ADD: return f32x4.add(a, b);
    case B_SUB: return f32x4.sub(a, b);
    case B_MUL: return f32x4.mul(a, b);
    case B_DIV: return f32x4.div(a, b);
    case B_MAX: return f32x4.max(a, b);
    case B_MIN: return f32x4.min(a, b);
    case B_EQ: return v128.and(f32x4.eq(a, b), one);
    case B_NE: return v128.and(f32x4.ne(a, b), one);
    case B_LT: return v128.and(f32x4.lt(a, b), one);
    case B_LE: return v128.and(f32x4.le(a, b), one);
    case B_GT: return v128.and(f32x4.gt(a, b), one);
    case B_GE: return v128.and(f32x4.ge(a, b), one);
    case B_RSUB: return f32x4.sub(b, a);
    default: return f32x4.div(b, a); // B_RDIV
  }
}

@inline function binRows(op: i32, rows: i32, len: i32, bRow: i32, bCol: i32): void {
  const one = kf(0);
  const rowBytes = <usize>len << 2, end = vecBytes(len), bStep = <usize>bRow << 2;
  let a = A, b = B, c = C;
  for (let r = 0; r < rows; r++) {
    if (bCol) {
      for (let i: usize = 0; i < end; i += 16) v128.store(c + i, bin(op, v128.load(a + i), v128.load(b + i), one));
    } else {
      const bv = v128.load32_splat(b);
      for (let i: usize = 0; i < end; i += 16) v128.store(c + i, bin(op, v128.load(a + i), bv, one));
    }
    a += rowBytes;
    b += bStep;
    c += rowBytes;
  }
}

/**
 * C = A ∘ B over `rows` rows of `len` floats (A, C contiguous). Row r of B starts at float r·bRow;
 * bCol = 1: B's row is a vector of len floats; bCol = 0: one float broadcast along the row.
 * So (rows 1, bCol 1) is same-shape, (bRow 0, bCol 1) a row vector, (bRow 1, bCol 0) a column vector.
 */
export function binary(op: i32, rows: i32, len: i32, bRow: i32, bCol: i32): void {
  switch (op) {
    case B_ADD: binRows(B_ADD, rows, len, bRow, bCol); break;
    case B_SUB: binRows(B_SUB, rows, len, bRow, bCol); break;
    case B_MUL: binRows(B_MUL, rows, len, bRow, bCol); break;
    case B_DIV: binRows(B_DIV, rows, len, bRow, bCol); break;
    case B_MAX: binRows(B_MAX, rows, len, bRow, bCol); break;
    case B_MIN: binRows(B_MIN, rows, len, bRow, bCol); break;
    case B_EQ: binRows(B_EQ, rows, len, bRow, bCol); break;
    case B_NE: binRows(B_NE, rows, len, bRow, bCol); break;
    case B_LT: binRows(B_LT, rows, len, bRow, bCol); break;
    case B_LE: binRows(B_LE, rows, len, bRow, bCol); break;
    case B_GT: binRows(B_GT, rows, len, bRow, bCol); break;
    case B_GE: binRows(B_GE, rows, len, bRow, bCol); break;
    case B_RSUB: binRows(B_RSUB, rows, len, bRow, bCol); break;
    default: binRows(B_RDIV, rows, len, bRow, bCol); break;
  }
}

// ── fused activation backwards ────────────────────────────────────────────

/**
 * C = B·(A·(1 − A)) (sigmoid), B·(1 − A²) (tanh) or B·[A > 0] (relu), A the activation's output y and B
 * the incoming gradient dy: one f32x4 operation per step of the composed ops, each rounded to float32, so
 * the result is theirs bit for bit (relu: the comparison's all-ones lanes masked to 1.0, then the product).
 */
@inline function gradLoop(op: i32, n: i32): void {
  const end = vecBytes(n);
  for (let i: usize = 0; i < end; i += 16) {
    const y = v128.load(A + i), dy = v128.load(B + i);
    const d = op == G_SIGMOID ? f32x4.mul(y, f32x4.sub(kf(0), y))
      : op == G_TANH ? f32x4.sub(kf(0), f32x4.mul(y, y))
      : v128.and(f32x4.gt(y, f32x4.splat(0)), kf(0));
    v128.store(C + i, f32x4.mul(dy, d));
  }
}

/** C[0, n) = the backward of activation `op` (G_SIGMOID, G_TANH, G_RELU) from its output A and gradient B. */
export function activationBackward(op: i32, n: i32): void {
  if (op == G_SIGMOID) gradLoop(G_SIGMOID, n);
  else if (op == G_TANH) gradLoop(G_TANH, n);
  else gradLoop(G_RELU, n);
}

// ── fused binary cross-entropy ────────────────────────────────────────────

/** −(y·max(log p, −100) + (1 − y)·max(log1p(−p), −100)) for the given ln values lp = log p, lq = log1p(−p). */
@inline function bceFrom(y: v128, lp: v128, lq: v128): v128 {
  const s = f32x4.add(f32x4.mul(y, f32x4.max(lp, kf(4))), f32x4.mul(f32x4.sub(kf(0), y), f32x4.max(lq, kf(4))));
  return f32x4.neg(s);
}

/** binaryCrossEntropy of one vector with the full ln cores (redoFlagged). */
function bceFull(p: v128, y: v128): v128 {
  return bceFrom(y, logFull32(p), log1pFull32(f32x4.neg(p)));
}

/**
 * C = −(B·max(log A, −100) + (1 − B)·max(log1p(−A), −100)): binary cross-entropy per element for
 * probabilities A and targets B, with PyTorch's clamp of each log. log and log1p are the unary kernel's
 * (the fast cores, both rounding tests flagging the vector, the full cores for flagged vectors) and every
 * other step is one float32 operation, in the composed ops' order: so the result is theirs bit for bit.
 * max propagates NaN and orders −0 < +0, as Math.max.
 */
export function binaryCrossEntropy(n: i32): void {
  const end = vecBytes(n);
  for (let i: usize = 0; i < end; i += 16) {
    const p = v128.load(A + i), y = v128.load(B + i);
    v128.store(C + i, bceFrom(y, logFast32(p, i, false), log1pFast32(f32x4.neg(p), i, true)));
  }
  redoFlagged(BCE, end);
}

/**
 * C = C·(A − B) / max(A·(1 − A), 1e−12): binary cross-entropy's gradient with respect to the probabilities A
 * for targets B and the incoming gradient C (overwritten in place), one float32 operation per step of the
 * composed ops, in their order: their result bit for bit.
 */
export function binaryCrossEntropyBackward(n: i32): void {
  const end = vecBytes(n);
  for (let i: usize = 0; i < end; i += 16) {
    const p = v128.load(A + i), y = v128.load(B + i), dy = v128.load(C + i);
    const num = f32x4.mul(dy, f32x4.sub(p, y));
    const den = f32x4.max(f32x4.mul(p, f32x4.sub(kf(0), p)), kf(5));
    v128.store(C + i, f32x4.div(num, den));
  }
}

// ── one task of the worker pool ───────────────────────────────────────────

/** Kernels runRange runs: a unary op (its U_* code in `op`), or binaryCrossEntropy. */
const RUN_UNARY = 0, RUN_BCE = 1;

/**
 * The worker pool's entry (packages/core/src/kernels/wasm/pool.ts): kernel `kind` over n elements of
 * arrays already in memory — C = op(A), or C = binaryCrossEntropy(A, B) — at byte addresses a, b, c,
 * a chunk at a time with this instance's A, B, C pointed into those arrays (no copies), and `flags`
 * (FLAG_BYTES = 2064 bytes of the calling thread's scratch) for the rounding tests. Each element is computed
 * by the same code as through the static buffers, so the results are the loader's bit for bit.
 * Whole-vector loops read and write up to 12 bytes past n: the caller leaves that slack after the
 * arrays and cuts them between threads only at multiples of CHUNK.
 */
export function runRange(kind: i32, op: i32, a: usize, b: usize, c: usize, n: i32, flags: usize): void {
  FLAGS = flags;
  for (let i = 0; i < n; i += CHUNK) {
    const len = min(CHUNK, n - i), at = <usize>i << 2;
    A = a + at;
    B = b + at;
    C = c + at;
    if (kind == RUN_UNARY) unary(op, len, 0, 0);
    else binaryCrossEntropy(len);
  }
  A = A0;
  B = B0;
  C = C0;
  FLAGS = FLAGS0;
}

// ── reductions ────────────────────────────────────────────────────────────

/**
 * Σ row in float64: each f32x4 is widened to two f64x2 and added into 4 f64x2 accumulators (2× unrolled).
 * The TS kernel adds in float64 too, in order; the two sums differ by rounding at the float64 level only.
 */
function rowSum(p: usize, len: i32): f64 {
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
  const full = <usize>(len & ~3) << 2;
  let i: usize = 0;
  for (; i + 32 <= full; i += 32) {
    const v = v128.load(p + i), w = v128.load(p + i, 16);
    a0 = f64x2.add(a0, f64x2.promote_low_f32x4(v));
    a1 = f64x2.add(a1, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)));
    a2 = f64x2.add(a2, f64x2.promote_low_f32x4(w));
    a3 = f64x2.add(a3, f64x2.promote_low_f32x4(v128.shuffle<f32>(w, w, 2, 3, 0, 1)));
  }
  if (i < full) {
    const v = v128.load(p + i);
    a0 = f64x2.add(a0, f64x2.promote_low_f32x4(v));
    a1 = f64x2.add(a1, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)));
    i += 16;
  }
  if (len & 3) {
    const v = v128.and(v128.load(p + i), tailMask(len));
    a2 = f64x2.add(a2, f64x2.promote_low_f32x4(v));
    a3 = f64x2.add(a3, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)));
  }
  const s = f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3));
  return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
}

/**
 * max (isMax) or min of a row, NaN if the row holds one, ∓Infinity if it is empty: the TS kernel's
 * result. pmax(m, v) is m < v ? v : m, so within a lane the first of equal values stays; NaN lanes are
 * tracked apart. The only equal values that differ are ±0: when the extreme is 0, the first zero of the
 * row is returned, as the TS kernel's `v > acc` scan does (with firstZero; softmax does not need it).
 */
@inline function rowExtreme(p: usize, len: i32, isMax: bool, firstZero: bool): f32 {
  const pad = isMax ? kf(3) : kf(2);
  let m0 = pad, m1 = pad, nan = kf(1);
  const full = <usize>(len & ~3) << 2;
  let i: usize = 0;
  for (; i + 32 <= full; i += 32) {
    const v = v128.load(p + i), w = v128.load(p + i, 16);
    m0 = isMax ? f32x4.pmax(m0, v) : f32x4.pmin(m0, v);
    m1 = isMax ? f32x4.pmax(m1, w) : f32x4.pmin(m1, w);
    nan = v128.or(nan, v128.or(f32x4.ne(v, v), f32x4.ne(w, w)));
  }
  if (i < full) {
    const v = v128.load(p + i);
    m0 = isMax ? f32x4.pmax(m0, v) : f32x4.pmin(m0, v);
    nan = v128.or(nan, f32x4.ne(v, v));
    i += 16;
  }
  if (len & 3) {
    const v = v128.bitselect(v128.load(p + i), pad, tailMask(len));
    m1 = isMax ? f32x4.pmax(m1, v) : f32x4.pmin(m1, v);
    nan = v128.or(nan, f32x4.ne(v, v));
  }
  if (v128.any_true(nan)) return NaN;
  const m = isMax ? f32x4.pmax(m0, m1) : f32x4.pmin(m0, m1);
  const x0 = f32x4.extract_lane(m, 0), x1 = f32x4.extract_lane(m, 1);
  const x2 = f32x4.extract_lane(m, 2), x3 = f32x4.extract_lane(m, 3);
  const y0 = isMax ? (x1 > x0 ? x1 : x0) : (x1 < x0 ? x1 : x0);
  const y1 = isMax ? (x3 > x2 ? x3 : x2) : (x3 < x2 ? x3 : x2);
  const r = isMax ? (y1 > y0 ? y1 : y0) : (y1 < y0 ? y1 : y0);
  if (firstZero && r == 0) {
    for (let j = 0; j < len; j++) {
      const x = load<f32>(p + (<usize>j << 2));
      if (x == 0) return x;
    }
  }
  return r;
}

/** op over A[0, n): the float64 sum (the loader adds chunks in float64), or the max / min as rowExtreme. */
export function reduceAll(op: i32, n: i32): f64 {
  if (op == R_SUM) return rowSum(A, n);
  return op == R_MAX ? <f64>rowExtreme(A, n, true, true) : <f64>rowExtreme(A, n, false, true);
}

/** C[r] = op over row r of A (rows × len, contiguous); the sum rounded once to float32. */
export function reduceRows(op: i32, rows: i32, len: i32): void {
  const rowBytes = <usize>len << 2;
  let p = A;
  for (let r = 0; r < rows; r++, p += rowBytes) {
    const v: f32 = op == R_SUM ? <f32>rowSum(p, len) : op == R_MAX ? rowExtreme(p, len, true, true) : rowExtreme(p, len, false, true);
    store<f32>(C + (<usize>r << 2), v);
  }
}

/**
 * C[j] = op(C[j], A[r·len + j]) for each row r in order: the reduction over leading axes, accumulated
 * in float32 in C exactly as the TS kernel accumulates in its float32 `out` (the loader initialises C).
 * max: v > c or v NaN replaces c unless c is NaN already (the TS kernel's sticky NaN); min likewise.
 */
export function reduceLeading(op: i32, rows: i32, len: i32): void {
  const rowBytes = <usize>len << 2, end = vecBytes(len);
  let p = A;
  for (let r = 0; r < rows; r++, p += rowBytes) {
    for (let i: usize = 0; i < end; i += 16) {
      const c = v128.load(C + i), v = v128.load(p + i);
      let res: v128;
      if (op == R_SUM) {
        res = f32x4.add(c, v);
      } else {
        const better = op == R_MAX ? f32x4.gt(v, c) : f32x4.lt(v, c);
        const take = v128.andnot(v128.or(better, f32x4.ne(v, v)), f32x4.ne(c, c));
        res = v128.bitselect(v, c, take);
      }
      v128.store(C + i, res);
    }
  }
}

// ── softmax ───────────────────────────────────────────────────────────────

/**
 * (Log-)softmax of each row of A (rows × len, contiguous) into C, computed as the TS kernel does:
 * m = max (NaN if the row holds one; 0 when it is all −Infinity), e = e^(x − m) in float64 (x − m is
 * exact in float64), s = Σ e in float64, softmax = e·(1/s) and logSoftmax = x − (m + ln s), each rounded
 * once. Matches the TS kernel bit for bit except near float32 rounding boundaries.
 */
export function softmaxRows(rows: i32, len: i32, log: i32): void {
  const rowBytes = <usize>len << 2, end = vecBytes(len), last = end - 16;
  const mask = tailMask(len);
  let p = A, q = C;
  for (let r = 0; r < rows; r++, p += rowBytes, q += rowBytes) {
    let m = rowExtreme(p, len, true, false);
    if (m == -Infinity) m = 0;
    const mv = f64x2.splat(<f64>m);
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
    for (let i: usize = 0; i < end; i += 16) {
      let x = v128.load(p + i);
      if (i == last) x = v128.bitselect(x, kf(3), mask); // e^(−∞) = 0 past the row's end
      s0 = f64x2.add(s0, exp64(f64x2.sub(lo64(x), mv)));
      s1 = f64x2.add(s1, exp64(f64x2.sub(hi64(x), mv)));
    }
    const s2 = f64x2.add(s0, s1);
    const s = f64x2.extract_lane(s2, 0) + f64x2.extract_lane(s2, 1);
    if (log) {
      const lse = f64x2.splat(<f64>m + Math.log(s));
      for (let i: usize = 0; i < end; i += 16) {
        const x = v128.load(p + i);
        v128.store(q + i, join32(f64x2.sub(lo64(x), lse), f64x2.sub(hi64(x), lse)));
      }
    } else {
      // The TS kernel recomputes e^(x − m) too rather than keeping it.
      const inv = f64x2.splat(1 / s);
      for (let i: usize = 0; i < end; i += 16) {
        const x = v128.load(p + i);
        v128.store(q + i, join32(f64x2.mul(exp64(f64x2.sub(lo64(x), mv)), inv), f64x2.mul(exp64(f64x2.sub(hi64(x), mv)), inv)));
      }
    }
  }
}
