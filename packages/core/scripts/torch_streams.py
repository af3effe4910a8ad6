"""
What the torch_reference.py generators of core, nn and optim share: the counter-based
mulberry32 of bench-spec.md ("Data"), value i of stream `seed` a pure function of (seed, i), which the
TypeScript tests regenerate bit for bit (packages/core/test/support/torch_reference.ts); the way the
fixtures store and sample results; and the first- and second-order entries of an output.
"""
import json
import os

import numpy as np
import torch

M32 = 0xFFFFFFFF


def unit(seed, n):
    """Values 0..n-1 of stream `seed`, uniform in [0, 1) (bench/data.mjs's unit, with uint32 arithmetic)."""
    out = np.empty(n, dtype=np.float64)
    for i in range(n):
        t = (seed + (i + 1) * 0x6D2B79F5) & M32
        t = ((t ^ (t >> 15)) * (t | 1)) & M32
        t = t ^ ((t + (((t ^ (t >> 7)) * (t | 61)) & M32)) & M32)
        out[i] = ((t ^ (t >> 14)) & M32) / 4294967296.0
    return out


def stream_values(seed, n, lo, hi, away=0):
    """float32(lo + (hi - lo) * u), then, when away > 0, float32(x + sign(x) * away), so |x| >= away; as float64."""
    x = (lo + (hi - lo) * unit(seed, n)).astype(np.float32)
    if away > 0:
        x64 = x.astype(np.float64)
        x = (x64 + np.where(x64 < 0, -away, away)).astype(np.float32)
    return x.astype(np.float64)


def index_values(seed, n, size):
    """Integer indices in [0, size): floor(u * size), as int64."""
    return np.floor(unit(seed, n) * size).astype(np.int64)


def stored(t, step=1):
    """Every step-th element of tensor t as a list; float32 values as the shortest decimal that rounds back to them."""
    flat = t.detach().reshape(-1)[::step]
    if flat.dtype == torch.float32:
        return [float(str(v)) for v in flat.numpy()]
    return flat.tolist()


def step_of(n, samples=256):
    """The fixtures keep every step-th element of arrays over 512 elements (the tests' `sampled`)."""
    return 1 if n <= 512 else n // samples


def sampled(t, samples=256):
    return stored(t, step_of(t.numel(), samples))


def constant(seed, shape, dtype):
    """Stream `seed` in [-1, 1) shaped like `shape`: the cotangents and the Hessian-vector products' directions."""
    n = int(np.prod(shape, dtype=np.int64))
    return torch.tensor(stream_values(seed, n, -1, 1).reshape(list(shape)), dtype=dtype)


def first_order(y, wrt, seed_base, dtype, create_graph):
    """
    The fixture entry for output y: its (sampled) values, the gradients of L = sum(y * c) with respect to wrt
    (c: stream seed_base), and the float64 sum of a sampled output. Returns (entry, c, gradients).
    """
    c = constant(seed_base, y.shape, dtype)
    gs = torch.autograd.grad((y * c).sum(), wrt, create_graph=create_graph) if wrt else []
    res = {'out': sampled(y), 'grads': [sampled(g) for g in gs]}
    if step_of(y.numel()) > 1:
        res['outSum'] = float(y.detach().double().sum())
    return res, c, gs


def hessian_vector_products(gs, wrt, seed_base, dtype):
    """The (sampled) gradients of sum_i sum(gs_i * v_i) with respect to wrt, v_i: stream seed_base + 1 + i."""
    vs = [constant(seed_base + 1 + i, x.shape, dtype) for i, x in enumerate(wrt)]
    l2 = sum((g * v).sum() for g, v in zip(gs, vs))
    # a gradient that does not depend on the inputs (neg, add, nll, …) has a zero Hessian
    hs = torch.autograd.grad(l2, wrt, allow_unused=True) if l2.requires_grad else [None] * len(wrt)
    return [sampled(h if h is not None else torch.zeros_like(x)) for h, x in zip(hs, wrt)]


def write_fixture(path, generator, cases, run, seed0):
    """
    Runs every case in float64 and float32 (run(case, dtype, seed_base); case k's streams start at
    seed0 + 10·k: cotangent seed_base, directions seed_base + 1 + i) and writes the fixture to `path`.
    """
    torch.set_num_threads(1)
    out = []
    for k, case in enumerate(cases):
        seed_base = seed0 + 10 * k
        case['cotangentSeed'] = seed_base
        case['float64'] = run(case, torch.float64, seed_base)
        case['float32'] = run(case, torch.float32, seed_base)
        out.append(case)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump({'generator': generator, 'torch': torch.__version__, 'cases': out}, f,
                  separators=(',', ':'), ensure_ascii=False, allow_nan=False)
        f.write('\n')
    print(f'{len(out)} cases -> {os.path.normpath(path)} ({os.path.getsize(path)} bytes)')
