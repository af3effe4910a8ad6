/**
 * Optimizer: the one stateful shell every update rule runs in. It owns parameter groups with
 * per-group options, the step counter, the learning rate (a number or a schedule), the
 * per-parameter state, zeroGrad, and state dicts. Updates run outside the tape and write
 * parameters and moment buffers in place: after the first step the hot path allocates nothing.
 * Options, group edits and state-dict snapshots are immutable records (immer, frozen).
 */
import { produce, freeze } from 'immer';
import { Tensor, type FloatArray } from '@tapegrad/core';
import type { Rule, RuleState, UpdateContext } from './rule';

/** A learning-rate schedule: the learning rate for the step about to be taken, given the number of steps already taken (0, 1, 2, …). */
export type Schedule = (step: number) => number;

/** A learning rate: a number, or a schedule evaluated at every step. */
export type LearningRate = number | Schedule;

export type GroupOptions<O> = O & { lr: LearningRate };

/** A parameter group as given to the constructor: its parameters and any per-group option overrides. */
export type ParamGroupInput<O> = { params: Iterable<Tensor> } & Partial<GroupOptions<O>>;

/** A parameter group as the optimizer holds it (frozen). */
export interface ParamGroup<O> {
  readonly params: readonly Tensor[];
  readonly options: Readonly<GroupOptions<O>>;
}

/** A snapshot of an optimizer (frozen; typed arrays are copies, never the live buffers). */
export interface OptimizerStateDict<O = Record<string, unknown>> {
  readonly rule: string;
  readonly step: number;
  readonly groups: readonly { readonly options: Readonly<GroupOptions<O>>; readonly params: readonly number[] }[];
  /** Per parameter (by position across groups): its own step count and rule state; null before its first update. */
  readonly state: readonly ({ readonly step: number; readonly values: RuleState } | null)[];
}

function copyState(s: RuleState): RuleState {
  const out: RuleState = {};
  for (const [k, v] of Object.entries(s)) {
    if (v instanceof Float32Array || v instanceof Float64Array) out[k] = v.slice();
    else if (v !== null && typeof v === 'object') out[k] = copyState(v as RuleState);
    else out[k] = v;
  }
  return out;
}

function resolveLr(lr: LearningRate, step: number, rule: string): number {
  const v = typeof lr === 'function' ? lr(step) : lr;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new Error(`${rule}: the learning rate must be a finite number ≥ 0, got ${String(v)}${typeof lr === 'function' ? ` from the schedule at step ${step}` : ''}`);
  }
  return v;
}

export class Optimizer<O extends object> {
  readonly rule: Rule<O, RuleState>;
  #groups: readonly ParamGroup<O>[];
  #state = new Map<Tensor, { step: number; values: RuleState }>();
  #step = 0;
  readonly #ctx: UpdateContext<O>;
  /** The options given to the constructor: the defaults of groups added later (as in PyTorch). */
  #baseOptions: Partial<GroupOptions<O>> = {};

  constructor(rule: Rule<O, RuleState>, params: Iterable<Tensor> | Iterable<ParamGroupInput<O>>, options: Partial<GroupOptions<O>> = {}) {
    this.rule = rule;
    const list = [...(params as Iterable<Tensor | ParamGroupInput<O>>)];
    if (list.length === 0) throw new Error(`${rule.name}: got an empty parameter list; pass model.parameters() or parameter groups`);
    const inputs: ParamGroupInput<O>[] = list.every((p) => p instanceof Tensor)
      ? [{ params: list as Tensor[] } as unknown as ParamGroupInput<O>]
      : (list as ParamGroupInput<O>[]);
    if (options.lr === undefined && inputs.some((g) => g.lr === undefined)) {
      throw new Error(`${rule.name}: give a learning rate, e.g. {lr: 0.01} (this rule has no default learning rate)`);
    }
    const seen = new Set<Tensor>();
    this.#baseOptions = options;
    const groups = inputs.map((g, gi) => this.#makeGroup(g, options, gi, seen));
    this.#groups = freeze(groups, true);
    this.#ctx = { lr: 0, step: 0, options: this.#groups[0]!.options };
  }

  #makeGroup(input: ParamGroupInput<O>, base: Partial<GroupOptions<O>>, gi: number, seen: Set<Tensor>): ParamGroup<O> {
    if (input === null || typeof input !== 'object' || !('params' in input)) {
      throw new Error(`${this.rule.name}: group ${gi} must be a Tensor list or {params, ...options}`);
    }
    const params = [...input.params];
    params.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new Error(`${this.rule.name}: group ${gi}, parameter ${i} is not a Tensor`);
      if (!p.requiresGrad) throw new Error(`${this.rule.name}: group ${gi}, parameter ${i} (${p.dtype} [${p.shape.join(',')}]) does not require grad`);
      if (seen.has(p)) throw new Error(`${this.rule.name}: a parameter appears more than once (group ${gi}, parameter ${i}); list each once`);
      seen.add(p);
    });
    const { params: _ignored, ...overrides } = input as ParamGroupInput<O> & Record<string, unknown>;
    const options = { ...this.rule.defaults, ...base, ...overrides } as GroupOptions<O>;
    this.#check(options);
    return { params, options };
  }

  #check(options: GroupOptions<O>): void {
    const known = new Set(['lr', ...Object.keys(this.rule.defaults)]);
    for (const k of Object.keys(options)) {
      if (!known.has(k)) throw new Error(`${this.rule.name}: unknown option '${k}'; the options are ${[...known].join(', ')}`);
    }
    if (typeof options.lr !== 'function') resolveLr(options.lr, 0, this.rule.name);
    this.rule.validate(options);
  }

  /** The parameter groups (frozen records). Change them with setGroupOptions / addParamGroup. */
  get paramGroups(): readonly ParamGroup<O>[] {
    return this.#groups;
  }

  /** Number of steps taken. */
  get stepCount(): number {
    return this.#step;
  }

  /** The learning rate of group 0 for the next step (a schedule evaluated at the current step). */
  get lr(): number {
    return resolveLr(this.#groups[0]!.options.lr, this.#step, this.rule.name);
  }

  /** Sets the learning rate (a number or a schedule) of every group, effective from the next step. */
  set lr(lr: LearningRate) {
    this.#groups.forEach((_, i) => this.setGroupOptions(i, { lr } as Partial<GroupOptions<O>>));
  }

  /** Changes options of one group (immutably: the old record is left as it was). */
  setGroupOptions(index: number, patch: Partial<GroupOptions<O>>): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.#groups.length) {
      throw new Error(`${this.rule.name}: there is no parameter group ${index} (there are ${this.#groups.length})`);
    }
    const options = { ...this.#groups[index]!.options, ...patch } as GroupOptions<O>;
    this.#check(options);
    this.#groups = produce(this.#groups, (draft) => {
      (draft[index] as { options: unknown }).options = options;
    });
  }

  /** Adds a parameter group; options it does not give come from the constructor's options, then the rule's defaults (as in PyTorch). */
  addParamGroup(group: ParamGroupInput<O>): void {
    const seen = new Set<Tensor>(this.#groups.flatMap((g) => g.params));
    if (group !== null && typeof group === 'object' && (group as { lr?: unknown }).lr === undefined && this.#baseOptions.lr === undefined) {
      throw new Error(`${this.rule.name}: the new group needs an lr (the optimizer was built with per-group learning rates only)`);
    }
    const made = this.#makeGroup(group, this.#baseOptions, this.#groups.length, seen);
    this.#groups = produce(this.#groups, (draft) => {
      (draft as unknown as ParamGroup<O>[]).push(made);
    });
  }

  /** Clears every parameter's gradient. */
  zeroGrad(): void {
    for (const g of this.#groups) for (const p of g.params) p.grad = null;
  }

  /**
   * One update of every parameter that has a gradient. With a closure (which re-evaluates the loss
   * and calls backward), its value is returned.
   */
  step(closure?: () => number): number | undefined {
    const loss = closure?.();
    const ctx = this.#ctx;
    for (const group of this.#groups) {
      ctx.lr = resolveLr(group.options.lr, this.#step, this.rule.name);
      ctx.options = group.options;
      for (const p of group.params) {
        const g = p.grad;
        if (g === null) continue;
        let s = this.#state.get(p);
        if (s === undefined) {
          s = { step: 0, values: this.rule.init(p, group.options) };
          this.#state.set(p, s);
        }
        s.step += 1;
        ctx.step = s.step;
        this.rule.update(p.data, g.data as FloatArray, s.values, ctx);
      }
    }
    this.#step += 1;
    return loss;
  }

  /** A frozen snapshot of the step counter, the groups and every buffer (copied). */
  stateDict(): OptimizerStateDict<O> {
    const all = this.#groups.flatMap((g) => g.params);
    const index = new Map(all.map((p, i) => [p, i]));
    return freeze({
      rule: this.rule.name,
      step: this.#step,
      groups: this.#groups.map((g) => ({ options: g.options, params: g.params.map((p) => index.get(p)!) })),
      state: all.map((p) => {
        const s = this.#state.get(p);
        return s === undefined ? null : { step: s.step, values: copyState(s.values) };
      }),
    }, true);
  }

  /** Restores a snapshot (buffers are copied in, so the snapshot stays unchanged). */
  loadStateDict(sd: OptimizerStateDict<O>): void {
    const name = this.rule.name;
    if (sd === null || typeof sd !== 'object' || !Array.isArray(sd.groups)) throw new Error(`${name}.loadStateDict: expected a state dict from stateDict()`);
    if (sd.rule !== name) throw new Error(`${name}.loadStateDict: the state dict is from '${sd.rule}', not '${name}'`);
    if (sd.groups.length !== this.#groups.length) {
      throw new Error(`${name}.loadStateDict: the state dict has ${sd.groups.length} parameter group(s), the optimizer ${this.#groups.length}`);
    }
    sd.groups.forEach((g, i) => {
      if (g.params.length !== this.#groups[i]!.params.length) {
        throw new Error(`${name}.loadStateDict: group ${i} has ${g.params.length} parameter(s) in the state dict and ${this.#groups[i]!.params.length} in the optimizer`);
      }
    });
    const all = this.#groups.flatMap((g) => g.params);
    if (sd.state.length !== all.length) throw new Error(`${name}.loadStateDict: state for ${sd.state.length} parameters, the optimizer has ${all.length}`);
    const state = new Map<Tensor, { step: number; values: RuleState }>();
    sd.state.forEach((s, i) => {
      if (s === null) return;
      const p = all[i]!;
      const check = (v: RuleState, path: string) => {
        for (const [k, x] of Object.entries(v)) {
          if ((x instanceof Float32Array || x instanceof Float64Array) && x.length !== p.size) {
            throw new Error(`${name}.loadStateDict: buffer '${path}${k}' of parameter ${i} has ${x.length} elements but the parameter has ${p.size}`);
          }
          if (x !== null && typeof x === 'object' && !ArrayBuffer.isView(x)) check(x as RuleState, `${path}${k}.`);
        }
      };
      check(s.values, '');
      state.set(p, { step: s.step, values: copyState(s.values) });
    });
    this.#state = state;
    this.#step = sd.step;
    this.#groups = produce(this.#groups, (draft) => {
      sd.groups.forEach((g, i) => { (draft[i] as { options: unknown }).options = g.options; });
    });
  }
}
