// Parity of the pre-training networks with the official code: forward outputs, losses, gradients of one
// backward pass, one AdamW step and the EMA update (fixture README §"How to use", items 2–3).
import { join } from 'node:path';
import { compile, Graph, grad, type HostTensor, type Tensor } from '../graph/index.js';
import { loadStateDict } from '../models/loadStateDict.js';
import { maskIndices } from '../models/maskIndices.js';
import type { VitConfig as SizeConfig } from '../models/sizes.js';
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
import { fixtureSizeConfig } from './fixtureConfig.js';
import {
  combine,
  compareScalar,
  compareValues,
  FORWARD_TOL,
  readOracleArray,
  readOracleJson,
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

/** Rows [CLS, visible…] are already in increasing patch order: the fixture's canonical order. */
async function forwardChecks(
  dir: string,
  size: SizeConfig,
  batch: Batch,
  online: StateDict,
  target: StateDict,
): Promise<Record<string, CheckResult>> {
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
  // patch_embed output (before the positional rows): traced separately on the same weights
  const exe = await compile(outs);
  const r = await exe.run(feedsFor(batch, online, target));
  const exp = join(dir, 'expected');
  const arr = (name: string) => Array.from(r[name]!.data as Float32Array);
  const cmp = (stem: string, name: string, tol = FORWARD_TOL) =>
    compareValues(stem, arr(name), readOracleArray(exp, stem).data as Float32Array, tol);
  const losses = readOracleJson<Record<string, number>>(exp, 'pretrain_losses.json');
  const scalar = (name: string) => arr(name)[0]!;
  return {
    pretrain_latent: cmp('pretrain_latent', 'latent'),
    pretrain_rep_decoder_out: cmp('pretrain_rep_decoder_out', 'rep'),
    pretrain_rep_pooled: cmp('pretrain_rep_pooled', 'pooled'),
    pretrain_projector_out: cmp('pretrain_projector_out', 'projector'),
    pretrain_predictor_out: cmp('pretrain_predictor_out', 'predictor'),
    pretrain_features_cl: cmp('pretrain_features_cl', 'featuresCl'),
    pretrain_pred: cmp('pretrain_pred', 'pred'),
    pretrain_per_patch_loss: cmp('pretrain_per_patch_loss', 'perPatch'),
    pretrain_patchify: cmp('pretrain_patchify', 'patchify', { abs: 1e-7 }),
    target_rep_pooled: cmp('target_rep_pooled', 'tPooled'),
    target_projector_out: cmp('target_projector_out', 'tProjector'),
    target_features_cl: cmp('target_features_cl', 'tFeatures'),
    'pretrain_losses:rec+simsiam': combine('pretrain_losses (rec, SimSiam, total)', [
      compareScalar('loss_rec_all', scalar('recAll'), losses.loss_rec_all!, 1e-5, 1e-7),
      compareScalar('loss_rec_sfr', scalar('recSfr'), losses.loss_rec_sfr!, 1e-5, 1e-7),
      compareScalar('SimSiamLoss', scalar('simsiam'), losses.SimSiamLoss!, 1e-5, 1e-7),
      compareScalar('total', scalar('total'), losses['total_SimSiam_w0.007_w0.1']!, 1e-5, 1e-7),
    ]),
    pretrain_patch_embed: await patchEmbedCheck(exp, size, batch, online),
    pretrain_latent_patch_index: compareValues(
      'pretrain_latent_patch_index',
      Array.from(batch.idsKeep.data as BigInt64Array, Number),
      readOracleArray(exp, 'pretrain_latent_patch_index').data as Int32Array,
      { abs: 0 },
    ),
  };
}

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

async function adamwCheck(
  dir: string,
  size: SizeConfig,
  batch: Batch,
  online: StateDict,
  target: StateDict,
): Promise<CheckResult> {
  const exp = join(dir, 'expected');
  const ref = readOracleJson<
    Record<string, { online_after: Record<string, ParamStats>; target_after_ema: Record<string, ParamStats> }>
  >(exp, 'pretrain_adamw_step.json');
  const parts: CheckResult[] = [];
  for (const [variant, placement] of [
    ['fresh_optimizer', 'host'],
    ['resumed_optimizer', 'host'],
    ['fresh_optimizer', 'graph'],
  ] as const) {
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
    parts.push(
      ...compareStats(`${label} online`, ref[variant]!.online_after, (n) => trainer.state.params.get(n)),
    );
    parts.push(
      ...compareStats(`${label} target`, ref[variant]!.target_after_ema, (n) =>
        trainer.state.teacher?.get(TARGET_PREFIX + n),
      ),
    );
  }
  return combine('pretrain_adamw_step', parts);
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

/** Every pre-training comparison, keyed by the expected file stem it covers. */
export async function checkPretrainFixtures(dir: string): Promise<Record<string, CheckResult>> {
  const size = fixtureSizeConfig(dir);
  const ck = join(dir, 'checkpoints');
  const online = (await loadStateDict(join(ck, 'pretrain-online.pth'))).stateDict;
  const target = (await loadStateDict(join(ck, 'pretrain-target.pth'))).stateDict;
  const batch = fixtureBatch(dir, size);
  const exp = join(dir, 'expected');
  return {
    ...(await forwardChecks(dir, size, batch, online, target)),
    pretrain_grads: await gradientCheck(exp, size, batch, online, target),
    pretrain_adamw_step: await adamwCheck(dir, size, batch, online, target),
  };
}
