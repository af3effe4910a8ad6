#!/usr/bin/env python3
"""
Coefficients and error bounds of the fast float64 cores in packages/core/wasm/elementwise.ts.

Each fast core's float64 result y is rounded to float32 only where the rounding is certain: |y − v| ≤ δ·|v|
for the exact value v, and the TS kernel's float64 value (Math.*, < 1 float64 ulp, then its few roundings)
is within δ_ts·|v| of v, so both lie in [y − D, y + D] with D = (δ + δ_ts)·|v|. Rounding to float32 is
monotonic: if no float32 rounding boundary (a midpoint between float32 neighbours) lies in that interval,
both round to the same float32. For y in a float32-normal binade [2^e, 2^(e+1)), D < (δ + δ_ts)(1 + 2δ)·2^53
float64 ulps of that binade, and the boundaries are the values whose low 29 mantissa bits are 2^28: the
module checks |low29(y) − 2^28| > T with T ≥ that number (printed below as T) and recomputes every vector
holding a lane that fails, with the full-precision cores.

This script fits each polynomial (Remez exchange on a grid, relative error), rounds its coefficients to
float64, and bounds:
  - the approximation error of the rounded polynomial: its maximum on a grid of the interval plus
    (grid spacing / 2)·(a rigorous bound on the error function's derivative);
  - the rounding errors of evaluating it in float64 (u = 2^-53 per operation, propagated as bounds on
    magnitude and absolute error, in the module's order of operations);
  - the argument reduction's and the final operations' errors, case by case (see each section).
Run it (Python 3 with mpmath) to print the coefficients, the bounds and the thresholds T that the module
uses; the module's constants were pasted from its output.
"""
import mpmath as mp

mp.mp.dps = 40
u = mp.mpf(2) ** -53  # unit roundoff of float64


def f64(x):
    """x rounded to the nearest float64, as an mpf."""
    return mp.mpf(float(x))


# ── Remez exchange (grid version) ─────────────────────────────────────────

def remez(g, w, m, a, b, iters=12, npts=6000):
    """Q of degree m minimising max |w(x)·(Q(x) − g(x))| on [a, b] (w > 0). Returns its coefficients."""
    n = m + 2
    grid = [a + (b - a) * (k + mp.mpf('0.5')) / npts for k in range(npts)]  # npts even: avoids x = 0
    gv = [g(x) for x in grid]
    wv = [w(x) for x in grid]
    idx = [int(round((npts - 1) * (1 - mp.cos(mp.pi * i / (n - 1))) / 2)) for i in range(n)]
    c = None
    for _ in range(iters):
        A = mp.matrix(n, n)
        rhs = mp.matrix(n, 1)
        for i, k in enumerate(idx):
            for j in range(m + 1):
                A[i, j] = grid[k] ** j
            A[i, m + 1] = (-1) ** i / wv[k]
            rhs[i] = gv[k]
        sol = mp.lu_solve(A, rhs)
        c = [sol[j] for j in range(m + 1)]
        vals = [wv[k] * (mp.polyval(c[::-1], grid[k]) - gv[k]) for k in range(npts)]
        runs, cur = [], [0]
        for k in range(1, npts):
            if mp.sign(vals[k]) == mp.sign(vals[cur[0]]):
                cur.append(k)
            else:
                runs.append(cur)
                cur = [k]
        runs.append(cur)
        ext = [max(r, key=lambda k: abs(vals[k])) for r in runs]
        while len(ext) > n:
            ext.pop(0 if abs(vals[ext[0]]) < abs(vals[ext[-1]]) else -1)
        if len(ext) < n:
            break
        idx = ext
    return c


# ── bounds on float64 evaluation ──────────────────────────────────────────

class B:
    """A float64 quantity: M bounds its exact value's magnitude, E the absolute error of the computed one."""

    def __init__(self, M, E=0):
        self.M, self.E = mp.mpf(M), mp.mpf(E)

    def __add__(self, o):  # fl(a + b), magnitudes added (no cancellation assumed)
        M = self.M + o.M
        return B(M, self.E + o.E + u * (M + self.E + o.E))

    def __mul__(self, o):  # fl(a · b)
        M = self.M * o.M
        E = self.M * o.E + o.M * self.E + self.E * o.E
        return B(M, E + u * (M + E))


def const(c):
    return B(abs(c))


def log2(x):
    return mp.log(x, 2)


def show(name, x):
    print(f'  {name}: {mp.nstr(x, 6)} = 2^{mp.nstr(log2(x), 5)}')


def threshold(delta):
    """T (float64 ulps) for a total relative bound delta: ⌈delta·(1 + 2·delta)·2^53⌉."""
    return int(mp.ceil(delta * (1 + 2 * delta) * 2 ** 53))


def poly8(c, f):
    """The module's poly8 on the bound f, in its order: a_i = c_2i + c_(2i+1)·f, p = a0 + f²·(a1 + f²·(a2 + f²·a3))."""
    f2 = f * f
    a = [const(c[2 * i]) + const(c[2 * i + 1]) * f for i in range(4)]
    return a[0] + f2 * (a[1] + f2 * (a[2] + f2 * a[3]))


# ── 2^f, |f| ≤ 1/2: exp, sigmoid ──────────────────────────────────────────

def exp2_core():
    print('exp2 core: 2^f ≈ P(f) = c0 + c1 f + … + c7 f^7 on |f| ≤ 1/2 (relative minimax, degree 7)')
    H = mp.mpf('0.5')
    c = [f64(x) for x in remez(lambda f: mp.power(2, f), lambda f: mp.power(2, -f), 7, -H, H)]
    print('  coefficients:', ', '.join(repr(float(x)) for x in c))
    # Approximation error of the rounded coefficients: g(f) = P(f)·2^-f − 1, g' = 2^-f·(P' − ln2·P), and
    # P' − ln2·P has the coefficients d_j = (j+1)c_(j+1) − ln2·c_j (d_7 = −ln2·c_7), all small.
    ln2 = mp.log(2)
    d = [(j + 1) * c[j + 1] - ln2 * c[j] for j in range(7)] + [-ln2 * c[7]]
    dmax = mp.sqrt(2) * sum(abs(dj) * H ** j for j, dj in enumerate(d))
    N = 100000
    gmax = max(abs(mp.polyval(c[::-1], f) * mp.power(2, -f) - 1) for f in (-H + 2 * H * k / N for k in range(N + 1)))
    approx = gmax + dmax * (H / N)
    show('approximation error (relative)', approx)
    p = poly8(c, B(H))
    evalrel = p.E / mp.power(2, -H)
    show('evaluation error (relative to 2^f ≥ 2^-1/2)', evalrel)
    return c, approx + evalrel


def exp_family(core_err):
    print('exp and sigmoid: y = fl(x·L) (L = log2 e or −log2 e rounded), k = round(y) (adding 1.5·2^52), f = y − k')
    # |x| ≤ 87 in the fast path (other lanes take the full cores): |y| < 125.6, so fl(x·L) is off by at most
    # 87·|L − log2 e| + ½ulp(125.6) = 87·|L − log2 e| + 2^-47; f = y − k is exact (Sterbenz, or k = 0), and
    # 2^k·p is exact (exponent arithmetic, the result stays normal). 2^(y error) costs ln2·|y error|.
    L = f64(1 / mp.log(2))
    yerr = 87 * abs(L - 1 / mp.log(2)) + mp.mpf(2) ** -47
    red = mp.log(2) * yerr * (1 + 1e-9)
    show('reduction error (relative)', red)
    e = core_err + red
    show('e^x, fast (relative)', e)
    # exp: the module returns 2^k·p; Math.exp is < 1 ulp (≤ 2u relative).
    d_exp = e + 2 * u
    # sigmoid: 1/(1 + E) with E = e^−x·(1 + ε): 1 + E is off by ≤ ε·E/(1 + E) + u relative, the division
    # adds u: ≤ ε + 2u (+ ε², absorbed in the factor below). The TS kernel: x ≥ 0: 1/(1 + Math.exp(−x)), x < 0:
    # e/(1 + e) with e = Math.exp(x): ≤ 2u (Math.exp) + 3u (three roundings) relative.
    d_sig = (e + 2 * u) * (1 + mp.mpf(2) ** -30) + 5 * u
    show('exp total δ + δ_ts', d_exp)
    show('sigmoid total δ + δ_ts', d_sig)
    T = threshold(max(d_exp, d_sig))
    print(f'  T (exp, sigmoid) ≥ {T} = 2^{mp.nstr(log2(T), 5)}')
    return T


# ── ln: table of 128 intervals, log1p(r) on |r| ≤ ~2^-8: log, log1p ──────

LOG_OFF32 = 0x3F358000  # 0.708984375: 1.0 is the centre (in bits) of interval 74
import struct


def f32_from_bits(b):
    return mp.mpf(struct.unpack('<f', struct.pack('<I', b))[0])


def to_f32(x):
    return mp.mpf(struct.unpack('<f', struct.pack('<f', float(x)))[0])


def log_table():
    """c_j = float32(float64(1/m_j)) with m_j the centre of interval j, as the module's start code computes it."""
    c = []
    for j in range(128):
        mid = f32_from_bits(LOG_OFF32 + (j << 16) + (1 << 15))
        c.append(to_f32(float(1.0 / float(mid))))
    return c


def log_cells(c):
    """Per interval j: the float32 m range (bits) and the float64 one, as exact mpf endpoints."""
    cells = []
    for j in range(128):
        lo32 = f32_from_bits(LOG_OFF32 + (j << 16))
        hi32 = f32_from_bits(LOG_OFF32 + ((j + 1) << 16) - 1)
        hi64 = f32_from_bits(LOG_OFF32 + ((j + 1) << 16)) * (1 - u)  # largest float64 below the next interval (≥ it)
        cells.append((lo32, hi32, hi64))
    return cells


def log_core():
    print('ln core: x = 2^k·m, m in [0.709, 1.418) split into 128 intervals (7 mantissa bits), c_j = 1/m_j,')
    print('  ln x = k·ln2 − ln c_j + log1p(r), r = m·c_j − 1, log1p(r) ≈ r + r²(a2 + a3 r + a4 r²)')
    c = log_table()
    assert c[74] == 1
    cells = log_cells(c)
    R = max(max(abs(lo * c[j] - 1), abs(hi64 * c[j] - 1)) for j, (lo, hi32, hi64) in enumerate(cells))
    R = R + mp.mpf(2) ** -50  # log1p: 1 + x rounded to u can fall just past an interval's end
    show('|r| ≤', R)
    a = [f64(x) for x in remez(lambda r: (mp.log1p(r) - r) / r ** 2, lambda r: abs(r ** 2 / mp.log1p(r)), 2, -R, R)]
    print('  coefficients a2, a3, a4:', ', '.join(repr(float(x)) for x in a))
    # Approximation: φ(r) = (P(r) − log1p r)/r = Σ_(j=2..4) (a_j − t_j) r^(j−1) − Σ_(j≥5) t_j r^(j−1), t_j = (−1)^(j+1)/j;
    # |φ'| ≤ Σ_(j=2..4) (j−1)|a_j − t_j| R^(j−2) + Σ_(j≥5) R^(j−2) = … + R³/(1 − R). Relative error ≤ |φ|·|r/log1p r|.
    t = {j: mp.mpf((-1) ** (j + 1)) / j for j in range(2, 5)}
    dphi = sum((j - 1) * abs(a[j - 2] - t[j]) * R ** (j - 2) for j in range(2, 5)) + R ** 3 / (1 - R)
    N = 20000
    P = lambda r: r + r * r * (a[0] + a[1] * r + a[2] * r * r)
    phimax = max(abs((P(r) - mp.log1p(r)) / r) for r in (-R + 2 * R * (k + mp.mpf('0.5')) / N for k in range(N)))
    ratio = max(abs(R / mp.log1p(-R)), abs(R / mp.log1p(R)))
    approx = (phimax + dphi * R / N) * ratio
    show('approximation error (relative to log1p r)', approx)
    # Evaluation in the module's order: r2 = r·r, q = (a2 + a3·r) + a4·r2, P = r + r2·q (r exact for log,
    # one rounding for log1p, counted below). E(ρ)/log1p(ρ) grows with ρ = |r|: taken at R.
    r = B(R)
    r2 = r * r
    q = (const(a[0]) + const(a[1]) * r) + const(a[2]) * r2
    Pb = r + r2 * q
    evalrel = Pb.E / mp.log1p(R)
    show('evaluation error (relative to |log1p r|)', evalrel)
    return c, cells, a, approx + evalrel, R


def log_bounds(c, cells, prel, R):
    """Relative error bound over every (k, j) cell for log (float32 x) and log1p (u = 1 + x rounded)."""
    LN2 = f64(mp.log(2))
    dLN2 = abs(LN2 - mp.log(2))
    worst = {'log': mp.mpf(0), 'log1p': mp.mpf(0)}
    rest = mp.mpf(0)  # the largest relative error from everything but P(r)
    for j, (lo, hi32, hi64) in enumerate(cells):
        L = -mp.log(c[j])
        rmax = max(abs(lo * c[j] - 1), abs(hi64 * c[j] - 1)) + mp.mpf(2) ** -50
        lmax = max(abs(mp.log1p(-rmax)), abs(mp.log1p(rmax)))
        for k in range(-126, 129):
            if k == 0 and j == 74:
                continue  # y = P(r) exactly: relative error prel (log) + u·1.01 (log1p's r)
            ymin = min(abs(k * mp.log(2) + mp.log(lo)), abs(k * mp.log(2) + mp.log(hi64)))
            ymax = max(abs(k * mp.log(2) + mp.log(lo)), abs(k * mp.log(2) + mp.log(hi64)))
            A = abs(k) * LN2 + abs(L)
            E = abs(k) * dLN2 + u * abs(k) * LN2 + 2 * u * abs(L) + u * A * (1 + 1e-9)  # k·LN2, L_j (< 1 ulp), the sum
            E += u * ymax * (1 + 1e-9)  # the final sum
            rest = max(rest, E / ymin)
            E += prel * lmax  # P(r)
            worst['log'] = max(worst['log'], E / ymin)
            if k >= -25:
                # log1p: r = fl(x·s + (s − 1)), x·s exact; s − 1 exact for k ≤ 29, else off by ≤ u.
                E1 = E + (u * rmax + (u if k > 29 else 0)) / (1 - R)
                worst['log1p'] = max(worst['log1p'], E1 / ymin)
    worst['log'] = max(worst['log'], prel)
    worst['log1p'] = max(worst['log1p'], prel + u * mp.mpf('1.01'))
    show('k·ln2, L_j and the sums (relative, worst (k, j))', rest)
    Ts = []
    for name in ('log', 'log1p'):
        show(name + ' fast (relative)', worst[name])
        Ts.append(threshold(worst[name] + 2 * u))  # Math.log, Math.log1p: < 1 ulp
    T = max(Ts)
    print(f'  T (log, log1p) ≥ {T} = 2^{mp.nstr(log2(T), 5)}')
    return rest


# ── 2^f − 1, |f| ≤ 1/2: tanh ─────────────────────────────────────────────

def expm1_core():
    print('expm1 core: 2^f − 1 ≈ f·Q(f), Q = b0 + b1 f + … + b7 f^7 on |f| ≤ 1/2 (relative minimax, degree 8)')
    H = mp.mpf('0.5')
    g = lambda f: (mp.power(2, f) - 1) / f
    b = [f64(x) for x in remez(g, lambda f: 1 / g(f), 7, -H, H)]
    print('  coefficients:', ', '.join(repr(float(x)) for x in b))
    # Relative error h(f) = Q(f)/g(f) − 1. g(f) = Σ_(j≥0) ln2^(j+1) f^j/(j+1)!, so Q − g has the small coefficients
    # b_j − ln2^(j+1)/(j+1)! (j ≤ 7) and the tail −Σ_(j≥8) ln2^(j+1) f^j/(j+1)!; g ≥ g(−1/2) > 0.82 and
    # |g'| ≤ g'(1/2) < 0.35 on the interval, so |h'| ≤ (|(Q − g)'| + |Q − g|·0.35/0.82)/0.82 with both bounded
    # through those coefficients.
    ln2 = mp.log(2)
    t = lambda j: ln2 ** (j + 1) / mp.factorial(j + 1)
    dq = [b[j] - t(j) for j in range(8)]
    tail = sum(t(j) * H ** j for j in range(8, 40))
    dtail = sum(j * t(j) * H ** (j - 1) for j in range(8, 40))
    QmG = sum(abs(d) * H ** j for j, d in enumerate(dq)) + tail
    dQmG = sum(j * abs(d) * H ** (j - 1) for j, d in enumerate(dq) if j > 0) + dtail
    gmin = g(-H)
    dh = (dQmG + QmG * mp.mpf('0.35') / gmin) / gmin
    N = 100000
    hmax = max(abs(mp.polyval(b[::-1], f) / g(f) - 1) for f in (-H + 2 * H * (k + mp.mpf('0.5')) / N for k in range(N)))
    approx = hmax + dh * (H / N)
    show('approximation error (relative)', approx)
    Q = poly8(b, B(H))
    evalrel = Q.E / gmin + u  # Q's error relative to Q ≥ g(−1/2), then the product f·Q
    show('evaluation error (relative)', evalrel)
    return b, approx + evalrel


def tanh_bounds(eq):
    print('tanh |x| = em/(em + 2), em = 2^y − 1, y = |x|·(2·log2 e) (|x| clamped to ≤ 9.5), k = round(y), f = y − k,')
    print('  em = 2^k·(2^f − 1) + (2^k − 1): the product and 2^k − 1 exact, one rounding in the sum')
    # y = fl(|x|·C), C = 2·log2 e rounded: relative error ≤ u + |C − 2·log2 e|/(2·log2 e); 2^y − 1 changes by
    # ln2·2^y·Δy, relative to 2^y − 1: (y·ln2·2^y/(2^y − 1))·(Δy/y) ≤ 19.1·(Δy/y) for y ≤ 27.5.
    C = f64(2 / mp.log(2))
    ry = u + abs(C - 2 / mp.log(2)) / (2 / mp.log(2))
    yred = 27.5 * mp.log(2) * 2 ** mp.mpf(27.5) / (2 ** mp.mpf(27.5) - 1) * ry
    # 2^k·q̂ + 2^k − 1: the error 2^k·|2^f − 1|·eq relative to 2^(k+f) − 1 is ≤ 2·eq (k = 1, f = −1/2; k = 0: eq).
    em = 2 * eq + u + yred
    show('em (relative)', em)
    # em/(em + 2): em's error scaled by 2/(em + 2) ≤ 1, then the sum and the division: + 2u.
    d = em + 2 * u
    show('tanh fast (relative)', d)
    # Math.tanh (fdlibm): expm1 (< 1 ulp) and up to three roundings: ≤ 8u generously.
    T = threshold(d + 8 * u)
    print(f'  T (tanh) ≥ {T} = 2^{mp.nstr(log2(T), 5)}')
    return T


# ── softplus, logSigmoid: max(x, 0) + log1p(e^−|x|), min(x, 0) − log1p(e^−|x|) ─────

def softplus_bounds(e_exp, prel, rest, c, cells):
    print('softplus, logSigmoid: e = e^−|x| (exp2 core, |x| ≤ 87), l = log1p(e) by the ln core (u = 1 + e in (1, 2])')
    # e's error ε moves log1p(e) by ≤ ε·e/(1 + e) ≤ ε·log1p(e). r = fl(e·s + (s − 1)): s − 1 exact (k ∈ {0, 1}),
    # e·s rounded (e is a full float64 now): ≤ u·(e·s + |r|); none for interval 74 (s = 1, r = e exactly).
    worst = mp.mpf(0)
    for j, (lo, hi32, hi64) in enumerate(cells):
        for k in (0, 1):
            ulo, uhi = lo * 2 ** k, hi64 * 2 ** k
            if uhi <= 1 or ulo > 2:
                continue
            ulo = max(ulo, mp.mpf(1))
            uhi = min(uhi, mp.mpf(2))
            if k == 0 and j == 74:
                continue
            es = (uhi - 1) * c[j] / 2 ** k
            rmax = max(abs(lo * c[j] - 1), abs(hi64 * c[j] - 1))
            worst = max(worst, u * (es + rmax) / (1 - 2 ** mp.mpf(-8)) / mp.log(ulo))
    show('r rounding (relative to log1p e, worst interval)', worst)
    dl = e_exp + prel + rest + worst
    # softplus: 0 + l or x + l with x > 0 (no cancellation): + u. logSigmoid likewise.
    d = dl + u
    show('softplus / logSigmoid fast (relative)', d)
    # TS: Math.exp (2u, moving log1p by ≤ 2u relative), Math.log1p (2u), the sum (u): 5u; 8u generously.
    T = threshold(d + 8 * u)
    print(f'  T (softplus, logSigmoid) ≥ {T} = 2^{mp.nstr(log2(T), 5)}')
    return T


if __name__ == '__main__':
    c, err = exp2_core()
    exp_family(err)
    red = mp.log(2) * (87 * abs(f64(1 / mp.log(2)) - 1 / mp.log(2)) + mp.mpf(2) ** -47) * (1 + 1e-9)
    c, cells, a, prel, R = log_core()
    rest = log_bounds(c, cells, prel, R)
    b, eq = expm1_core()
    tanh_bounds(eq)
    softplus_bounds(err + red, prel, rest, c, cells)
