// Fine-tuning checkpoints in the official `save_model` layout (SPEC §2.2): `model` (state dict), `optimizer` (torch
// AdamW state_dict: integer-indexed state with step/exp_avg/exp_avg_sq, param_groups with lr_scale), `epoch`,
// `scaler` (GradScaler keys), `args` (argparse.Namespace). A `fsvfm` entry adds what resuming needs (index → name
// map, position inside the epoch, generator state, best validation loss); the official loader ignores it.
import { LazyTensor } from '../../io/lazyTensor.js';
import { PyFloat, PyObject, PyOrderedDict, PyTuple, type PyValue } from '../../io/pickleValues.js';
import { openTorchCheckpoint } from '../../io/torchCheckpoint.js';
import { saveTorchCheckpoint, torchTensor } from '../../io/torchSave.js';
import type { StateDict } from '../../nn/stateDict.js';
import { gradScalerState } from '../gradScalerState.js';
import type { ParamGroup, TrainerState } from '../graphTrainer.js';
import type { AdamWConfig } from '../optim/adamw.js';

export interface ResumeInfo {
  /** epoch being trained when saved (0-based) */
  epoch: number;
  /** steps of `epoch` already done; null when the epoch finished */
  stepInEpoch: number | null;
  /** JSON of the data / augmentation generator state */
  rngState: string;
  bestValLoss: number;
  /** trainable parameter name of each optimizer index */
  paramNames: string[];
  /** JSON of what else a task needs to continue exactly (FAS: its sampler, run and evaluations so far) */
  taskState?: string;
}

export interface SaveFinetuneCheckpoint {
  path: string;
  params: StateDict;
  trainer: Pick<TrainerState, 'slots' | 'step'>;
  groups: readonly ParamGroup[];
  /** lr currently set in the optimizer (the last scheduled value) */
  lr: number;
  adamw: AdamWConfig;
  epoch: number;
  args: Record<string, string | number | boolean | null>;
  resume: ResumeInfo;
  /** keys written first, in this order (torch module registration order) */
  leadingKeys?: readonly string[];
}

const ordered = (sd: StateDict, leading: readonly string[]): string[] => {
  const first = leading.filter((k) => sd.has(k));
  return [...first, ...[...sd.keys()].filter((k) => !first.includes(k))];
};

/** Python's argparse.Namespace with the run's arguments (floats stay floats). */
export function namespace(
  args: Record<string, string | number | boolean | null>,
  floatKeys: ReadonlySet<string>,
): PyObject {
  const ns = new PyObject('argparse.Namespace');
  for (const [k, v] of Object.entries(args)) {
    ns.attrs.set(k, typeof v === 'number' && floatKeys.has(k) ? new PyFloat(v) : v);
  }
  return ns;
}

const FLOAT_ARGS = new Set([
  'lr',
  'blr',
  'min_lr',
  'layer_decay',
  'weight_decay',
  'drop_path',
  'smoothing',
  'mixup',
  'cutmix',
  'mixup_prob',
  'mixup_switch_prob',
  'reprob',
  'weight_cl',
  'temperature',
  'clip_grad',
  'warmup_epochs',
]);

/** Writes the checkpoint atomically. */
export async function saveFinetuneCheckpoint(c: SaveFinetuneCheckpoint): Promise<void> {
  const model = new PyOrderedDict();
  for (const k of ordered(c.params, c.leadingKeys ?? ['cls_token', 'pos_embed'])) {
    const t = c.params.get(k)!;
    model.set(k, torchTensor('float32', t.shape, t.data));
  }
  const state = new Map<PyValue, PyValue>();
  const paramGroups: PyValue[] = [];
  let index = 0;
  for (const g of c.groups) {
    const ids: number[] = [];
    for (const name of g.params) {
      const m = c.trainer.slots.get(`m:${name}`);
      const v = c.trainer.slots.get(`v:${name}`);
      if (m && v && c.trainer.step > 0) {
        state.set(
          index,
          new Map<PyValue, PyValue>([
            ['step', torchTensor('float32', [], Float32Array.of(c.trainer.step))],
            ['exp_avg', torchTensor('float32', m.shape, m.data)],
            ['exp_avg_sq', torchTensor('float32', v.shape, v.data)],
          ]),
        );
      }
      ids.push(index++);
    }
    paramGroups.push(
      new Map<PyValue, PyValue>([
        ['lr', new PyFloat(c.lr * g.lrScale)],
        ['betas', PyTuple.fromItems([new PyFloat(c.adamw.beta1), new PyFloat(c.adamw.beta2)])],
        ['eps', new PyFloat(c.adamw.eps)],
        ['weight_decay', new PyFloat(g.weightDecay)],
        ['amsgrad', false],
        ['maximize', false],
        ['foreach', null],
        ['capturable', false],
        ['lr_scale', new PyFloat(g.lrScale)],
        ['params', ids],
      ]),
    );
  }
  const r = c.resume;
  const root = new Map<PyValue, PyValue>([
    ['model', model],
    [
      'optimizer',
      new Map<PyValue, PyValue>([
        ['state', state],
        ['param_groups', paramGroups],
      ]),
    ],
    ['epoch', c.epoch],
    ['scaler', gradScalerState()],
    ['args', namespace(c.args, FLOAT_ARGS)],
    [
      'fsvfm',
      new Map<PyValue, PyValue>([
        ['format', 'fsvfm.finetune-resume/1'],
        ['epoch', r.epoch],
        ['step_in_epoch', r.stepInEpoch],
        ['optimizer_step', c.trainer.step],
        ['rng_state', r.rngState],
        ['best_val_loss', Number.isFinite(r.bestValLoss) ? new PyFloat(r.bestValLoss) : null],
        ['param_names', r.paramNames],
        ['task_state', r.taskState ?? null],
      ]),
    ],
  ]);
  await saveTorchCheckpoint(c.path, root);
}

export interface LoadedResume {
  params: StateDict;
  slots: StateDict;
  step: number;
  epoch: number;
  stepInEpoch: number | null;
  rngState: string | null;
  bestValLoss: number;
  taskState: string | null;
}

const num = (v: PyValue | undefined): number | null =>
  typeof v === 'number' ? v : v instanceof PyFloat ? v.value : typeof v === 'bigint' ? Number(v) : null;

async function readFloat(t: PyValue | undefined, what: string): Promise<StoredData> {
  if (!(t instanceof LazyTensor)) throw new Error(`resume checkpoint: ${what} is not a tensor`);
  const d = await t.read();
  return {
    shape: [...t.shape],
    data: d instanceof Float32Array ? d : Float32Array.from(d as ArrayLike<number>),
  };
}
type StoredData = { shape: number[]; data: Float32Array };

/**
 * Reads a checkpoint written by `saveFinetuneCheckpoint` (or the official code: then the optimizer index → name
 * map comes from `paramNames`, the order the groups were built in).
 */
export async function loadFinetuneResume(path: string, paramNames: readonly string[]): Promise<LoadedResume> {
  const ckpt = await openTorchCheckpoint(path);
  try {
    const root = ckpt.root;
    if (!(root instanceof Map) || !(root.get('model') instanceof Map))
      throw new Error(`${path} is not a fine-tuning checkpoint (no 'model' entry)`);
    const params: StateDict = new Map();
    for (const [k, v] of root.get('model') as Map<PyValue, PyValue>)
      params.set(String(k), await readFloat(v, String(k)));
    const extra = root.get('fsvfm');
    const ex = extra instanceof Map ? extra : null;
    const names = Array.isArray(ex?.get('param_names'))
      ? (ex!.get('param_names') as PyValue[]).map(String)
      : [...paramNames];
    const opt = root.get('optimizer');
    const slots: StateDict = new Map();
    let step = 0;
    const state = opt instanceof Map ? opt.get('state') : null;
    if (state instanceof Map) {
      for (const [idx, entry] of state) {
        const name = names[Number(idx)];
        if (name === undefined || !(entry instanceof Map))
          throw new Error(
            `${path}: optimizer state #${String(idx)} has no parameter name; was it written by another model?`,
          );
        slots.set(`m:${name}`, await readFloat(entry.get('exp_avg'), `${name} exp_avg`));
        slots.set(`v:${name}`, await readFloat(entry.get('exp_avg_sq'), `${name} exp_avg_sq`));
        const s = entry.get('step');
        step = s instanceof LazyTensor ? Number((await s.read())[0]) : (num(s) ?? step);
      }
    }
    const epoch = num(root.get('epoch'));
    if (epoch === null) throw new Error(`${path}: no integer 'epoch' entry`);
    const inEpoch = ex ? num(ex.get('step_in_epoch')) : null;
    const rng = ex?.get('rng_state');
    const taskState = ex?.get('task_state');
    return {
      params,
      slots,
      step: ex ? (num(ex.get('optimizer_step')) ?? step) : step,
      epoch,
      stepInEpoch: inEpoch,
      rngState: typeof rng === 'string' ? rng : null,
      bestValLoss: (ex ? num(ex.get('best_val_loss')) : null) ?? Number.POSITIVE_INFINITY,
      taskState: typeof taskState === 'string' ? taskState : null,
    };
  } finally {
    ckpt.close();
  }
}
