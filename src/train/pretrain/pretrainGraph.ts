// The FS-VFM pre-training step traced as one graph: online network on the masked view, target network on the full
// view (same graph, own registry under the `target.` prefix), reconstruction + SFR + contrastive losses (SPEC §4.4).
import { add, Graph, mulScalar, type Tensor } from '../../graph/index.js';
import {
  fsvfmOnline,
  fsvfmTarget,
  type OnlineOutputs,
  type TargetOutputs,
} from '../../models/fsvfmPretrain.js';
import type { SizeConfig } from '../../models/sizes.js';
import { seededRandom } from '../../nn/random.js';
import { ParamRegistry, type ParamSpec, Scope } from '../../nn/scope.js';
import { initStateDict, type StateDict } from '../../nn/stateDict.js';
import type { ParamGroup, TrainGraphSpec } from '../graphTrainer.js';
import { byolLoss, infoNceLoss, mocoV3Loss, reconstructionLosses, simsiamLoss } from '../losses/index.js';
import type { ReconstructionLosses } from '../losses/reconstructionLoss.js';
import type { AdamWConfig } from '../optim/adamw.js';
import { featureSpread } from './featureSpread.js';
import { officialOrder } from './paramOrder.js';
import type { ClLossName } from './pretrainOptions.js';

export const TARGET_PREFIX = 'target.';

/** The pre-training AdamW (SPEC §5.2): β = (0.9, 0.95). */
export const ADAMW_PRETRAIN: AdamWConfig = { beta1: 0.9, beta2: 0.95, eps: 1e-8 };

export interface PretrainLossConfig {
  maskRatio: number;
  normPixLoss: boolean;
  weightSfr: number;
  weightCl: number;
  clLoss: ClLossName;
  accumIter: number;
}

/** The official scripts' objective: rec_all + 0.007·rec_sfr + 0.1·SimSiam, norm_pix, mask ratio 0.75. */
export const OFFICIAL_PRETRAIN_LOSS: PretrainLossConfig = {
  maskRatio: 0.75,
  normPixLoss: true,
  weightSfr: 0.007,
  weightCl: 0.1,
  clLoss: 'SimSiam',
  accumIter: 1,
};

export interface PretrainGraph {
  online: Scope;
  target: Scope;
  /** what the optimizer differentiates: total / accum_iter */
  loss: Tensor;
  /** fetched each step: total, loss_rec_all, loss_rec_sfr, loss_cl, target_std, target_cos (featureSpread.ts) */
  metrics: Record<string, Tensor>;
  /** patches the encoder keeps */
  nKeep: number;
  numPatches: number;
  /** the traced intermediates (parity checks, visualisation) */
  images: Tensor;
  outputs: { online: OnlineOutputs; target: TargetOutputs; rec: ReconstructionLosses; cl: Tensor };
}

export function patchCounts(size: SizeConfig, maskRatio: number): { numPatches: number; nKeep: number } {
  const numPatches = (size.imgSize / size.patchSize) ** 2;
  return { numPatches, nKeep: numPatches - Math.floor(maskRatio * numPatches) };
}

function contrastive(name: ClLossName, online: Tensor, target: Tensor): Tensor {
  switch (name) {
    case 'SimSiam':
      return simsiamLoss(online, target);
    case 'BYOL':
      return byolLoss(online, target);
    case 'InfoNCE':
      return infoNceLoss(online, target);
    case 'MoCoV3':
      return mocoV3Loss(online, target);
  }
}

export function tracePretrainStep(size: SizeConfig, batch: number, cfg: PretrainLossConfig): PretrainGraph {
  const g = new Graph();
  const online = Scope.root(g);
  const target = new Scope(new ParamRegistry(g), 'target');
  const { numPatches, nKeep } = patchCounts(size, cfg.maskRatio);
  const images = g.input('images', 'float32', [batch, 3, size.imgSize, size.imgSize]);
  const mask = g.input('mask', 'float32', [batch, numPatches]);
  const sfr = g.input('sfr', 'float32', [batch, numPatches]);
  const idsKeep = g.input('idsKeep', 'int64', [batch, nKeep]);
  const idsRestore = g.input('idsRestore', 'int64', [batch, numPatches]);
  const on = fsvfmOnline(online, { images, idsKeep, idsRestore }, size);
  const tg = fsvfmTarget(target, images, size);
  const rec = reconstructionLosses(images, on.pred, mask, sfr, size.patchSize, cfg.normPixLoss);
  const cl = contrastive(cfg.clLoss, on.featuresCl, tg.featuresCl);
  const total = add(add(rec.all, mulScalar(rec.sfr, cfg.weightSfr)), mulScalar(cl, cfg.weightCl));
  const loss = cfg.accumIter > 1 ? mulScalar(total, 1 / cfg.accumIter) : total;
  // the target features' spread, so a collapse shows next to the contrastive loss that cannot reveal it
  const spread = featureSpread(tg.projector);
  return {
    online,
    target,
    loss,
    metrics: {
      total,
      loss_rec_all: rec.all,
      loss_rec_sfr: rec.sfr,
      loss_cl: cl,
      target_std: spread.std,
      ...(spread.cos ? { target_cos: spread.cos } : {}),
    },
    nKeep,
    numPatches,
    images,
    outputs: { online: on, target: tg, rec, cl },
  };
}

/** Parameter specs of a registry in the official order. */
export function orderedSpecs(registry: ParamRegistry): ParamSpec[] {
  return officialOrder([...registry.specs.keys()]).map((n) => registry.specs.get(n)!);
}

/**
 * Fresh weights (SPEC §1.4.2) and the target built from them: every target parameter whose name exists in the
 * online network is an exact copy (`load(online.state_dict(), strict=False)`, SPEC §1.5).
 */
export function initialWeights(g: PretrainGraph, seed: number): { online: StateDict; target: StateDict } {
  const online = initStateDict(orderedSpecs(g.online.registry), seededRandom(seed));
  const own = initStateDict(orderedSpecs(g.target.registry), seededRandom(seed + 1));
  const target: StateDict = new Map();
  for (const [name, v] of own) {
    const src = online.get(name.slice(TARGET_PREFIX.length));
    target.set(name, src ? { shape: [...src.shape], data: Float32Array.from(src.data) } : v);
  }
  return { online, target };
}

/** The step-graph spec of pre-training: the online network under AdamW and clipping, the EMA target paired by name. */
export function pretrainTrainerSpec(
  g: PretrainGraph,
  groups: ParamGroup[],
  clipGrad: number,
): TrainGraphSpec {
  return {
    loss: g.loss,
    registry: g.online.registry,
    groups,
    optimizer: { kind: 'adamw', config: ADAMW_PRETRAIN },
    ...(clipGrad > 0 ? { clipGrad } : {}),
    teacher: { registry: g.target.registry, prefix: TARGET_PREFIX },
    metrics: g.metrics,
  };
}
