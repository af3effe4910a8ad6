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
    # Evaluation, in the module's order: a_i = c_2i + c_(2i+1)·f, p = a0 + f²·(a1 + f²·(a2 + f²·a3)).
    f = B(H)
    f2 = f * f
    a = [const(c[2 * i]) + const(c[2 * i + 1]) * f for i in range(4)]
    p = a[0] + f2 * (a[1] + f2 * (a[2] + f2 * a[3]))
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


if __name__ == '__main__':
    c, err = exp2_core()
    exp_family(err)
