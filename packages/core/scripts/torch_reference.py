"""
Writes packages/core/test/fixtures/torch_reference.json: values and gradients of core's ops computed by
PyTorch, an implementation independent of tapegrad, for test/ops/torch_reference.test.ts to compare
against on every backend.

Each case names an op, its options and its inputs. Inputs are not stored: they come from the
counter-based mulberry32 stream of bench-spec.md ("Data"), value i of stream `seed` a pure function of
(seed, i), which the test regenerates bit for bit. For each case and dtype (float64, float32) the file
holds PyTorch's output (float32 values as the shortest decimal that rounds back to them), the gradients of L = sum(out * c) with respect to every input (c: a stream of
values in [-1, 1)), and for smooth ops (float64 only) the Hessian-vector products: the gradients of
sum_i sum(dL/dx_i * v_i) (v_i: more streams). Outputs larger than 512 elements are stored at every
step-th element (step = size // 256) plus their float64 sum, so the file stays small while the large
cases still reach the WebAssembly kernels' pooled paths.

Run (needs torch and numpy; CI never runs it, the JSON is committed):
    python3 packages/core/scripts/torch_reference.py
"""
import os

import numpy as np
import torch

from torch_streams import first_order, hessian_vector_products, index_values, stream_values, write_fixture

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'torch_reference.json')


def stream(spec):
    """An input: float32(lo + (hi - lo) * u), then, when spec['away'] > 0, float32(x + sign(x) * away), so |x| >= away."""
    n = int(np.prod(spec['shape'], dtype=np.int64))
    return stream_values(spec['seed'], n, spec['lo'], spec['hi'], spec.get('away', 0)).reshape(spec['shape'])


def index_stream(seed, shape, size):
    """Integer indices in [0, size) shaped like `shape`."""
    return index_values(seed, int(np.prod(shape, dtype=np.int64)), size).reshape(shape)


# name -> (inputs, args) -> tensor; the test's table has the same names.
OPS = {
    'neg': lambda x, a: -x[0],
    'exp': lambda x, a: torch.exp(x[0]),
    'log': lambda x, a: torch.log(x[0]),
    'log1p': lambda x, a: torch.log1p(x[0]),
    'expm1': lambda x, a: torch.expm1(x[0]),
    'sqrt': lambda x, a: torch.sqrt(x[0]),
    'square': lambda x, a: torch.square(x[0]),
    'abs': lambda x, a: torch.abs(x[0]),
    'reciprocal': lambda x, a: torch.reciprocal(x[0]),
    'sin': lambda x, a: torch.sin(x[0]),
    'cos': lambda x, a: torch.cos(x[0]),
    'clamp': lambda x, a: torch.clamp(x[0], a['min'], a['max']),
    'sigmoid': lambda x, a: torch.sigmoid(x[0]),
    'tanh': lambda x, a: torch.tanh(x[0]),
    'relu': lambda x, a: torch.relu(x[0]),
    'leakyRelu': lambda x, a: torch.nn.functional.leaky_relu(x[0], a['slope']),
    'elu': lambda x, a: torch.nn.functional.elu(x[0], a['alpha']),
    'selu': lambda x, a: torch.nn.functional.selu(x[0]),
    'softplus': lambda x, a: torch.nn.functional.softplus(x[0], a['beta'], a['threshold']),
    'logSigmoid': lambda x, a: torch.nn.functional.logsigmoid(x[0]),
    'add': lambda x, a: x[0] + x[1],
    'sub': lambda x, a: x[0] - x[1],
    'mul': lambda x, a: x[0] * x[1],
    'div': lambda x, a: x[0] / x[1],
    'pow': lambda x, a: torch.pow(x[0], x[1]),
    'maximum': lambda x, a: torch.maximum(x[0], x[1]),
    'minimum': lambda x, a: torch.minimum(x[0], x[1]),
    'sum': lambda x, a: x[0].sum() if a.get('axis') is None else x[0].sum(dim=a['axis'], keepdim=a.get('keepDims', False)),
    'mean': lambda x, a: x[0].mean(dim=a['axis'], keepdim=a.get('keepDims', False)),
    'max': lambda x, a: torch.amax(x[0]) if a.get('axis') is None else torch.amax(x[0], dim=a['axis'], keepdim=a.get('keepDims', False)),
    'min': lambda x, a: torch.amin(x[0], dim=a['axis'], keepdim=a.get('keepDims', False)),
    'variance': lambda x, a: torch.var(x[0], dim=a['axis'], correction=a['correction']),
    'std': lambda x, a: torch.std(x[0], dim=a['axis'], correction=a['correction']),
    'logSumExp': lambda x, a: torch.logsumexp(x[0], dim=a['axis']),
    'softmax': lambda x, a: torch.softmax(x[0], dim=a['axis']),
    'logSoftmax': lambda x, a: torch.log_softmax(x[0], dim=a['axis']),
    'matmul': lambda x, a: torch.matmul(x[0], x[1]),
    'affine': lambda x, a: {'none': lambda z: z, 'sigmoid': torch.sigmoid, 'tanh': torch.tanh, 'relu': torch.relu}[a['activation']](x[0] @ x[1] + x[2]),
    'gather': lambda x, a: torch.gather(x[0], a['axis'], torch.tensor(a['index'])),
    'indexSelect': lambda x, a: torch.index_select(x[0], a['axis'], torch.tensor(a['indices'])),
    'scatterAdd': lambda x, a: torch.scatter_add(x[0], a['axis'], torch.tensor(a['index']), x[1]),
}


def inp(shape, seed, lo, hi, away=0):
    return {'shape': shape, 'seed': seed, 'lo': lo, 'hi': hi, 'away': away}


def cases():
    u = [8, 9]  # 72 elements: past the WebAssembly elementwise kernels' thresholds (16 and 64)
    out = []

    def add(name, op, inputs, args=None, hvp=False):
        out.append({'name': name, 'op': op, 'args': args or {}, 'inputs': inputs, 'hvp': hvp})

    # unary: smooth ones get second order; kinked ones (abs, relu, …) take inputs at least 0.05 from the kink
    for op, lo, hi, away, smooth in [
        ('neg', -2, 2, 0, True), ('exp', -3, 3, 0, True), ('log', 0.05, 4, 0, True), ('log1p', -0.9, 3, 0, True),
        ('expm1', -2, 2, 0, True), ('sqrt', 0.05, 4, 0, True), ('square', -2, 2, 0, True), ('abs', -2, 2, 0.05, False),
        ('reciprocal', -2, 2, 0.2, True), ('sin', -3, 3, 0, True), ('cos', -3, 3, 0, True), ('sigmoid', -8, 8, 0, True),
        ('tanh', -4, 4, 0, True), ('relu', -2, 2, 0.05, False), ('selu', -3, 3, 0.05, True), ('logSigmoid', -10, 10, 0, True),
    ]:
        add(op, op, [inp(u, 100 + len(out), lo, hi, away)], hvp=smooth)
    add('leakyRelu(0.1)', 'leakyRelu', [inp(u, 130, -2, 2, 0.05)], {'slope': 0.1})
    add('elu(0.7)', 'elu', [inp(u, 131, -3, 3, 0.05)], {'alpha': 0.7}, hvp=True)
    add('softplus', 'softplus', [inp(u, 132, -30, 30)], {'beta': 1, 'threshold': 20}, hvp=True)
    add('softplus(beta 2, threshold 5)', 'softplus', [inp(u, 133, -4, 4)], {'beta': 2, 'threshold': 5}, hvp=True)
    add('clamp(-0.5, 0.5)', 'clamp', [inp(u, 134, -1, 1)], {'min': -0.5, 'max': 0.5})
    add('sigmoid, pooled (40 000 elements)', 'sigmoid', [inp([200, 200], 135, -8, 8)])

    # binary, with broadcasting: [6,1,8] op [5,8] -> [6,5,8]; a scalar; a row vector
    a, b = [6, 1, 8], [5, 8]
    for op, (alo, ahi, aaway), (blo, bhi, baway) in [
        ('add', (-2, 2, 0), (-2, 2, 0)), ('sub', (-2, 2, 0), (-2, 2, 0)), ('mul', (-2, 2, 0), (-2, 2, 0)),
        ('div', (-2, 2, 0), (-2, 2, 0.3)), ('pow', (0.3, 2, 0), (-2, 2, 0)), ('maximum', (-2, 2, 0), (-2, 2, 0)),
        ('minimum', (-2, 2, 0), (-2, 2, 0)),
    ]:
        add(f'{op} [6,1,8]·[5,8]', op, [inp(a, 200 + len(out), alo, ahi, aaway), inp(b, 300 + len(out), blo, bhi, baway)],
            hvp=op in ('add', 'sub', 'mul', 'div', 'pow'))
    add('mul by a scalar tensor', 'mul', [inp([4, 16], 240, -2, 2), inp([], 241, 0.5, 2)], hvp=True)
    add('add a row vector', 'add', [inp([16, 24], 242, -2, 2), inp([24], 243, -2, 2)])
    add('div by a column', 'div', [inp([16, 24], 244, -2, 2), inp([16, 1], 245, -2, 2, 0.3)], hvp=True)

    # reductions and softmax over [6,7,5]
    r = [6, 7, 5]
    add('sum', 'sum', [inp(r, 400, -2, 2)])
    add('sum axis 1', 'sum', [inp(r, 401, -2, 2)], {'axis': 1})
    add('sum axes [0,2] keepDims', 'sum', [inp(r, 402, -2, 2)], {'axis': [0, 2], 'keepDims': True})
    add('mean axis -1', 'mean', [inp(r, 403, -2, 2)], {'axis': -1})
    add('max', 'max', [inp(r, 404, -2, 2)])
    add('max axis 1 keepDims', 'max', [inp(r, 405, -2, 2)], {'axis': 1, 'keepDims': True})
    add('min axis 0', 'min', [inp(r, 406, -2, 2)], {'axis': 0})
    add('variance axis 1', 'variance', [inp(r, 407, -2, 2)], {'axis': 1, 'correction': 1}, hvp=True)
    add('std axis -1, correction 0', 'std', [inp(r, 408, -2, 2)], {'axis': -1, 'correction': 0}, hvp=True)
    add('logSumExp axis 2', 'logSumExp', [inp(r, 409, -5, 5)], {'axis': 2}, hvp=True)
    add('softmax axis -1', 'softmax', [inp(r, 410, -5, 5)], {'axis': -1}, hvp=True)
    add('logSoftmax axis 1', 'logSoftmax', [inp(r, 411, -5, 5)], {'axis': 1}, hvp=True)
    add('logSoftmax rows of 300', 'logSoftmax', [inp([40, 300], 412, -5, 5)], {'axis': 1})

    # products: 2-D, vector cases, batched with broadcasting, a product big enough for the worker pool
    add('matmul [13,17]·[17,11]', 'matmul', [inp([13, 17], 500, -1, 1), inp([17, 11], 501, -1, 1)], hvp=True)
    add('matmul [17]·[17,11]', 'matmul', [inp([17], 502, -1, 1), inp([17, 11], 503, -1, 1)])
    add('matmul [13,17]·[17]', 'matmul', [inp([13, 17], 504, -1, 1), inp([17], 505, -1, 1)])
    add('matmul [3,1,12,16]·[4,16,10]', 'matmul', [inp([3, 1, 12, 16], 506, -1, 1), inp([4, 16, 10], 507, -1, 1)], hvp=True)
    add('matmul [128,96]·[96,100] (pooled)', 'matmul', [inp([128, 96], 508, -1, 1), inp([96, 100], 509, -1, 1)])
    for act in ('none', 'sigmoid', 'tanh', 'relu'):
        # relu gets first order only (its second derivative is 0 almost everywhere); no pre-activation of this
        # data lies within float32 rounding of the kink, so both implementations take the same branch everywhere
        add(f'affine [40,30]·[30,20] + [20], {act}', 'affine',
            [inp([40, 30], 510, -1, 1), inp([30, 20], 511, -1, 1), inp([20], 512, -1, 1)], {'activation': act},
            hvp=act in ('none', 'sigmoid', 'tanh'))

    # indexing
    add('gather axis 1', 'gather', [inp([5, 6], 600, -2, 2)], {'axis': 1, 'index': index_stream(601, [5, 3], 6).tolist()})
    add('indexSelect axis 0 (repeats)', 'indexSelect', [inp([7, 4], 602, -2, 2)], {'axis': 0, 'indices': [3, 0, 3, 6, 1]})
    add('scatterAdd axis 0', 'scatterAdd', [inp([4, 5], 603, -2, 2), inp([6, 5], 604, -2, 2)],
        {'axis': 0, 'index': index_stream(605, [6, 5], 4).tolist()})
    return out


def run(case, dtype, seed_base):
    xs = [torch.tensor(stream(s), dtype=dtype, requires_grad=True) for s in case['inputs']]
    y = OPS[case['op']](xs, case['args'])
    second = case['hvp'] and dtype == torch.float64
    res, _, gs = first_order(y, xs, seed_base, dtype, second)
    if second:
        res['hvp'] = hessian_vector_products(gs, xs, seed_base, dtype)
    return res


def main():
    write_fixture(OUT, 'packages/core/scripts/torch_reference.py', cases(), run, 10_000)


if __name__ == '__main__':
    main()
