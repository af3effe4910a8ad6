"""
The input streams shared by the torch_reference.py generators of core, nn and optim: the counter-based
mulberry32 of bench-spec.md ("Data"), value i of stream `seed` a pure function of (seed, i), which the
TypeScript tests regenerate bit for bit (packages/core/test/support/torch_reference.ts), and the way the
fixtures store float32 results.
"""
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


def stored(t, step=1):
    """Every step-th element of tensor t as a list; float32 values as the shortest decimal that rounds back to them."""
    flat = t.detach().reshape(-1)[::step]
    if flat.dtype == torch.float32:
        return [float(str(v)) for v in flat.numpy()]
    return flat.tolist()
