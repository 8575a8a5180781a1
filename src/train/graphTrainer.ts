// One training step as one ONNX graph: forward, backward, (accumulation,) clipping, optimizer update and the
// EMA teacher update, with parameters and optimizer state as graph inputs and their next values as outputs.
import {
  add,
  compile,
  type Executable,
  grad,
  type HostTensor,
  type RuntimeOptions,
  scalarHost,
  type Tensor,
} from '../graph/index.js';
import type { Rng } from '../nn/random.js';
import type { ParamRegistry } from '../nn/scope.js';
import type { StateDict } from '../nn/stateDict.js';
import { type AdamWConfig, adamwScalars, adamwUpdate } from './optim/adamw.js';
import { clipGradNorm } from './optim/clipGradNorm.js';
import { emaUpdate } from './optim/ema.js';
import { Float32Arena } from './optim/float32Arena.js';
import {
  accumulateInPlace,
  adamwInPlace,
  clipCoefficient,
  emaInPlace,
  sgdInPlace,
} from './optim/hostUpdates.js';
import { sgdUpdate } from './optim/sgd.js';

export interface ParamGroup {
  name: string;
  lrScale: number;
  weightDecay: number;
  params: string[];
}

export type OptimizerSpec = { kind: 'adamw'; config: AdamWConfig } | { kind: 'sgd'; momentum: number };

export interface TrainGraphSpec {
  loss: Tensor;
  /** the student (trained) parameters */
  registry: ParamRegistry;
  /** which of them are updated; default: every parameter declared trainable */
  trainable?: (name: string) => boolean;
  groups: ParamGroup[];
  optimizer: OptimizerSpec;
  /** global-norm clipping threshold (torch clip_grad_norm_) */
  clipGrad?: number;
  /** EMA teacher traced in the same graph; its parameter names are `<prefix><student name>` */
  teacher?: { registry: ParamRegistry; prefix: string };
  /** extra scalars to fetch each step (loss components) */
  metrics?: Record<string, Tensor>;
}

export interface StepHyper {
  lr: number;
  emaMomentum?: number;
}

export interface StepResult {
  loss: number;
  metrics: Record<string, number>;
  /** true when this micro-batch ended an accumulation window and the optimizer stepped */
  applied: boolean;
  /** true when `skipIf` rejected the batch */
  skipped?: boolean;
}

export interface TrainerState {
  params: StateDict;
  teacher?: StateDict;
  /** optimizer slots by `m:<name>`, `v:<name>` (AdamW) or `buf:<name>` (SGD) */
  slots: StateDict;
  /** optimizer steps taken */
  step: number;
}

const NEXT = 'next:';

/** The trainer's values at one moment (see `GraphTrainer.snapshot`). */
export interface TrainerSnapshot {
  params: StateDict;
  teacher?: StateDict;
  slots: StateDict;
  step: number;
  accumulation: AccumulationState;
}

/** Position inside the current accumulation window and the gradients summed so far (null: none yet). */
export interface AccumulationState {
  count: number;
  buffers: StateDict | null;
}

interface Built {
  apply: Executable;
  accumulate: Executable | null;
  trainable: string[];
  groupOf: Map<string, ParamGroup>;
  placement: OptimizerPlacement;
}

/**
 * Where the optimizer, clipping, accumulation and EMA run: on the host after a graph that returns gradients ('host',
 * the default: parameters, moments, gradients and teacher live in one WebAssembly arena and are updated in place by
 * SIMD kernels, ≈ 0.2 s per FS-VFM ViT-S step, and `skipIf` can reject a batch before anything changes), or inside
 * the step graph ('graph': ≈ 14 onnxruntime elementwise passes plus a fresh output copy of every updated tensor,
 * ≈ 0.9 s of kernels for the same step).
 */
export type OptimizerPlacement = 'graph' | 'host';

const GRAD = 'grad:';

async function buildHost(spec: TrainGraphSpec, rt: RuntimeOptions): Promise<Built> {
  const g = spec.loss.graph;
  const { trainable, groupOf } = trainableAndGroups(spec);
  const grads = grad(
    spec.loss,
    trainable.map((n) => g.get(n)!),
  );
  const outs: Record<string, Tensor> = { loss: spec.loss, ...(spec.metrics ?? {}) };
  trainable.forEach((n, i) => {
    outs[`${GRAD}${n}`] = grads[i]!;
  });
  return { apply: await compile(outs, rt), accumulate: null, trainable, groupOf, placement: 'host' };
}

function trainableAndGroups(spec: TrainGraphSpec): { trainable: string[]; groupOf: Map<string, ParamGroup> } {
  const isTrainable = spec.trainable ?? ((n: string) => spec.registry.specs.get(n)?.trainable ?? false);
  const trainable = spec.registry
    .list()
    .filter((s) => isTrainable(s.name))
    .map((s) => s.name);
  const groupOf = new Map<string, ParamGroup>();
  for (const grp of spec.groups) for (const n of grp.params) groupOf.set(n, grp);
  const ungrouped = trainable.filter((n) => !groupOf.has(n));
  if (ungrouped.length)
    throw new Error(`parameters without an optimizer group: ${ungrouped.slice(0, 5).join(', ')}`);
  return { trainable, groupOf };
}

async function build(spec: TrainGraphSpec, accumulate: boolean, rt: RuntimeOptions): Promise<Built> {
  const g = spec.loss.graph;
  const { trainable, groupOf } = trainableAndGroups(spec);

  const paramT = (n: string) => g.get(n)!;
  const grads = grad(spec.loss, trainable.map(paramT));
  const metrics = spec.metrics ?? {};

  const emaOutputs = (studentNext: Map<string, Tensor>): Record<string, Tensor> => {
    if (!spec.teacher) return {};
    const m = g.get('ema.m') ?? g.input('ema.m', 'float32', []);
    const om = g.get('ema.1m') ?? g.input('ema.1m', 'float32', []);
    const out: Record<string, Tensor> = {};
    for (const t of spec.teacher.registry.list()) {
      const sName = t.name.slice(spec.teacher.prefix.length);
      const student = studentNext.get(sName) ?? g.get(sName);
      if (!student) continue; // teacher-only parameter: left unchanged
      out[`${NEXT}${t.name}`] = emaUpdate(g.get(t.name)!, student, m, om);
    }
    return out;
  };

  const withAcc = (gs: Tensor[]) =>
    accumulate
      ? gs.map((gr, i) =>
          add(gr, g.get(`acc:${trainable[i]}`) ?? g.input(`acc:${trainable[i]}`, 'float32', gr.shape)),
        )
      : gs;
  const total = withAcc(grads);

  // apply variant
  const outs: Record<string, Tensor> = { loss: spec.loss, ...metrics };
  let finalGrads = total;
  if (spec.clipGrad) {
    const c = clipGradNorm(total, spec.clipGrad);
    finalGrads = c.grads;
    outs.grad_norm = c.totalNorm;
  }
  const studentNext = new Map<string, Tensor>();
  const scalar = (name: string) => g.get(name) ?? g.input(name, 'float32', []);
  trainable.forEach((n, i) => {
    const grp = groupOf.get(n)!;
    const p = paramT(n);
    if (spec.optimizer.kind === 'adamw') {
      const m = g.get(`m:${n}`) ?? g.input(`m:${n}`, 'float32', p.shape);
      const v = g.get(`v:${n}`) ?? g.input(`v:${n}`, 'float32', p.shape);
      const r = adamwUpdate(
        p,
        finalGrads[i]!,
        m,
        v,
        {
          decay: scalar(`opt.decay:${grp.name}`),
          stepSize: scalar(`opt.step:${grp.name}`),
          bc2Sqrt: scalar('opt.bc2sqrt'),
        },
        spec.optimizer.config,
      );
      outs[`${NEXT}${n}`] = r.p;
      outs[`${NEXT}m:${n}`] = r.m;
      outs[`${NEXT}v:${n}`] = r.v;
      studentNext.set(n, r.p);
    } else {
      const buf = g.get(`buf:${n}`) ?? g.input(`buf:${n}`, 'float32', p.shape);
      const r = sgdUpdate(
        p,
        finalGrads[i]!,
        buf,
        scalar(`opt.lr:${grp.name}`),
        spec.optimizer.momentum,
        grp.weightDecay,
      );
      outs[`${NEXT}${n}`] = r.p;
      outs[`${NEXT}buf:${n}`] = r.buf;
      studentNext.set(n, r.p);
    }
  });
  Object.assign(outs, emaOutputs(studentNext));
  const apply = await compile(outs, rt);

  let acc: Executable | null = null;
  if (accumulate) {
    const accOuts: Record<string, Tensor> = { loss: spec.loss, ...metrics, ...emaOutputs(new Map()) };
    trainable.forEach((n, i) => {
      accOuts[`${NEXT}acc:${n}`] = total[i]!;
    });
    acc = await compile(accOuts, rt);
  }
  return { apply, accumulate: acc, trainable, groupOf, placement: 'graph' };
}

/** Drives the compiled step graphs and owns parameter, teacher and optimizer values between steps. */
export class GraphTrainer {
  private accCount = 0;
  private accBuffers: StateDict | null = null;
  /** host placement: arena arrays the step's gradients are copied into (null: no arena, or accumulation) */
  private gradSlots: Float32Array[] | null = null;

  private constructor(
    private readonly spec: TrainGraphSpec,
    private readonly built: Built,
    readonly state: TrainerState,
    /** micro-batches per optimizer step */
    readonly accumSteps: number,
    private readonly rng: Rng,
  ) {}

  static async create(
    spec: TrainGraphSpec,
    state: Omit<TrainerState, 'slots' | 'step'> & Partial<Pick<TrainerState, 'slots' | 'step'>>,
    opts: RuntimeOptions & { accumSteps?: number; rng: Rng; placement?: OptimizerPlacement },
  ): Promise<GraphTrainer> {
    const accumSteps = opts.accumSteps ?? 1;
    const built =
      (opts.placement ?? 'host') === 'host'
        ? await buildHost(spec, opts)
        : await build(spec, accumSteps > 1, opts);
    const slots: StateDict = state.slots ?? new Map();
    for (const n of built.trainable) {
      const shape = state.params.get(n)?.shape;
      if (!shape) throw new Error(`no initial value for parameter '${n}'`);
      const names = spec.optimizer.kind === 'adamw' ? [`m:${n}`, `v:${n}`] : [`buf:${n}`];
      for (const s of names)
        if (!slots.has(s))
          slots.set(s, { shape: [...shape], data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
    }
    const trainer = new GraphTrainer(
      spec,
      built,
      { ...state, slots, step: state.step ?? 0 },
      accumSteps,
      opts.rng,
    );
    if (built.placement === 'host' && accumSteps === 1) trainer.gradSlots = trainer.moveIntoArena();
    return trainer;
  }

  get trainableNames(): readonly string[] {
    return this.built.trainable;
  }

  /** The compiled graph a (window-closing) step runs: its inputs and outputs are what each step copies in and out. */
  get stepProgram(): Executable {
    return this.built.apply;
  }

  get placement(): OptimizerPlacement {
    return this.built.placement;
  }

  /**
   * One micro-batch; the optimizer steps every `accumSteps` calls. With host placement, `skipIf` sees the losses
   * before anything is updated: returning true drops the gradients accumulated in this window and skips the
   * update and the EMA (the official NaN rule, SPEC §4.4), while the window position still advances.
   */
  async step(
    batch: Record<string, HostTensor>,
    hp: StepHyper,
    opts: { skipIf?: (r: { loss: number; metrics: Record<string, number> }) => boolean } = {},
  ): Promise<StepResult> {
    if (this.built.placement === 'host') return this.hostStep(batch, hp, opts.skipIf);
    const applying = this.accCount + 1 >= this.accumSteps;
    const exe = applying ? this.built.apply : this.built.accumulate!;
    const feeds: Record<string, HostTensor> = {};
    const t = this.state.step + 1;
    for (const spec of exe.inputs) {
      const n = spec.name;
      const stored = this.state.params.get(n) ?? this.state.slots.get(n) ?? this.state.teacher?.get(n);
      if (stored) feeds[n] = { dtype: 'float32', shape: stored.shape, data: stored.data };
      else if (n.startsWith('acc:')) feeds[n] = this.accBuffer(n, spec.shape);
      else if (n.startsWith('random:')) feeds[n] = this.randomMask(n, spec.shape);
      else if (n in batch) feeds[n] = batch[n]!;
      else feeds[n] = this.hyperScalar(n, hp, t);
    }
    const out = await exe.run(feeds);
    const metrics: Record<string, number> = {};
    for (const [k, v] of Object.entries(out)) {
      if (k.startsWith(NEXT)) this.store(k.slice(NEXT.length), v);
      else if (v.data.length === 1) metrics[k] = Number(v.data[0]);
    }
    if (applying) {
      this.state.step = t;
      this.accCount = 0;
      this.accBuffers = null;
    } else this.accCount++;
    const loss = metrics.loss ?? Number.NaN;
    delete metrics.loss;
    return { loss, metrics, applied: applying };
  }

  private async hostStep(
    batch: Record<string, HostTensor>,
    hp: StepHyper,
    skipIf?: (r: { loss: number; metrics: Record<string, number> }) => boolean,
  ): Promise<StepResult> {
    const applying = this.accCount + 1 >= this.accumSteps;
    const exe = this.built.apply;
    const feeds: Record<string, HostTensor> = {};
    for (const spec of exe.inputs) {
      const n = spec.name;
      const stored = this.state.params.get(n) ?? this.state.teacher?.get(n);
      if (stored) feeds[n] = { dtype: 'float32', shape: stored.shape, data: stored.data };
      else if (n.startsWith('random:')) feeds[n] = this.randomMask(n, spec.shape);
      else if (n in batch) feeds[n] = batch[n]!;
      else throw new Error(`step graph input '${n}' was not fed: add it to the batch`);
    }
    const out = await exe.run(feeds);
    const metrics: Record<string, number> = {};
    for (const [k, v] of Object.entries(out))
      if (!k.startsWith(GRAD) && v.data.length === 1) metrics[k] = Number(v.data[0]);
    const loss = metrics.loss ?? Number.NaN;
    delete metrics.loss;
    if (skipIf?.({ loss, metrics })) {
      this.accBuffers = null;
      this.accCount = applying ? 0 : this.accCount + 1;
      return { loss, metrics, applied: false, skipped: true };
    }
    const names = this.built.trainable;
    const outGrads = names.map((n) => out[`${GRAD}${n}`]!.data as Float32Array);
    const slots = this.gradSlots;
    const grads = slots
      ? outGrads.map((g, i) => {
          slots[i]!.set(g);
          return slots[i]!;
        })
      : outGrads;
    if (this.accBuffers) {
      for (const [i, n] of names.entries())
        accumulateInPlace(this.accBuffers.get(`acc:${n}`)!.data, grads[i]!);
    } else if (!applying) {
      this.accBuffers = new Map(
        names.map((n, i) => [`acc:${n}`, { shape: this.state.params.get(n)!.shape, data: grads[i]! }]),
      );
    }
    const total = this.accBuffers ? names.map((n) => this.accBuffers!.get(`acc:${n}`)!.data) : grads;
    if (applying) {
      const t = this.state.step + 1;
      let coef = 1;
      if (this.spec.clipGrad) {
        const c = clipCoefficient(total, this.spec.clipGrad);
        metrics.grad_norm = c.totalNorm;
        coef = c.coef;
      }
      const opt = this.spec.optimizer;
      names.forEach((n, i) => {
        const grp = this.built.groupOf.get(n)!;
        const p = this.state.params.get(n)!.data;
        if (opt.kind === 'adamw') {
          const sc = adamwScalars(hp.lr * grp.lrScale, grp.weightDecay, t, opt.config);
          adamwInPlace(
            p,
            total[i]!,
            this.state.slots.get(`m:${n}`)!.data,
            this.state.slots.get(`v:${n}`)!.data,
            sc,
            opt.config,
            coef,
          );
        } else {
          sgdInPlace(
            p,
            total[i]!,
            this.state.slots.get(`buf:${n}`)!.data,
            hp.lr * grp.lrScale,
            opt.momentum,
            grp.weightDecay,
            coef,
          );
        }
      });
      this.state.step = t;
      this.accCount = 0;
      this.accBuffers = null;
    } else this.accCount++;
    if (this.spec.teacher && this.state.teacher) {
      if (hp.emaMomentum === undefined)
        throw new Error('this trainer updates an EMA teacher: pass emaMomentum');
      const prefix = this.spec.teacher.prefix;
      for (const [tName, tv] of this.state.teacher) {
        const student = this.state.params.get(tName.slice(prefix.length));
        if (student) emaInPlace(tv.data, student.data, hp.emaMomentum);
      }
    }
    return { loss, metrics, applied: applying };
  }

  /** Drops gradients accumulated in the current window (the official NaN-skip path). */
  discardAccumulated(): void {
    this.accCount = 0;
    this.accBuffers = null;
  }

  /**
   * Host placement: trainable parameters, their optimizer slots, the teacher and one gradient slot per parameter are
   * moved into one WebAssembly arena, so the update kernels run on them in place with no copies. Returns the
   * gradient slots, or null when the arena cannot be had (over 4 GiB): the kernels then work through a copy window.
   */
  private moveIntoArena(): Float32Array[] | null {
    const names = this.built.trainable;
    const slotNames = (n: string) =>
      this.spec.optimizer.kind === 'adamw' ? [`m:${n}`, `v:${n}`] : [`buf:${n}`];
    const entries: [StateDict, string][] = [];
    for (const n of names) {
      entries.push([this.state.params, n]);
      for (const s of slotNames(n)) entries.push([this.state.slots, s]);
    }
    if (this.state.teacher) for (const k of this.state.teacher.keys()) entries.push([this.state.teacher, k]);
    const numel = (sd: StateDict, k: string) => sd.get(k)!.data.length;
    const floats =
      entries.reduce((a, [sd, k]) => a + Float32Arena.footprint(numel(sd, k)), 0) +
      names.reduce((a, n) => a + Float32Arena.footprint(numel(this.state.params, n)), 0);
    const arena = Float32Arena.create(floats);
    if (!arena) return null;
    for (const [sd, k] of entries) {
      const t = sd.get(k)!;
      sd.set(k, { shape: t.shape, data: arena.adopt(t.data as Float32Array) });
    }
    return names.map((n) => arena.alloc(numel(this.state.params, n)));
  }

  /**
   * A copy of every value a step changes; `restore` undoes the steps taken since (the NaN-skip rule of SPEC §4.4).
   * Graph placement replaces tensors and never writes into them, so copying the maps is enough there.
   */
  snapshot(): TrainerSnapshot {
    // host placement updates arrays in place, so its snapshot copies them (prefer `step(…, { skipIf })`)
    const copy = (sd: StateDict): StateDict =>
      this.built.placement === 'host'
        ? new Map([...sd].map(([k, v]) => [k, { shape: v.shape, data: Float32Array.from(v.data) }]))
        : new Map(sd);
    return {
      params: copy(this.state.params),
      ...(this.state.teacher ? { teacher: copy(this.state.teacher) } : {}),
      slots: copy(this.state.slots),
      step: this.state.step,
      accumulation: this.accumulation(),
    };
  }

  restore(s: TrainerSnapshot): void {
    const refill = (dst: StateDict, src: StateDict) => {
      if (this.built.placement === 'host') {
        // write into the live arrays: they may be arena views the kernels update in place
        for (const [k, v] of src) {
          const live = dst.get(k);
          if (live && live.data.length === v.data.length) live.data.set(v.data as Float32Array);
          else dst.set(k, v);
        }
        return;
      }
      dst.clear();
      for (const [k, v] of src) dst.set(k, v);
    };
    refill(this.state.params, s.params);
    if (this.state.teacher && s.teacher) refill(this.state.teacher, s.teacher);
    refill(this.state.slots, s.slots);
    this.state.step = s.step;
    this.setAccumulation(s.accumulation);
  }

  /** Where the current accumulation window stands (part of a resumable checkpoint). */
  accumulation(): AccumulationState {
    return { count: this.accCount, buffers: this.accBuffers ? new Map(this.accBuffers) : null };
  }

  /** Sets the window position (the optimizer steps when `count + 1 === accumSteps`) and the summed gradients. */
  setAccumulation(a: AccumulationState): void {
    if (!Number.isInteger(a.count) || a.count < 0 || a.count >= this.accumSteps)
      throw new Error(`accumulation position ${a.count} is outside 0..${this.accumSteps - 1}`);
    this.accCount = a.count;
    this.accBuffers = a.buffers ? new Map(a.buffers) : null;
  }

  private store(name: string, v: HostTensor): void {
    const data = v.data as Float32Array;
    if (name.startsWith('acc:')) {
      this.accBuffers ??= new Map();
      this.accBuffers.set(name, { shape: v.shape, data });
    } else if (this.state.params.has(name)) this.state.params.set(name, { shape: v.shape, data });
    else if (this.state.teacher?.has(name)) this.state.teacher.set(name, { shape: v.shape, data });
    else this.state.slots.set(name, { shape: v.shape, data });
  }

  private accBuffer(name: string, shape: number[]): HostTensor {
    const b = this.accBuffers?.get(name);
    return { dtype: 'float32', shape, data: b?.data ?? new Float32Array(shape.reduce((a, c) => a * c, 1)) };
  }

  private randomMask(name: string, shape: number[]): HostTensor {
    const keep =
      this.spec.registry.randomInputs.get(name)?.keepProb ??
      this.spec.teacher?.registry.randomInputs.get(name)?.keepProb ??
      1;
    const data = new Float32Array(shape.reduce((a, c) => a * c, 1));
    for (let i = 0; i < data.length; i++) data[i] = this.rng.uniform() < keep ? 1 : 0;
    return { dtype: 'float32', shape, data };
  }

  private hyperScalar(name: string, hp: StepHyper, t: number): HostTensor {
    if (name === 'ema.m' || name === 'ema.1m') {
      if (hp.emaMomentum === undefined)
        throw new Error('this step graph updates an EMA teacher: pass emaMomentum');
      return scalarHost(name === 'ema.m' ? hp.emaMomentum : 1 - hp.emaMomentum);
    }
    const opt = this.spec.optimizer;
    const grpName = name.slice(name.indexOf(':') + 1);
    const grp = this.spec.groups.find((g) => g.name === grpName);
    if (opt.kind === 'adamw') {
      if (name === 'opt.bc2sqrt') return scalarHost(adamwScalars(hp.lr, 0, t, opt.config).bc2Sqrt);
      if (grp && name.startsWith('opt.decay:'))
        return scalarHost(adamwScalars(hp.lr * grp.lrScale, grp.weightDecay, t, opt.config).decay);
      if (grp && name.startsWith('opt.step:'))
        return scalarHost(adamwScalars(hp.lr * grp.lrScale, grp.weightDecay, t, opt.config).stepSize);
    } else if (grp && name.startsWith('opt.lr:')) return scalarHost(hp.lr * grp.lrScale);
    throw new Error(`step graph input '${name}' was not fed: add it to the batch`);
  }
}
