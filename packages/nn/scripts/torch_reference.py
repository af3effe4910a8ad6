"""
Writes packages/nn/test/fixtures/torch_reference.json: values and gradients of nn's losses and
normalization layers computed by PyTorch, an implementation independent of tapegrad, for
test/torch_reference.test.ts to compare against on both backends (ts and wasm).

Each case names a loss or layer, its options and its inputs. Inputs are not stored: they come from the
counter-based mulberry32 stream of bench-spec.md ("Data"), value i of stream `seed` a pure function of
(seed, i), which the test regenerates bit for bit (the streams of packages/core/scripts/torch_reference.py,
with three additions described at `flat_stream`).

For each case and dtype (float64, float32) the file holds PyTorch's output (float32 values as the
shortest decimal that rounds back to them) and the gradients of L = sum(out * c) with respect to every
differentiable input (c: a stream of values in [-1, 1)): the input and target of the losses, the input,
weight and bias of the layers; class weights, element weights and pos_weight are constants, as PyTorch
has them. For smooth cases (float64 only) it also holds the Hessian-vector products: the gradients of
sum_i sum(dL/dx_i * v_i) (v_i: more streams; binaryCrossEntropy's from the loss written with torch.log and
torch.log1p, since PyTorch's own double backward of it is off by up to 1e-10, see bce_by_logs).
BatchNorm1d cases also hold the running mean and variance after the one training forward. Outputs larger
than 512 elements are stored at every step-th element (step = size // 256) plus their float64 sum.

The PyTorch equivalents (PyTorch's defaults unless the case says otherwise):
  mse -> F.mse_loss, mae -> F.l1_loss, huber -> F.huber_loss(delta), binaryCrossEntropy ->
  F.binary_cross_entropy (with {eps}: of torch.clamp(p, eps, 1 - eps)), binaryCrossEntropyWithLogits ->
  F.binary_cross_entropy_with_logits(weight, pos_weight), crossEntropy -> F.cross_entropy(weight,
  ignore_index, label_smoothing), nll -> F.nll_loss(weight, ignore_index), layerNorm -> nn.LayerNorm,
  batchNorm1d -> nn.BatchNorm1d in training mode.

Run (needs torch and numpy; CI never runs it, the JSON is committed):
    python3 packages/nn/scripts/torch_reference.py
"""
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

# the input streams and float32 storage shared with core's generator (packages/core/scripts/torch_streams.py)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'core', 'scripts'))
from torch_streams import first_order, hessian_vector_products, index_values, stored, stream_values, unit, write_fixture  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'torch_reference.json')


def flat_stream(spec):
    """
    An input's values, flat, as float64 holding float32 values:
    - spec['int']: floor(lo + (hi - lo) * u) (integers: exact 0/1 targets);
    - otherwise float32(lo + (hi - lo) * u), then when spec['away'] > 0 float32(x + sign(x) * away), so |x| >= away
      (core's streams), then when spec['gap'] = [k, w] every x with ||x| - k| < w moves to
      float32(sign(x) * (k - w)) (|x| < k) or float32(sign(x) * (k + w)) (|x| >= k), so ||x| - k| >= w;
    - then when spec['plus'] is another spec (same shape): float32(x + that stream), e.g. an input whose
      difference from a target (the base stream, same seed) stays away from a loss's kink.
    """
    n = int(np.prod(spec['shape'], dtype=np.int64))
    if spec.get('int'):
        x = np.floor(spec['lo'] + (spec['hi'] - spec['lo']) * unit(spec['seed'], n))
    else:
        x = stream_values(spec['seed'], n, spec['lo'], spec['hi'], spec.get('away', 0))
        if 'gap' in spec:
            k, w = spec['gap']
            a = np.abs(x)
            moved = np.sign(x) * np.where(a < k, k - w, k + w)
            x = np.where(np.abs(a - k) < w, moved, x).astype(np.float32).astype(np.float64)
    if 'plus' in spec:
        x = (x + flat_stream(spec['plus'])).astype(np.float32).astype(np.float64)
    return x


def stream(spec):
    return flat_stream(spec).reshape(spec['shape'])


def index_stream(seed, n, size):
    """Integer indices in [0, size), as a list."""
    return index_values(seed, n, size).tolist()


def class_weights(a, dtype):
    return None if a.get('weight') is None else torch.tensor(a['weight'], dtype=dtype)


def ce_target(a):
    return torch.tensor(a['target'], dtype=torch.int64)


def loss(f):
    """A loss: the differentiable inputs are those whose spec says so (not the constant weights)."""
    def run(xs, specs, a, dtype):
        return f(xs, a, dtype), [x for x, s in zip(xs, specs) if s.get('grad', True)], {}
    return run


def bce(xs, a, dtype):
    p = xs[0] if a.get('eps') is None else torch.clamp(xs[0], a['eps'], 1 - a['eps'])
    return F.binary_cross_entropy(p, xs[1], weight=xs[2] if a.get('weighted') else None, reduction=a['reduction'])


def bce_by_logs(xs, a, dtype):
    """
    binaryCrossEntropy written with torch.log and torch.log1p, for its second derivatives only: PyTorch's
    own double backward of F.binary_cross_entropy (binary_cross_entropy_double_backward in
    torch/csrc/autograd/FunctionsManual.cpp) divides by (p + 1e-12)^2 (1 - p + 1e-12)^2 instead of
    (p (1 - p))^2, a relative change of about 2e-12 / min(p, 1 - p): 1e-10 at p = 0.02, 100 times the float64
    tolerance (e.g. d2l/dp2 at p = 0.02, y = 1: exactly 2500, PyTorch 2499.999999744898). The cases keep p in
    [0.02, 0.98], where the -100 clamps of the logs are inactive, so this is the same function; run()
    checks that its gradients agree with F.binary_cross_entropy's.
    """
    assert a.get('eps') is None  # the clipped case is kinked: first order only
    w = xs[2] if a.get('weighted') else 1
    elem = -(xs[1] * torch.log(xs[0]) + (1 - xs[1]) * torch.log1p(-xs[0])) * w
    return {'mean': elem.mean, 'sum': elem.sum, 'none': lambda: elem}[a['reduction']]()


def bce_logits(xs, a, dtype):
    rest = iter(xs[2:])
    weight = next(rest) if a.get('weighted') else None
    pw = a.get('posWeight')
    pos_weight = next(rest) if pw == 'tensor' else None if pw is None else torch.tensor(pw, dtype=dtype)
    return F.binary_cross_entropy_with_logits(xs[0], xs[1], weight=weight, pos_weight=pos_weight, reduction=a['reduction'])


def cross_entropy(xs, a, dtype):
    # class indices (args.target) or probabilities (a second input)
    target = xs[1] if len(xs) > 1 else ce_target(a)
    return F.cross_entropy(xs[0], target, weight=class_weights(a, dtype), ignore_index=a.get('ignoreIndex', -100),
                           label_smoothing=a.get('labelSmoothing', 0.0), reduction=a['reduction'])


def layer_norm(xs, specs, a, dtype):
    m = torch.nn.LayerNorm(a['normalizedShape'], eps=a.get('eps', 1e-5), bias=a.get('bias', True), dtype=dtype)
    with torch.no_grad():
        m.weight.copy_(xs[1])
        if m.bias is not None:
            m.bias.copy_(xs[2])
    return m(xs[0]), [xs[0], m.weight] + ([m.bias] if m.bias is not None else []), {}


def batch_norm(xs, specs, a, dtype):
    m = torch.nn.BatchNorm1d(xs[0].shape[1], eps=a.get('eps', 1e-5), momentum=a['momentum'], dtype=dtype)
    m.train()
    with torch.no_grad():
        m.weight.copy_(xs[1])
        m.bias.copy_(xs[2])
        m.running_mean.copy_(torch.tensor(stream(a['runningMean']), dtype=dtype))
        m.running_var.copy_(torch.tensor(stream(a['runningVar']), dtype=dtype))
    y = m(xs[0])
    return y, [xs[0], m.weight, m.bias], {'runningMean': m.running_mean, 'runningVar': m.running_var}


# name -> (inputs, their specs, args, dtype) -> (output, the tensors differentiated, state); the test's table has the same names.
OPS = {
    'mse': loss(lambda x, a, d: F.mse_loss(x[0], x[1], reduction=a['reduction'])),
    'mae': loss(lambda x, a, d: F.l1_loss(x[0], x[1], reduction=a['reduction'])),
    'huber': loss(lambda x, a, d: F.huber_loss(x[0], x[1], reduction=a['reduction'], delta=a.get('delta', 1.0))),
    'binaryCrossEntropy': loss(bce),
    'binaryCrossEntropyWithLogits': loss(bce_logits),
    'crossEntropy': loss(cross_entropy),
    'nll': loss(lambda x, a, d: F.nll_loss(x[0], ce_target(a), weight=class_weights(a, d), ignore_index=a.get('ignoreIndex', -100),
                                           reduction=a['reduction'])),
    'layerNorm': layer_norm,
    'batchNorm1d': batch_norm,
}

# Second derivatives from another PyTorch formulation of the same loss (see bce_by_logs).
SECOND_ORDER = {'binaryCrossEntropy': loss(bce_by_logs)}


def inp(shape, seed, lo, hi, away=0, **extra):
    return {'shape': shape, 'seed': seed, 'lo': lo, 'hi': hi, 'away': away, **extra}


REDUCTIONS = ('mean', 'sum', 'none')


def cases():
    u = [8, 9]  # 72 elements: past the WebAssembly elementwise kernels' thresholds (16 and 64)
    out = []

    def add(name, op, inputs, args, hvp=False):
        out.append({'name': name, 'op': op, 'args': args, 'inputs': inputs, 'hvp': hvp})

    # In the plain mean / sum / none triples, 'sum' gets first order only: its Hessian-vector products are
    # the mean's times the element count.

    # regression: target a stream, input = float32(target + d) with d a second stream; for mae |d| >= 0.05
    # (away from the kink at 0), for huber ||d| - delta| >= 0.05 (away from the switch of branches)
    for r in REDUCTIONS:
        add(f'mse {r}', 'mse', [inp(u, 100, -2, 2), inp(u, 101, -2, 2)], {'reduction': r}, hvp=r != 'sum')
    for r in REDUCTIONS:
        add(f'mae {r}', 'mae', [inp(u, 110, -2, 2, plus=inp(u, 111, -1.5, 1.5, 0.05)), inp(u, 110, -2, 2)], {'reduction': r})
    for delta, rs in ((1.0, REDUCTIONS), (0.5, ('mean', 'none')), (2.5, ('sum',))):
        for r in rs:
            d = inp(u, 121, -3 * delta, 3 * delta, gap=[delta, 0.05])
            add(f'huber delta {delta:g} {r}', 'huber', [inp(u, 120, -2, 2, plus=d), inp(u, 120, -2, 2)],
                {'reduction': r, 'delta': delta}, hvp=True)

    # binary cross-entropy from probabilities in [0.02, 0.98]: soft targets, exact 0/1 targets, a weight [C]
    p, soft, hard = inp(u, 130, 0.02, 0.98), inp(u, 131, 0, 1), inp(u, 132, 0, 2, int=True)
    for r in REDUCTIONS:
        add(f'binaryCrossEntropy {r}', 'binaryCrossEntropy', [p, soft], {'reduction': r}, hvp=r != 'sum')
    add('binaryCrossEntropy, 0/1 targets, mean', 'binaryCrossEntropy', [p, hard], {'reduction': 'mean'}, hvp=True)
    add('binaryCrossEntropy, 0/1 targets, none', 'binaryCrossEntropy', [p, hard], {'reduction': 'none'}, hvp=True)
    add('binaryCrossEntropy, weight [9], sum', 'binaryCrossEntropy', [p, soft, inp([9], 133, 0.2, 2, grad=False)],
        {'reduction': 'sum', 'weighted': True}, hvp=True)
    # p exactly 0 and 1: PyTorch's clamp of each log at -100, values only. Both gradients are left out, since
    # there tapegrad and PyTorch 2.13 differ:
    # - d/dy: PyTorch's binary_cross_entropy_target_backward is -logit(p), unclamped: +inf at p = 0 and -inf
    #   at p = 1; tapegrad's is the derivative of its clamped forward, log(1 - p) - log p with each log
    #   clamped at -100: +100 and -100 (e.g. p = [0, 1], y = 0.3: PyTorch [inf, -inf], tapegrad [100, -100]);
    # - d/dp in float64: PyTorch floors p(1 - p) at float32(1e-12) = 9.999999960041972e-13 even in float64,
    #   tapegrad at 1e-12: at p = 0, y = 0.3 PyTorch -300000001198.74084, tapegrad -3e11 (relative 4.0e-9,
    #   4000 times the float64 tolerance; float32 agrees, -300000018432 on both).
    add('binaryCrossEntropy at p = 0 and 1 (the clamps), none, values only', 'binaryCrossEntropy',
        [inp(u, 136, 0, 2, int=True, grad=False), inp(u, 131, 0, 1, grad=False)], {'reduction': 'none'})
    # Keras-style clipping (no PyTorch option): PyTorch's BCE of torch.clamp(p, eps, 1 - eps); some p clipped
    add('binaryCrossEntropy, eps 0.05 (clip), mean', 'binaryCrossEntropy', [p, soft], {'reduction': 'mean', 'eps': 0.05})
    big = [200, 200]  # 40 000 elements: the pooled WebAssembly path (float32)
    add('binaryCrossEntropy none, pooled (40 000 elements)', 'binaryCrossEntropy',
        [inp(big, 134, 0.02, 0.98), inp(big, 135, 0, 1)], {'reduction': 'none'})

    # binary cross-entropy on logits: soft and 0/1 targets, pos_weight (number and [C]), weight
    z, soft, hard = inp(u, 140, -6, 6), inp(u, 141, 0, 1), inp(u, 142, 0, 2, int=True)
    for r in REDUCTIONS:
        add(f'binaryCrossEntropyWithLogits {r}', 'binaryCrossEntropyWithLogits', [z, soft], {'reduction': r}, hvp=r != 'sum')
    add('binaryCrossEntropyWithLogits, 0/1 targets, mean', 'binaryCrossEntropyWithLogits', [z, hard], {'reduction': 'mean'}, hvp=True)
    add('binaryCrossEntropyWithLogits, posWeight 2.5, none', 'binaryCrossEntropyWithLogits', [z, soft],
        {'reduction': 'none', 'posWeight': 2.5}, hvp=True)
    add('binaryCrossEntropyWithLogits, posWeight [9], weight [8,9], mean', 'binaryCrossEntropyWithLogits',
        [z, hard, inp(u, 143, 0.2, 2, grad=False), inp([9], 144, 0.5, 3, grad=False)],
        {'reduction': 'mean', 'weighted': True, 'posWeight': 'tensor'}, hvp=True)
    add('binaryCrossEntropyWithLogits, weight [9], sum', 'binaryCrossEntropyWithLogits', [z, soft, inp([9], 145, 0.2, 2, grad=False)],
        {'reduction': 'sum', 'weighted': True}, hvp=True)

    # softmax cross-entropy from logits [16, 10] (160 elements: the WebAssembly softmax), class indices
    N, C = 16, 10
    logits = inp([N, C], 150, -4, 4)
    t = index_stream(151, N, C)
    ignored = [-100 if i in (3, 11) else v for i, v in enumerate(t)]
    w = [float(v) for v in flat_stream(inp([C], 152, 0.2, 2))]
    for r in REDUCTIONS:
        add(f'crossEntropy {r}', 'crossEntropy', [logits], {'reduction': r, 'target': t}, hvp=r != 'sum')
    add('crossEntropy, labelSmoothing 0.1, mean', 'crossEntropy', [logits], {'reduction': 'mean', 'target': t, 'labelSmoothing': 0.1}, hvp=True)
    add('crossEntropy, weight, mean', 'crossEntropy', [logits], {'reduction': 'mean', 'target': t, 'weight': w}, hvp=True)
    add('crossEntropy, ignoreIndex −100 (2 samples), mean', 'crossEntropy', [logits], {'reduction': 'mean', 'target': ignored}, hvp=True)
    add('crossEntropy, weight, ignoreIndex 4, labelSmoothing 0.2, mean', 'crossEntropy', [logits],
        {'reduction': 'mean', 'target': t, 'weight': w, 'ignoreIndex': 4, 'labelSmoothing': 0.2}, hvp=True)
    add('crossEntropy, weight, ignoreIndex −100, labelSmoothing 0.1, none', 'crossEntropy', [logits],
        {'reduction': 'none', 'target': ignored, 'weight': w, 'labelSmoothing': 0.1}, hvp=True)
    add('crossEntropy, probability targets, labelSmoothing 0.1, sum', 'crossEntropy', [logits, inp([N, C], 153, 0, 0.2)],
        {'reduction': 'sum', 'labelSmoothing': 0.1}, hvp=True)
    add('crossEntropy, one sample [C]', 'crossEntropy', [inp([C], 154, -4, 4)], {'reduction': 'mean', 'target': 7}, hvp=True)

    # nll on log-probabilities (values in [-6, -0.01]; nll does not check that rows normalise)
    lp = inp([N, C], 160, -6, -0.01)
    for r in REDUCTIONS:
        add(f'nll {r}', 'nll', [lp], {'reduction': r, 'target': t}, hvp=r != 'sum')
    add('nll, weight, ignoreIndex −100, mean', 'nll', [lp], {'reduction': 'mean', 'target': ignored, 'weight': w}, hvp=True)

    # LayerNorm with weight and bias from streams
    add('LayerNorm(12) on [12,12]', 'layerNorm', [inp([12, 12], 170, -2, 3), inp([12], 171, 0.5, 1.5), inp([12], 172, -0.5, 0.5)],
        {'normalizedShape': [12]}, hvp=True)
    add('LayerNorm([4,5]) on [4,4,5], eps 1e-3', 'layerNorm', [inp([4, 4, 5], 173, -1, 1), inp([4, 5], 174, 0.5, 1.5), inp([4, 5], 175, -0.5, 0.5)],
        {'normalizedShape': [4, 5], 'eps': 1e-3}, hvp=True)
    add('LayerNorm(8, bias false) on [10,8]', 'layerNorm', [inp([10, 8], 176, -3, 3), inp([8], 177, 0.5, 1.5)],
        {'normalizedShape': [8], 'bias': False}, hvp=True)

    # BatchNorm1d in training mode: batch statistics, running statistics from streams updated once
    for shape, args, s in (
        ([24, 6], {'momentum': 0.1}, 180),
        ([6, 4, 8], {'momentum': 0.3}, 185),
        ([16, 5], {'momentum': None}, 190),
        ([12, 7], {'momentum': 0.1, 'eps': 1e-3}, 195),
    ):
        c = shape[1]
        args = {**args, 'runningMean': inp([c], s + 3, -1, 1), 'runningVar': inp([c], s + 4, 0.5, 2)}
        add(f'BatchNorm1d({c}) on [{",".join(map(str, shape))}], momentum {args["momentum"]}' + (f', eps {args["eps"]:g}' if 'eps' in args else ''),
            'batchNorm1d', [inp(shape, s, -1, 3), inp([c], s + 1, 0.5, 1.5), inp([c], s + 2, -0.5, 0.5)], args, hvp=True)
    return out


def run(case, dtype, seed_base):
    specs = case['inputs']
    xs = [torch.tensor(stream(s), dtype=dtype, requires_grad=s.get('grad', True)) for s in specs]
    y, wrt, state = OPS[case['op']](xs, specs, case['args'], dtype)
    second = case['hvp'] and dtype == torch.float64
    res, c, gs = first_order(y, wrt, seed_base, dtype, second)
    if state:
        res['state'] = {k: stored(v) for k, v in state.items()}
    if second and case['op'] in SECOND_ORDER:
        y2, wrt2, _ = SECOND_ORDER[case['op']](xs, specs, case['args'], dtype)
        gs2 = torch.autograd.grad((y2 * c).sum(), wrt2, create_graph=True)
        for g, g2 in zip(gs, gs2):
            assert torch.allclose(g, g2, rtol=1e-13, atol=1e-13 * float(g.detach().abs().max())), case['name']
        gs = gs2
    if second:
        res['hvp'] = hessian_vector_products(gs, wrt, seed_base, dtype)
    return res


def main():
    write_fixture(OUT, 'packages/nn/scripts/torch_reference.py', cases(), run, 20_000)


if __name__ == '__main__':
    main()
