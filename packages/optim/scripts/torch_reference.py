"""
Writes packages/optim/test/fixtures/torch_reference.json: parameter values computed by torch.optim, an
implementation independent of tapegrad, for test/torch_reference.test.ts to compare optim's update rules,
learning-rate schedules and gradient clipping against on both kernel backends.

Three kinds of case:
- optimizers: an optimizer with its options (tapegrad's names; torch's are the snake_case spelling), three
  parameters, K = 5 steps. Initial values and gradients are not stored: they come from the counter-based
  mulberry32 stream of bench-spec.md ("Data"), value i of stream `seed` a pure function of (seed, i), which
  the test regenerates bit for bit; parameter j starts from stream seed + 10·j and gets at step t (1..K) the
  gradient stream seed + 10·j + t (moved away from 0 by gradAway). Gradients are set directly (p.grad = g),
  no backward. The shapes:
  [64, 72] (4608 elements: a full 4096-element chunk of the fused WebAssembly update kernels plus a partial
  one), [64] (exactly their 64-element threshold: one partial chunk) and [2, 3] (below it: the TypeScript
  kernel on both backends). Some cases add a learning-rate schedule (the torch scheduler stepped after
  every optimizer step), parameter groups, or steps where a parameter has no gradient.
- schedules: the learning rate of the first T steps, given by a tapegrad schedule and by the matching
  torch.optim.lr_scheduler (read from the optimizer before each step), or by ReduceLROnPlateau fed one
  metric a step (its lr and counters after each metric).
- clipping: clip_grad_norm_ (its returned total norm and the clipped gradients) and clip_grad_value_ on the
  same three gradients, for two draws.

For each case and dtype (float32, then float64) the file holds the parameter values after every step.
Arrays larger than 512 elements are stored at every step-th element, step = size // 32 (coarser than
core's size // 256, to keep the file under 400 KB), plus the float64 sum of all their elements. float32
values are written as the shortest decimal that rounds back to them (the test applies Math.fround).

The float64 runs set torch's default dtype to float64: torch keeps NAdam's running product of momentum
coefficients (and the step counters) in the default dtype, so under float32 defaults a float64 NAdam would
round that product to float32 every step; tapegrad keeps it in float64 for every dtype (for float32
parameters the difference is within the float32 tolerance). The single-tensor (for-loop) implementations
are used (foreach=False), as torch itself does on CPU.

Not covered, because torch has no equivalent: SGD's `lecture` form, `epsInside` of Adagrad and RMSprop
(Keras's arrangements), and the schedules exponential (e^(−k·t)), inverseTime and perEpoch (no torch
scheduler; they are one-line closed forms). tapegrad has no RAdam and no OneCycleLR.

Run (needs torch and numpy; CI never runs it, the JSON is committed):
    python3 packages/optim/scripts/torch_reference.py
"""
import json
import math
import os
import re
import sys

import numpy as np
import torch

# the input streams and float32 storage shared with core's generator (packages/core/scripts/torch_streams.py)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'core', 'scripts'))
from torch_streams import sampled as sampled_every, stored, stream_values as stream  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'torch_reference.json')
K = 5
DTYPES = {'float32': torch.float32, 'float64': torch.float64}


def numel(shape):
    return int(np.prod(shape, dtype=np.int64))


# Every optimizer and clipping case uses these parameters: [64, 72] > 4096 (two WebAssembly chunks), [64] (the
# WebAssembly threshold, one partial chunk), [2, 3] (< 64: the TypeScript kernel on both backends). Gradients are
# at least gradAway = 0.05 in magnitude: that keeps the adaptive rules' denominators (√v̂, √v, u) away from 0, so
# weight decay cannot feed a rounding difference in w back much amplified (see the test's tolerances).
PARAMS = [
    {'shape': [64, 72], 'init': [-1, 1], 'grad': [-1, 1], 'gradAway': 0.05},
    {'shape': [64], 'init': [-1, 1], 'grad': [-0.5, 0.5], 'gradAway': 0.05},
    {'shape': [2, 3], 'init': [-1, 1], 'grad': [-2, 2], 'gradAway': 0.05},
]


def init_values(seed, j, spec):
    return stream(seed + 10 * j, numel(spec['shape']), *spec['init']).reshape(spec['shape'])


def grad_values(seed, j, t, spec):
    """The gradient of parameter j at step t (1..K)."""
    return stream(seed + 10 * j + t, numel(spec['shape']), *spec['grad'], spec['gradAway']).reshape(spec['shape'])


def snake(name):
    return re.sub(r'([A-Z])', lambda m: '_' + m.group(1).lower(), name)


def torch_options(options):
    return {snake(k): (tuple(v) if isinstance(v, list) else v) for k, v in options.items()}


TORCH_OPTIMIZERS = {
    'SGD': torch.optim.SGD, 'Adam': torch.optim.Adam, 'AdamW': torch.optim.AdamW, 'RMSprop': torch.optim.RMSprop,
    'Adagrad': torch.optim.Adagrad, 'Adadelta': torch.optim.Adadelta, 'Adamax': torch.optim.Adamax, 'NAdam': torch.optim.NAdam,
}


# ── schedules: tapegrad's spec -> torch scheduler ──────────────────────────

def initial_lr(spec):
    """The learning rate the torch optimizer starts from (the schedule's value at step 0 before any scheduler)."""
    o = spec.get('options', {})
    if spec['fn'] == 'linearWarmup':
        return o['lr'] if isinstance(o['lr'], (int, float)) else initial_lr(o['lr'])
    if spec['fn'] == 'sequence':
        return initial_lr(spec['entries'][0]['schedule'])
    return o['initialLr']


def torch_scheduler(spec, opt):
    fn, o = spec['fn'], spec.get('options', {})
    S = torch.optim.lr_scheduler
    if fn == 'stepDecay':
        return S.StepLR(opt, step_size=o['stepSize'], gamma=o.get('gamma', 0.1))
    if fn == 'multiStep':
        return S.MultiStepLR(opt, milestones=o['milestones'], gamma=o.get('gamma', 0.1))
    if fn == 'exponentialGamma':
        return S.ExponentialLR(opt, gamma=o['gamma'])
    if fn == 'cosineAnnealing':
        return S.CosineAnnealingLR(opt, T_max=o['tMax'], eta_min=o.get('etaMin', 0))
    if fn == 'linearWarmup':
        warm = S.LinearLR(opt, start_factor=o['startFactor'], end_factor=1.0, total_iters=o['warmupSteps'])
        if isinstance(o['lr'], (int, float)):
            return warm
        return S.ChainedScheduler([warm, torch_scheduler(o['lr'], opt)])
    if fn == 'sequence':
        entries = spec['entries']
        milestones = list(np.cumsum([e['steps'] for e in entries[:-1]]).tolist())
        return S.SequentialLR(opt, [torch_scheduler(e['schedule'], opt) for e in entries], milestones=milestones)
    raise ValueError(fn)


# ── cases ──────────────────────────────────────────────────────────────────

def optimizer_cases():
    out = []

    def add(name, optimizer, options, schedule=None, groups=None, skip=None):
        out.append({'name': name, 'optimizer': optimizer, 'options': options, 'schedule': schedule, 'groups': groups,
                    'skip': skip or [], 'seed': 20_000 + 100 * len(out), 'params': PARAMS})

    add('SGD', 'SGD', {'lr': 0.1})
    add('SGD, weightDecay', 'SGD', {'lr': 0.1, 'weightDecay': 0.05})
    add('SGD, momentum 0.9', 'SGD', {'lr': 0.1, 'momentum': 0.9})
    add('SGD, momentum + dampening', 'SGD', {'lr': 0.1, 'momentum': 0.9, 'dampening': 0.3})
    add('SGD, Nesterov + weightDecay', 'SGD', {'lr': 0.1, 'momentum': 0.9, 'nesterov': True, 'weightDecay': 0.01})
    add('Adam, defaults', 'Adam', {})
    add('Adam, betas + weightDecay', 'Adam', {'lr': 0.01, 'betas': [0.8, 0.99], 'weightDecay': 0.1})
    add('Adam, amsgrad', 'Adam', {'lr': 0.01, 'amsgrad': True})
    add('AdamW', 'AdamW', {'lr': 0.01, 'weightDecay': 0.1})
    add('RMSprop', 'RMSprop', {'lr': 0.01})
    add('RMSprop, momentum + weightDecay', 'RMSprop', {'lr': 0.01, 'momentum': 0.9, 'weightDecay': 0.01})
    add('RMSprop, centered', 'RMSprop', {'lr': 0.01, 'alpha': 0.9, 'eps': 1e-6, 'centered': True})
    add('RMSprop, centered + momentum', 'RMSprop', {'lr': 0.01, 'centered': True, 'momentum': 0.5})
    add('Adagrad, lrDecay + initialAccumulatorValue + weightDecay', 'Adagrad',
        {'lr': 0.1, 'lrDecay': 0.05, 'initialAccumulatorValue': 0.1, 'weightDecay': 0.01})
    add('Adadelta, weightDecay', 'Adadelta', {'weightDecay': 0.01})
    add('Adamax, weightDecay', 'Adamax', {'lr': 0.02, 'weightDecay': 0.01})
    add('NAdam, weightDecay', 'NAdam', {'lr': 0.02, 'weightDecay': 0.01})
    # a schedule through the optimizer: step t uses lr(t − 1), torch's scheduler.step() after optimizer.step()
    add('SGD momentum, stepDecay schedule', 'SGD', {'momentum': 0.9},
        schedule={'fn': 'stepDecay', 'options': {'initialLr': 0.1, 'stepSize': 2, 'gamma': 0.5}})
    add('Adam, cosineAnnealing schedule', 'Adam', {},
        schedule={'fn': 'cosineAnnealing', 'options': {'initialLr': 0.01, 'tMax': 4, 'etaMin': 0.001}})
    # per-parameter step counts (bias corrections) when a parameter has no gradient at some step: [param, step]
    add('Adam, parameters without a gradient at some steps', 'Adam', {'lr': 0.01}, skip=[[1, 2], [2, 3], [2, 4]])
    # parameter groups: the defaults from the constructor, overrides per group
    add('AdamW, two groups (no decay, own lr)', 'AdamW', {'lr': 0.01, 'weightDecay': 0.1},
        groups=[{'params': [0], 'options': {}}, {'params': [1, 2], 'options': {'weightDecay': 0, 'lr': 0.02}}])
    return out


def schedule_cases():
    out = []

    def add(name, schedule, steps=30):
        out.append({'name': name, 'kind': 'schedule', 'schedule': schedule, 'steps': steps})

    add('stepDecay (StepLR)', {'fn': 'stepDecay', 'options': {'initialLr': 0.1, 'stepSize': 4, 'gamma': 0.5}})
    add('multiStep with a repeated milestone (MultiStepLR)',
        {'fn': 'multiStep', 'options': {'initialLr': 0.1, 'milestones': [9, 3, 9, 20], 'gamma': 0.3}})
    add('exponentialGamma (ExponentialLR)', {'fn': 'exponentialGamma', 'options': {'initialLr': 0.1, 'gamma': 0.9}})
    add('cosineAnnealing past tMax (CosineAnnealingLR)',
        {'fn': 'cosineAnnealing', 'options': {'initialLr': 0.1, 'tMax': 10, 'etaMin': 0.001}})
    add('linearWarmup to a number (LinearLR)', {'fn': 'linearWarmup', 'options': {'warmupSteps': 6, 'lr': 0.1, 'startFactor': 0.25}})
    # ChainedScheduler multiplies the factors, which is the product linearWarmup computes when etaMin is 0
    add('linearWarmup over cosineAnnealing (ChainedScheduler)',
        {'fn': 'linearWarmup', 'options': {'warmupSteps': 5, 'startFactor': 0.2,
                                           'lr': {'fn': 'cosineAnnealing', 'options': {'initialLr': 0.1, 'tMax': 20}}}})
    add('sequence: warm-up, then cosine (SequentialLR)',
        {'fn': 'sequence', 'entries': [
            {'schedule': {'fn': 'linearWarmup', 'options': {'warmupSteps': 5, 'lr': 0.1, 'startFactor': 0.2}}, 'steps': 5},
            {'schedule': {'fn': 'cosineAnnealing', 'options': {'initialLr': 0.1, 'tMax': 20, 'etaMin': 0.001}}}]})
    return out


def plateau_cases():
    out = []

    def add(name, options, metric):
        out.append({'name': name, 'kind': 'plateau', 'options': options, 'metric': metric, 'steps': 40})

    # metric t: stream `seed`, value t in [lo, hi) plus slope·t (a noisy, slowly improving curve)
    add('reduceOnPlateau, min, rel, cooldown (ReduceLROnPlateau)',
        {'initialLr': 0.1, 'factor': 0.5, 'patience': 2, 'threshold': 0.01, 'cooldown': 2, 'minLr': 0.004},
        {'seed': 30_001, 'lo': 0, 'hi': 1, 'slope': -0.02})
    add('reduceOnPlateau, max, abs (ReduceLROnPlateau)',
        {'initialLr': 0.05, 'mode': 'max', 'factor': 0.3, 'patience': 1, 'threshold': 0.05, 'thresholdMode': 'abs'},
        {'seed': 30_002, 'lo': 0, 'hi': 1, 'slope': 0.01})
    return out


def metric_values(m, n):
    return [float(v) + m['slope'] * t for t, v in enumerate(stream(m['seed'], n, m['lo'], m['hi']))]


def clip_cases():
    out = []

    def add(name, fn, options):
        out.append({'name': name, 'fn': fn, 'options': options, 'seed': 40_000 + 100 * len(out), 'params': PARAMS, 'draws': 2})

    add('clipGradNorm 1 (clips)', 'clipGradNorm', {'maxNorm': 1})
    add('clipGradNorm 100 (below the limit)', 'clipGradNorm', {'maxNorm': 100})
    add('clipGradNorm 500, normType 1', 'clipGradNorm', {'maxNorm': 500, 'normType': 1})
    add('clipGradNorm 2, normType 3', 'clipGradNorm', {'maxNorm': 2, 'normType': 3})
    add('clipGradNorm 0.5, normType Infinity', 'clipGradNorm', {'maxNorm': 0.5, 'normType': 'Infinity'})
    add('clipGradValue 0.3', 'clipGradValue', {'limit': 0.3})
    return out


# ── running ────────────────────────────────────────────────────────────────

def sampled(t):
    """Every (size // 32)-th element of arrays over 512 elements (the test's `sampled`)."""
    return sampled_every(t, 32)


def snapshot(ps):
    """Sampled values of every tensor, and the float64 sum of all the elements of those that are sampled (> 512)."""
    return {'values': [sampled(p) for p in ps],
            'sums': [float(p.detach().double().sum()) if p.numel() > 512 else None for p in ps]}


def run_optimizer(case, dtype):
    ps = [torch.tensor(init_values(case['seed'], j, s), dtype=dtype, requires_grad=True) for j, s in enumerate(case['params'])]
    options = dict(case['options'])
    sched = case['schedule']
    if sched is not None:
        options['lr'] = initial_lr(sched)
    if case['groups'] is None:
        params = ps
    else:
        params = [{'params': [ps[j] for j in g['params']], **torch_options(g['options'])} for g in case['groups']]
    opt = TORCH_OPTIMIZERS[case['optimizer']](params, foreach=False, **torch_options(options))
    scheduler = torch_scheduler(sched, opt) if sched is not None else None
    steps = []
    for t in range(1, K + 1):
        for j, (p, s) in enumerate(zip(ps, case['params'])):
            p.grad = None if [j, t] in case['skip'] else torch.tensor(grad_values(case['seed'], j, t, s), dtype=dtype)
        opt.step()
        if scheduler is not None:
            scheduler.step()
        steps.append(snapshot(ps))
    return steps


def run_schedule(case):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=initial_lr(case['schedule']))
    scheduler = torch_scheduler(case['schedule'], opt)
    lrs = []
    for _ in range(case['steps']):
        lrs.append(opt.param_groups[0]['lr'])
        p.grad = torch.zeros(1)
        opt.step()
        scheduler.step()
    return {'lr': lrs}


def run_plateau(case):
    o = case['options']
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=o['initialLr'])
    kw = {snake(k): v for k, v in o.items() if k != 'initialLr'}
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **kw)
    res = {'lr': [], 'numBadEpochs': [], 'cooldownCounter': [], 'best': []}
    for m in metric_values(case['metric'], case['steps']):
        scheduler.step(m)
        res['lr'].append(opt.param_groups[0]['lr'])
        res['numBadEpochs'].append(scheduler.num_bad_epochs)
        res['cooldownCounter'].append(scheduler.cooldown_counter)
        res['best'].append(scheduler.best)
    return res


def run_clip(case, dtype):
    o = case['options']
    draws = []
    for t in range(1, case['draws'] + 1):
        ps = [torch.zeros(s['shape'], dtype=dtype, requires_grad=True) for s in case['params']]
        for j, (p, s) in enumerate(zip(ps, case['params'])):
            p.grad = torch.tensor(grad_values(case['seed'], j, t, s), dtype=dtype)
        res = {}
        if case['fn'] == 'clipGradNorm':
            norm_type = math.inf if o.get('normType') == 'Infinity' else o.get('normType', 2)
            total = torch.nn.utils.clip_grad_norm_(ps, o['maxNorm'], norm_type=norm_type)
            res['total'] = stored(total)[0]
        else:
            torch.nn.utils.clip_grad_value_(ps, o['limit'])
        res.update(snapshot([p.grad for p in ps]))
        draws.append(res)
    return draws


def main():
    torch.set_num_threads(1)
    cases = optimizer_cases()
    clips = clip_cases()
    for name, dtype in DTYPES.items():
        torch.set_default_dtype(dtype)  # see the file comment (NAdam's product, step counters)
        for c in cases:
            c[name] = run_optimizer(c, dtype)
        for c in clips:
            c[name] = run_clip(c, dtype)
    torch.set_default_dtype(torch.float32)
    schedules = schedule_cases()
    for c in schedules:
        c.update(run_schedule(c))
    plateaus = plateau_cases()
    for c in plateaus:
        c.update(run_plateau(c))
    for c in cases + clips:
        del c['params']  # the test's PARAMS
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump({'generator': 'packages/optim/scripts/torch_reference.py', 'torch': torch.__version__, 'steps': K,
                   'params': PARAMS, 'optimizers': cases, 'schedules': schedules, 'plateaus': plateaus, 'clipping': clips},
                  f, separators=(',', ':'))
        f.write('\n')
    print(f'{len(cases)} optimizer, {len(schedules)} schedule, {len(plateaus)} plateau and {len(clips)} clipping cases '
          f'-> {os.path.normpath(OUT)} ({os.path.getsize(OUT)} bytes)')


if __name__ == '__main__':
    main()
