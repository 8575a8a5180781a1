// Recomputes the contrastive-loss values of the oracle fixtures with the traced loss functions (SPEC §4.3, §4.5):
// `expected/pretrain_losses.json` (the self-distillation options on the recorded online/target features) and
// `expected/fsadapter_realanchor_losses.json` (RealAnchorConLoss and its ablations on the recorded FS-Adapter
// projections, every label case, real class 1 and 0). The reconstruction terms, SimSiam and the total need the full
// pre-training model and are checked with it, not here.

import { compile, concat, Graph, hostTensor, reshape, type Tensor } from '../graph/index.js';
import { byolLoss } from '../train/losses/byolLoss.js';
import { infoNceLoss } from '../train/losses/infoNceLoss.js';
import { mocoV3Loss } from '../train/losses/mocoV3Loss.js';
import {
  posNegOnlySupConLoss,
  posOnlySupConLoss,
  realAnchorConLoss,
} from '../train/losses/realAnchorLoss.js';
import { supConLoss } from '../train/losses/supConLoss.js';
import type { CheckResult } from './checkResult.js';
import type { FixtureCheck } from './fixtureCheck.js';
import { arrayFiles, type FixtureSet } from './fixtureSet.js';
import { combine, compareScalar, compareValues } from './oracle.js';

/** pretrain_losses.json key → how it is recomputed from cl = [online, target] views. */
const PRETRAIN_LOSSES: Record<string, (on: Tensor, tg: Tensor) => Tensor> = {
  BYOLLoss: byolLoss,
  'InfoNCELoss_all_t0.1': (on, tg) => infoNceLoss(on, tg, { temperature: 0.1, sample: 'all' }),
  'InfoNCELoss_positive_t0.1': (on, tg) => infoNceLoss(on, tg, { temperature: 0.1, sample: 'positive' }),
  'MOCOV3Loss_t0.1': (on, tg) => mocoV3Loss(on, tg, 0.1),
  'SupConLoss_t0.1_base0.07_unsupervised': (on, tg) => {
    const [b, d] = on.shape as [number, number];
    const views = concat([reshape(on, [b, 1, d]), reshape(tg, [b, 1, d])], 1);
    return supConLoss(views, { temperature: 0.1, baseTemperature: 0.07 });
  },
};

const REAL_ANCHOR_LOSSES = {
  RealAnchorConLoss: realAnchorConLoss,
  PosOnlySupConLoss: posOnlySupConLoss,
  PosNegOnlySupConLoss: posNegOnlySupConLoss,
} as const;

async function pretrainLosses(set: FixtureSet): Promise<CheckResult> {
  const online = await set.array('expected/pretrain_features_cl');
  const target = await set.array('expected/target_features_cl');
  const expected = await set.json<Record<string, number>>('expected/pretrain_losses.json');
  const g = new Graph();
  const on = g.input('online', 'float32', online.shape);
  const tg = g.input('target', 'float32', target.shape);
  const outs: Record<string, Tensor> = {};
  for (const [key, fn] of Object.entries(PRETRAIN_LOSSES)) outs[key] = fn(on, tg);
  const exe = await compile(outs);
  const got = await exe.run({ online: online.data as Float32Array, target: target.data as Float32Array });
  const parts = Object.keys(PRETRAIN_LOSSES).map((key) => {
    const e = expected[key];
    if (e === undefined) throw new Error(`pretrain_losses.json has no '${key}'`);
    return compareScalar(key, got[key]!.data[0] as number, e, 1e-5, 1e-7);
  });
  return combine('pretrain_losses', parts);
}

async function realAnchorLosses(set: FixtureSet): Promise<CheckResult> {
  const proj = await set.array('expected/fsadapter_proj_normalized');
  const expected = await set.json<Record<string, Record<string, number> | string>>(
    'expected/fsadapter_realanchor_losses.json',
  );
  const n = proj.shape[0]!;
  const parts: CheckResult[] = [];
  for (const realClass of [0, 1]) {
    const g = new Graph();
    const feats = g.input('features', 'float32', proj.shape);
    const labels = g.input('labels', 'int64', [n]);
    const outs: Record<string, Tensor> = {};
    for (const [name, fn] of Object.entries(REAL_ANCHOR_LOSSES))
      outs[name] = fn(feats, labels, { realClass });
    const exe = await compile(outs);
    for (const [caseKey, values] of Object.entries(expected)) {
      const m = /^pos(\d)_labels_([01]+)$/.exec(caseKey);
      if (!m || Number(m[1]) !== realClass || typeof values === 'string') continue;
      const labelData = BigInt64Array.from([...m[2]!].map((c) => BigInt(c)));
      if (labelData.length !== n) throw new Error(`${caseKey}: ${labelData.length} labels for ${n} samples`);
      const got = await exe.run({ features: proj.data as Float32Array, labels: hostTensor(labelData, [n]) });
      for (const name of Object.keys(REAL_ANCHOR_LOSSES)) {
        const e = values[name];
        if (e === undefined) throw new Error(`${caseKey} has no '${name}'`);
        parts.push(compareValues(`${caseKey}.${name}`, [got[name]!.data[0] as number], [e], { abs: 1e-5 }));
      }
    }
  }
  return combine('fsadapter_realanchor_losses', parts);
}

/** The loss checks of one fixture set; they need only recorded features, no model. */
export function lossChecks(set: FixtureSet): FixtureCheck[] {
  return [
    {
      id: 'pretrain_losses',
      needs: [
        ...arrayFiles('expected/pretrain_features_cl'),
        ...arrayFiles('expected/target_features_cl'),
        'expected/pretrain_losses.json',
      ],
      run: () => pretrainLosses(set),
    },
    {
      id: 'fsadapter_realanchor_losses',
      needs: [
        ...arrayFiles('expected/fsadapter_proj_normalized'),
        'expected/fsadapter_realanchor_losses.json',
      ],
      run: () => realAnchorLosses(set),
    },
  ];
}
