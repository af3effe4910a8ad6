"""PyTorch peer of bench-spec.md's W1-W5: the same data, model and timing rules as bench/*.ts.

`npm run bench -- --peer=pytorch` runs it right after each tapegrad workload (same thread count), so both
see the same machine state, and prints tapegrad / PyTorch ratios. It needs `torch` and `numpy`
(`pip install torch numpy`); nothing in the project's build or tests uses it.

Run alone: python3 bench/peers/pytorch.py --workload=W1,W3 --threads=2
Each result is one JSON line in bench-spec.md's format with "peer": "pytorch".
"""
import json
import resource
import statistics
import sys
import time

import numpy as np
import torch

MASK = np.uint64(0xFFFFFFFF)


def unit(seed, n):
    """Values 0..n-1 of the counter-based mulberry32 stream `seed` (bench/data.mjs), in [0, 1)."""
    i = np.arange(n, dtype=np.uint64)
    t = (np.uint64(seed) + (i + np.uint64(1)) * np.uint64(0x6D2B79F5)) & MASK
    t = ((t ^ (t >> np.uint64(15))) * (t | np.uint64(1))) & MASK
    t = t ^ ((t + (((t ^ (t >> np.uint64(7))) * (t | np.uint64(61))) & MASK)) & MASK)
    return ((t ^ (t >> np.uint64(14))) & MASK).astype(np.float64) / 4294967296.0


def uniform(seed, n, lo, hi):
    return torch.from_numpy((lo + (hi - lo) * unit(seed, n)).astype(np.float32))


def labels(seed, n, k):
    return torch.from_numpy(np.floor(unit(seed, n) * k).astype(np.int64))


def glorot(seed, fan_in, fan_out):
    s = (6 / (fan_in + fan_out)) ** 0.5
    return uniform(seed, fan_in * fan_out, -s, s).reshape(fan_in, fan_out)


def timed(call, warmups, min_reps, max_reps, budget_s):
    """Warm-ups, then min_reps..max_reps timed repetitions within the budget (bench/harness.ts `time`)."""
    for _ in range(warmups):
        call()
    times, start = [], time.perf_counter()
    while len(times) < max_reps and (len(times) < min_reps or time.perf_counter() - start < budget_s):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return times


def emit(workload, params, metric, value, unit_name):
    line = {"peer": "pytorch", "workload": workload, "params": params, "metric": metric,
            "value": float(f"{value:.6g}"), "unit": unit_name}
    print(json.dumps(line, separators=(",", ":")), flush=True)


def check(workload, name, got, want):
    """The first losses depend only on the data: a mismatch means this script's data differs from bench/data.mjs."""
    if f"{got:.6g}" != want:
        sys.exit(f"pytorch peer: {workload} {name} is {got:.6g}, bench-spec.md says {want}: the data differ")


def w1(base):
    for n in (64, 128, 256, 512, 1024):
        a = uniform(1000 + n, n * n, -1, 1).reshape(n, n)
        b = uniform(2000 + n, n * n, -1, 1).reshape(n, n)
        times = timed(lambda: torch.matmul(a, b).numpy()[0, 0], 2, 5, 200, 1.5)
        s = statistics.median(times)
        p = {"n": n, "reps": len(times), **base}
        emit("W1", p, "gflops", 2 * n ** 3 / s / 1e9, "GFLOP/s")
        emit("W1", p, "median_ms", s * 1e3, "ms")


def make_w2_step():
    """The W2 training step (bench/w2_mlp.ts); returns a function that runs one step and returns the loss."""
    x = uniform(1, 128 * 784, 0, 1).reshape(128, 784)
    y = labels(2, 128, 10)
    ws = [glorot(11, 784, 256), glorot(12, 256, 128), glorot(13, 128, 10)]
    bs = [torch.zeros(256), torch.zeros(128), torch.zeros(10)]
    params = [t.requires_grad_() for t in ws + bs]
    opt = torch.optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8)

    def step():
        h = torch.relu(x @ ws[0] + bs[0])
        h = torch.relu(h @ ws[1] + bs[1])
        loss = torch.nn.functional.cross_entropy(h @ ws[2] + bs[2], y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()

    return step


def w2(base):
    step = make_w2_step()
    losses = [step() for _ in range(10)]
    times = []
    for _ in range(50):
        t0 = time.perf_counter()
        losses.append(step())
        times.append(time.perf_counter() - t0)
    check("W2", "check_loss_first", losses[0], "2.43367")
    sps = 1 / statistics.median(times)
    p = {"batch": 128, "layers": "784-256-128-10", "reps": len(times), **base}
    emit("W2", p, "steps_per_s", sps, "steps/s")
    emit("W2", p, "samples_per_s", sps * 128, "samples/s")
    emit("W2", p, "check_loss_first", losses[0], "")
    emit("W2", p, "check_loss_last", losses[59], "")


def w3(base):
    m = 5000
    x = uniform(3, m * 400, 0, 1).reshape(m, 400)
    y = torch.nn.functional.one_hot(labels(4, m, 10), 10).float()
    w1_, w2_ = uniform(21, 400 * 25, -0.12, 0.12).reshape(400, 25), uniform(22, 25 * 10, -0.12, 0.12).reshape(25, 10)
    params = [t.requires_grad_() for t in (w1_, torch.zeros(25), w2_, torch.zeros(10))]

    def step():
        h = torch.sigmoid(torch.sigmoid(x @ params[0] + params[1]) @ params[2] + params[3])
        loss = torch.nn.functional.binary_cross_entropy(h, y, reduction="sum") / m
        for q in params:
            q.grad = None
        loss.backward()
        with torch.no_grad():
            for q in params:
                q -= 1.0 * q.grad
        return loss.item()

    losses = [step(), step(), step()]
    times, start = [], time.perf_counter()
    while len(times) < 20 and (len(times) < 1 or time.perf_counter() - start < 20):
        t0 = time.perf_counter()
        losses.append(step())
        times.append(time.perf_counter() - t0)
    while len(losses) < 23:
        losses.append(step())
    check("W3", "check_loss_first", losses[0], "6.56449")
    p = {"m": m, "layers": "400-25-10", "reps": len(times), **base}
    emit("W3", p, "steps_per_s", 1 / statistics.median(times), "steps/s")
    emit("W3", p, "check_loss_first", losses[0], "")
    emit("W3", p, "check_loss_last", losses[22], "")


def w4(base):
    x0 = uniform(5, 8, -1, 1).requires_grad_()

    def chain(x):
        for i in range(1000):
            r = i % 3
            x = x * -0.99 if r == 0 else x + 0.1 if r == 1 else torch.tanh(x)
        return x

    def rep():
        x0.grad = None
        chain(x0).sum().backward()
        return x0.grad.numpy()[0]

    def forward_only():
        with torch.no_grad():
            return chain(x0).numpy()[0]

    times = timed(rep, 20, 1, 50, 10)
    fwd = timed(forward_only, 20, 1, 50, 10)
    s = statistics.median(times)
    p = {"n": 8, "chain": 1000, "reps": len(times), **base}
    emit("W4", p, "ops_per_s", 1000 / s, "ops/s")
    emit("W4", p, "us_per_op", s / 1000 * 1e6, "us")
    emit("W4", p, "fwd_only_ops_per_s", 1000 / statistics.median(fwd), "ops/s")
    emit("W4", p, "check_grad0", float(rep()), "")


def rss_mib():
    """The process's resident set now (Linux: /proc/self/statm's second field, in pages)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2 ** 20


def w5(base):
    rss_start = rss_mib()
    step = make_w2_step()
    rss100, last = 0.0, 0.0
    t0 = time.perf_counter()
    for i in range(1, 501):
        last = step()
        if i == 100:
            rss100 = rss_mib()
    seconds = time.perf_counter() - t0
    rss500 = rss_mib()
    if not np.isfinite(last):
        sys.exit(f"pytorch peer: W5's loss is not finite ({last})")
    p = {"steps": 500, **base}
    emit("W5", p, "rss_start_mb", rss_start, "MiB")
    emit("W5", {**p, "step": 100}, "rss_mb", rss100, "MiB")
    emit("W5", {**p, "step": 500}, "rss_mb", rss500, "MiB")
    emit("W5", p, "rss_growth_mb", rss500 - rss100, "MiB")
    # ru_maxrss is in KiB on Linux, as Node's process.resourceUsage().maxRSS
    emit("W5", p, "peak_rss_mb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "MiB")
    emit("W5", p, "steps_per_s", 500 / seconds, "steps/s")


def main():
    args = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
    workloads = [w.strip().upper() for w in args.get("workload", "W1,W2,W3,W4,W5").split(",")]
    threads = int(args.get("threads", torch.get_num_threads()))
    torch.set_num_threads(threads)
    base = {"dtype": "float32", "backend": f"torch-{torch.__version__}", "threads": threads}
    runners = {"W1": w1, "W2": w2, "W3": w3, "W4": w4, "W5": w5}
    for w in workloads:
        if w not in runners:
            sys.exit(f"pytorch peer: no {w} (it runs {', '.join(runners)})")
        runners[w](base)


if __name__ == "__main__":
    main()
