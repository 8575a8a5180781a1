// Parity of the pre-training networks with the official code: forward outputs, losses, gradients of one
// backward pass, one AdamW step and the EMA update (fixture README §"How to use", items 2–3).
import { join } from 'node:path';
import { compile, Graph, grad, type HostTensor, type Tensor } from '../graph/index.js';
import { maskIndices } from '../models/maskIndices.js';
import type { SizeConfig } from '../models/sizes.js';
import { seededRandom } from '../nn/random.js';
import { Scope } from '../nn/scope.js';
import type { StateDict } from '../nn/stateDict.js';
import { GraphTrainer } from '../train/graphTrainer.js';
import { patchify } from '../train/losses/patchify.js';
import { weightDecayGroups } from '../train/paramGroups.js';
import {
  OFFICIAL_PRETRAIN_LOSS,
  type PretrainGraph,
  type PretrainLossConfig,
  pretrainTrainerSpec,
  TARGET_PREFIX,
  tracePretrainStep,
} from '../train/pretrain/pretrainGraph.js';
import type { CheckResult } from './checkResult.js';
import type { FixtureCheck } from './fixtureCheck.js';
import { fixtureSizeConfig } from './fixtureConfig.js';
import { arrayFiles, type FixtureSet, GENERATION_RECORD } from './fixtureSet.js';
import {
  combine,
  compareScalar,
  compareValues,
  FORWARD_TOL,
  readOracleArray,
  readOracleJson,
  type Tolerance,
} from './oracle.js';

interface Batch {
  images: HostTensor;
  mask: HostTensor;
  sfr: HostTensor;
  idsKeep: HostTensor;
  idsRestore: HostTensor;
}

function fixtureBatch(dir: string, size: SizeConfig): Batch {
  const inputs = join(dir, 'inputs');
  const images = readOracleArray(inputs, 'images');
  const mask = readOracleArray(inputs, 'masks');
  const sfr = readOracleArray(inputs, 'sfr_masks');
  const [b] = images.shape as [number];
  const L = (size.imgSize / size.patchSize) ** 2;
  const nKeep = Math.floor(L * (1 - 0.75));
  const idx = maskIndices(mask.data, b, L, nKeep);
  const f32 = (d: OracleArrayData, shape: number[]): HostTensor => ({
    dtype: 'float32',
    shape,
    data: d as Float32Array,
  });
  return {
    images: f32(images.data, images.shape),
    mask: f32(mask.data, mask.shape),
    sfr: f32(sfr.data, sfr.shape),
    idsKeep: { dtype: 'int64', shape: [b, nKeep], data: idx.idsKeep },
    idsRestore: { dtype: 'int64', shape: [b, L], data: idx.idsRestore },
  };
}
type OracleArrayData = ReturnType<typeof readOracleArray>['data'];

/** The fixture was recorded with the official objective. */
const FIXTURE_LOSS: PretrainLossConfig = OFFICIAL_PRETRAIN_LOSS;

function tracePretrain(size: SizeConfig, batch: Batch): PretrainGraph {
  return tracePretrainStep(size, batch.images.shape[0]!, FIXTURE_LOSS);
}

function feedsFor(batch: Batch, online: StateDict, target: StateDict): Record<string, HostTensor> {
  const feeds: Record<string, HostTensor> = {
    images: batch.images,
    mask: batch.mask,
    sfr: batch.sfr,
    idsKeep: batch.idsKeep,
    idsRestore: batch.idsRestore,
  };
  for (const [k, v] of online) feeds[k] = { dtype: 'float32', shape: v.shape, data: v.data };
  for (const [k, v] of target) feeds[TARGET_PREFIX + k] = { dtype: 'float32', shape: v.shape, data: v.data };
  return feeds;
}

/** Every forward output of the pre-training step on the fixture batch, one graph run. */
async function forwardOutputs(
  size: SizeConfig,
  batch: Batch,
  online: StateDict,
  target: StateDict,
): Promise<Record<string, Float32Array>> {
  const t = tracePretrain(size, batch);
  const { online: on, target: tg, rec, cl } = t.outputs;
  const outs: Record<string, Tensor> = {
    latent: on.latent,
    rep: on.repOut,
    pooled: on.pooled,
    projector: on.projector,
    predictor: on.predictor,
    featuresCl: on.featuresCl,
    pred: on.pred,
    perPatch: rec.perPatch,
    patchify: patchify(t.images, size.patchSize),
    tPooled: tg.pooled,
    tProjector: tg.projector,
    tFeatures: tg.featuresCl,
    recAll: rec.all,
    recSfr: rec.sfr,
    simsiam: cl,
    total: t.loss,
  };
  const r = await (await compile(outs)).run(feedsFor(batch, online, target));
  return Object.fromEntries(Object.keys(outs).map((k) => [k, r[k]!.data as Float32Array]));
}

/** Recorded forward outputs, keyed by their expected-file stem (rows [CLS, visible…] in increasing patch order). */
const FORWARD_STEMS: ReadonlyArray<[stem: string, output: string, tol?: Tolerance]> = [
  ['pretrain_latent', 'latent'],
  ['pretrain_rep_decoder_out', 'rep'],
  ['pretrain_rep_pooled', 'pooled'],
  ['pretrain_projector_out', 'projector'],
  ['pretrain_predictor_out', 'predictor'],
  ['pretrain_features_cl', 'featuresCl'],
  ['pretrain_pred', 'pred'],
  ['pretrain_per_patch_loss', 'perPatch'],
  ['pretrain_patchify', 'patchify', { abs: 1e-7 }],
  ['target_rep_pooled', 'tPooled'],
  ['target_projector_out', 'tProjector'],
  ['target_features_cl', 'tFeatures'],
];

async function patchEmbedCheck(
  exp: string,
  size: SizeConfig,
  batch: Batch,
  online: StateDict,
): Promise<CheckResult> {
  const { patchEmbed } = await import('../nn/patchEmbed.js');
  const g = new Graph();
  const s = Scope.root(g);
  const images = g.input('images', 'float32', batch.images.shape);
  const exe = await compile({ y: patchEmbed(s.child('patch_embed'), images, size.embedDim, size.patchSize) });
  const feeds: Record<string, HostTensor> = { images: batch.images };
  for (const k of ['patch_embed.proj.weight', 'patch_embed.proj.bias']) {
    const v = online.get(k)!;
    feeds[k] = { dtype: 'float32', shape: v.shape, data: v.data };
  }
  const y = (await exe.run(feeds)).y!.data as Float32Array;
  return compareValues(
    'pretrain_patch_embed',
    y,
    readOracleArray(exp, 'pretrain_patch_embed').data as Float32Array,
    FORWARD_TOL,
  );
}

interface ParamStats {
  shape: number[];
  l2: number;
  sum: number;
  abs_max: number;
  first: number[];
  values?: number[];
}

function l2(d: Float32Array): number {
  let s = 0;
  for (const v of d) s += v * v;
  return Math.sqrt(s);
}

async function gradientCheck(
  exp: string,
  size: SizeConfig,
  batch: Batch,
  online: StateDict,
  target: StateDict,
): Promise<CheckResult> {
  const t = tracePretrain(size, batch);
  const names = t.online.registry
    .list()
    .filter((p) => p.trainable)
    .map((p) => p.name);
  const grads = grad(
    t.loss,
    names.map((n) => t.loss.graph.get(n)!),
  );
  const outs: Record<string, Tensor> = { loss: t.loss };
  names.forEach((n, i) => {
    outs[`grad:${n}`] = grads[i]!;
  });
  const r = await (await compile(outs)).run(feedsFor(batch, online, target));
  const ref = readOracleJson<{ global_grad_l2: number; per_param: Record<string, ParamStats> }>(
    exp,
    'pretrain_grads.json',
  );
  const parts: CheckResult[] = [];
  let sq = 0;
  for (const [name, st] of Object.entries(ref.per_param)) {
    const got = r[`grad:${name}`];
    if (!got) {
      parts.push({
        name,
        pass: false,
        worstAbsErr: Number.NaN,
        tolerance: 'present',
        detail: 'no gradient computed',
      });
      continue;
    }
    const d = got.data as Float32Array;
    const norm = l2(d);
    sq += norm * norm;
    parts.push(compareScalar(`${name} l2`, norm, st.l2, 1e-4, 1e-9));
    const elems = st.values ?? st.first;
    parts.push(
      compareValues(`${name} values`, Array.from(d.subarray(0, elems.length)), elems, {
        abs: 1e-4 * st.abs_max + 1e-12,
      }),
    );
  }
  parts.push(compareScalar('global_grad_l2', Math.sqrt(sq), ref.global_grad_l2, 1e-4));
  return combine('pretrain_grads', parts);
}

/** One AdamW step (+ EMA) from the fixture checkpoints, with a fresh or the checkpoint's optimizer state. */
const ADAMW_VARIANTS = [
  ['fresh_optimizer', 'host'],
  ['resumed_optimizer', 'host'],
  ['fresh_optimizer', 'graph'],
] as const;

async function adamwCheck(
  dir: string,
  variant: (typeof ADAMW_VARIANTS)[number][0],
  placement: (typeof ADAMW_VARIANTS)[number][1],
  size: SizeConfig,
  batch: Batch,
  online: StateDict,
  target: StateDict,
): Promise<CheckResult> {
  const ref = readOracleJson<
    Record<string, { online_after: Record<string, ParamStats>; target_after_ema: Record<string, ParamStats> }>
  >(join(dir, 'expected'), 'pretrain_adamw_step.json');
  const t = tracePretrain(size, batch);
  const specs = t.online.registry.list();
  const trainable = (n: string) => t.online.registry.specs.get(n)?.trainable ?? false;
  const teacher = new Map(
    [...target].map(([k, v]) => [TARGET_PREFIX + k, { shape: v.shape, data: Float32Array.from(v.data) }]),
  );
  const params = new Map(
    [...online].map(([k, v]) => [k, { shape: v.shape, data: Float32Array.from(v.data) }]),
  );
  const resumed = variant === 'resumed_optimizer' ? await optimizerSlots(dir, params) : null;
  const trainer = await GraphTrainer.create(
    pretrainTrainerSpec(t, weightDecayGroups(specs, 0.05, trainable), 1.0),
    { params, teacher, ...(resumed ? { slots: resumed.slots, step: resumed.step } : {}) },
    { rng: seededRandom(0), placement },
  );
  const f = feedsFor(batch, new Map(), new Map());
  await trainer.step(
    { images: f.images!, mask: f.mask!, sfr: f.sfr!, idsKeep: f.idsKeep!, idsRestore: f.idsRestore! },
    { lr: 1e-3, emaMomentum: 0.996 },
  );
  const label = `${variant} (${placement})`;
  return combine(`pretrain_adamw_step ${label}`, [
    ...compareStats(`${label} online`, ref[variant]!.online_after, (n) => trainer.state.params.get(n)),
    ...compareStats(`${label} target`, ref[variant]!.target_after_ema, (n) =>
      trainer.state.teacher?.get(TARGET_PREFIX + n),
    ),
  ]);
}

/** Recorded per-tensor values (all when small, else the first few) against ours, abs 1e-4 + rel 1e-4. */
function compareStats(
  label: string,
  ref: Record<string, ParamStats>,
  get: (name: string) => { data: Float32Array } | undefined,
): CheckResult[] {
  return Object.entries(ref).map(([name, st]) => {
    const v = get(name);
    const want = st.values ?? st.first;
    if (!v)
      return {
        name: `${label} ${name}`,
        pass: false,
        worstAbsErr: Number.NaN,
        tolerance: 'present',
        detail: 'missing',
      };
    return compareValues(`${label} ${name}`, Array.from(v.data.subarray(0, want.length)), want, {
      abs: 1e-4,
      rel: 1e-4,
    });
  });
}

/** AdamW slots of pretrain-online.pth, mapped from optimizer indices to parameter names. */
async function optimizerSlots(dir: string, params: StateDict): Promise<{ slots: StateDict; step: number }> {
  const { openTorchCheckpoint } = await import('../io/torchCheckpoint.js');
  const { LazyTensor } = await import('../io/lazyTensor.js');
  const desc = readOracleJson<{
    _optimizer_index_to_name: Record<string, Array<{ index: number; name: string }>>;
  }>(join(dir, 'expected'), 'checkpoints_description.json');
  const list = desc._optimizer_index_to_name['pretrain-online.pth / pretrain-target.pth'] ?? [];
  const indexToName = Object.fromEntries(list.map((e) => [String(e.index), e.name]));
  const ckpt = await openTorchCheckpoint(join(dir, 'checkpoints', 'pretrain-online.pth'));
  try {
    const root = ckpt.root as Map<string, unknown>;
    const state = (root.get('optimizer') as Map<string, unknown>).get('state') as Map<
      number,
      Map<string, unknown>
    >;
    const slots: StateDict = new Map();
    let step = 0;
    for (const [idx, entry] of state) {
      const name = indexToName[String(idx)];
      if (!name || !params.has(name)) continue;
      for (const [slot, key] of [
        ['m', 'exp_avg'],
        ['v', 'exp_avg_sq'],
      ] as const) {
        const t = entry.get(key);
        if (t instanceof LazyTensor)
          slots.set(`${slot}:${name}`, { shape: [...t.shape], data: (await t.read()) as Float32Array });
      }
      const s = entry.get('step');
      step = s instanceof LazyTensor ? Number(((await s.read()) as Float32Array)[0]) : Number(s);
    }
    return { slots, step };
  } finally {
    ckpt.close();
  }
}

const ONLINE = 'checkpoints/pretrain-online.pth';
const TARGET = 'checkpoints/pretrain-target.pth';
const BATCH_FILES = [
  GENERATION_RECORD,
  ...arrayFiles('inputs/images'),
  ...arrayFiles('inputs/masks'),
  ...arrayFiles('inputs/sfr_masks'),
];
const MODEL_FILES = [...BATCH_FILES, ONLINE, TARGET];

/** Every pre-training comparison of one fixture set. */
export function pretrainChecks(set: FixtureSet): FixtureCheck[] {
  const size = () => set.once('size config', async () => fixtureSizeConfig(set.dir));
  const batch = () => set.once('pre-training batch', async () => fixtureBatch(set.dir, await size()));
  const networks = async () => ({ online: await set.stateDict(ONLINE), target: await set.stateDict(TARGET) });
  const outputs = () =>
    set.once('pre-training forward outputs', async () => {
      const { online, target } = await networks();
      return forwardOutputs(await size(), await batch(), online, target);
    });
  const exp = set.path('expected');
  const checks: FixtureCheck[] = FORWARD_STEMS.map(([stem, output, tol]) => ({
    id: stem,
    needs: [...MODEL_FILES, ...arrayFiles(`expected/${stem}`)],
    run: async () =>
      compareValues(
        stem,
        (await outputs())[output]!,
        (await set.array(`expected/${stem}`)).data as Float32Array,
        tol ?? FORWARD_TOL,
      ),
  }));
  checks.push(
    {
      id: 'pretrain_losses:rec+simsiam',
      needs: [...MODEL_FILES, 'expected/pretrain_losses.json'],
      run: async () => {
        const losses = await set.json<Record<string, number>>('expected/pretrain_losses.json');
        const out = await outputs();
        const scalar = (name: string) => out[name]![0]!;
        return combine('pretrain_losses (rec, SimSiam, total)', [
          compareScalar('loss_rec_all', scalar('recAll'), losses.loss_rec_all!, 1e-5, 1e-7),
          compareScalar('loss_rec_sfr', scalar('recSfr'), losses.loss_rec_sfr!, 1e-5, 1e-7),
          compareScalar('SimSiamLoss', scalar('simsiam'), losses.SimSiamLoss!, 1e-5, 1e-7),
          compareScalar('total', scalar('total'), losses['total_SimSiam_w0.007_w0.1']!, 1e-5, 1e-7),
        ]);
      },
    },
    {
      id: 'pretrain_patch_embed',
      needs: [...BATCH_FILES, ONLINE, ...arrayFiles('expected/pretrain_patch_embed')],
      run: async () => patchEmbedCheck(exp, await size(), await batch(), await set.stateDict(ONLINE)),
    },
    {
      id: 'pretrain_latent_patch_index',
      needs: [...BATCH_FILES, ...arrayFiles('expected/pretrain_latent_patch_index')],
      run: async () =>
        compareValues(
          'pretrain_latent_patch_index',
          Array.from((await batch()).idsKeep.data as BigInt64Array, Number),
          (await set.array('expected/pretrain_latent_patch_index')).data as Int32Array,
          { abs: 0 },
        ),
    },
    {
      id: 'pretrain_grads',
      needs: [...MODEL_FILES, 'expected/pretrain_grads.json'],
      run: async () => {
        const { online, target } = await networks();
        return gradientCheck(exp, await size(), await batch(), online, target);
      },
    },
  );
  for (const [variant, placement] of ADAMW_VARIANTS) {
    checks.push({
      id: `pretrain_adamw_step:${variant} (${placement})`,
      needs: [
        ...MODEL_FILES,
        'expected/pretrain_adamw_step.json',
        ...(variant === 'resumed_optimizer' ? ['expected/checkpoints_description.json'] : []),
      ],
      run: async () => {
        const { online, target } = await networks();
        return adamwCheck(set.dir, variant, placement, await size(), await batch(), online, target);
      },
    });
  }
  return checks;
}
