// AdamW state in torch 1.13's `optimizer.state_dict()` layout: `state` keyed by integer parameter index
// ({exp_avg, exp_avg_sq, step}), `param_groups` with the hyper-parameters and the index lists. Indices run over
// the groups in order (timm add_weight_decay: no-decay group first), each group in parameter order.
import { LazyTensor } from '../../io/lazyTensor.js';
import { PyFloat, PyTuple, type PyValue } from '../../io/pickleValues.js';
import type { PicklableValue } from '../../io/pickleWriter.js';
import { torchTensor } from '../../io/torchSave.js';
import type { StateDict } from '../../nn/stateDict.js';
import type { ParamGroup } from '../graphTrainer.js';
import type { AdamWConfig } from '../optim/adamw.js';

/** Parameter name of each optimizer index. */
export function optimizerIndexNames(groups: readonly ParamGroup[]): string[] {
  return groups.flatMap((g) => g.params);
}

export function torchAdamwStateDict(
  groups: readonly ParamGroup[],
  slots: StateDict,
  step: number,
  lr: number,
  cfg: AdamWConfig,
): PicklableValue {
  const state = new Map<PyValue, PyValue>();
  let index = 0;
  const paramGroups: PicklableValue[] = [];
  for (const g of groups) {
    const indices: number[] = [];
    for (const name of g.params) {
      const m = slots.get(`m:${name}`);
      const v = slots.get(`v:${name}`);
      if (step > 0 && m && v) {
        const entry = new Map<PyValue, PyValue>([
          ['step', torchTensor('float32', [], Float32Array.of(step))],
          ['exp_avg', torchTensor('float32', m.shape, m.data)],
          ['exp_avg_sq', torchTensor('float32', v.shape, v.data)],
        ]);
        state.set(index, entry);
      }
      indices.push(index++);
    }
    paramGroups.push(
      new Map<PyValue, PyValue>([
        ['weight_decay', new PyFloat(g.weightDecay)],
        ['lr', new PyFloat(lr * g.lrScale)],
        ['betas', PyTuple.fromItems([new PyFloat(cfg.beta1), new PyFloat(cfg.beta2)])],
        ['eps', new PyFloat(cfg.eps)],
        ['amsgrad', false],
        ['foreach', null],
        ['maximize', false],
        ['capturable', false],
        ['params', indices],
      ]) as PyValue,
    );
  }
  return new Map<PyValue, PyValue>([
    ['state', state],
    ['param_groups', paramGroups as PyValue],
  ]);
}

/** Reads `m:`/`v:` slots and the step count back from a torch AdamW state dict. */
export async function readTorchAdamwState(
  optimizer: PyValue | undefined,
  groups: readonly ParamGroup[],
): Promise<{ slots: StateDict; step: number }> {
  if (!(optimizer instanceof Map)) throw new Error('checkpoint has no optimizer state dict');
  const state = optimizer.get('state');
  const pg = optimizer.get('param_groups');
  if (!(state instanceof Map) || !Array.isArray(pg)) throw new Error('optimizer state dict is malformed');
  const names = optimizerIndexNames(groups);
  const counts = pg.map((g) =>
    g instanceof Map && Array.isArray(g.get('params')) ? (g.get('params') as unknown[]).length : -1,
  );
  const expected = groups.map((g) => g.params.length);
  if (counts.join() !== expected.join())
    throw new Error(
      `optimizer groups hold [${counts.join(', ')}] parameters, this model needs [${expected.join(', ')}]: the checkpoint is from another model or recipe`,
    );
  const slots: StateDict = new Map();
  let step = 0;
  for (const [idx, entry] of state) {
    const name = names[Number(idx)];
    if (name === undefined || !(entry instanceof Map))
      throw new Error(`optimizer state has an unknown index ${String(idx)}`);
    for (const [slot, key] of [
      ['m', 'exp_avg'],
      ['v', 'exp_avg_sq'],
    ] as const) {
      const t = entry.get(key);
      if (!(t instanceof LazyTensor)) throw new Error(`optimizer state ${String(idx)} has no ${key}`);
      slots.set(`${slot}:${name}`, {
        shape: [...t.shape],
        data: Float32Array.from((await t.read()) as Float32Array),
      });
    }
    const s = entry.get('step');
    step = s instanceof LazyTensor ? Number(((await s.read()) as Float32Array)[0]) : Number(s);
  }
  return { slots, step };
}
