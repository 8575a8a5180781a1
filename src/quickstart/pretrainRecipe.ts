// The recipe the quickstart's pre-training ran, in the official main_pretrain flag names, for summary.json and the
// report: what a reader needs to repeat the stage with `fsvfm pretrain` (paths and model widths are elsewhere).
import type { MaskStrategyName } from '../data/masking/maskStrategy.js';
import {
  type ClLossName,
  effectiveLr,
  type ResolvedPretrainOptions,
} from '../train/pretrain/pretrainOptions.js';

export interface PretrainRecipe {
  norm_pix_loss: boolean;
  mask_ratio: number;
  mask_strategy: MaskStrategyName;
  weight_sfr: number;
  weight_cl: number;
  cl_loss: ClLossName;
  batch_size: number;
  accum_iter: number;
  epochs: number;
  warmup_epochs: number;
  lr: number;
  min_lr: number;
  weight_decay: number;
  t_momentum: number;
  clip_grad: number;
  seed: number;
}

export function pretrainRecipe(o: ResolvedPretrainOptions): PretrainRecipe {
  return {
    norm_pix_loss: o.normPixLoss,
    mask_ratio: o.maskRatio,
    mask_strategy: o.maskStrategy,
    weight_sfr: o.weightSfr,
    weight_cl: o.weightCl,
    cl_loss: o.clLoss,
    batch_size: o.batchSize,
    accum_iter: o.accumIter,
    epochs: o.epochs,
    warmup_epochs: o.warmupEpochs,
    lr: effectiveLr(o),
    min_lr: o.minLr,
    weight_decay: o.weightDecay,
    t_momentum: o.tMomentum,
    clip_grad: o.clipGrad,
    seed: o.seed,
  };
}

/** The recipe as `fsvfm pretrain` flags, one line for the report (a false switch is left out). */
export function recipeFlags(r: PretrainRecipe): string {
  return Object.entries(r)
    .map(([k, v]) => (typeof v === 'boolean' ? (v ? `--${k}` : '') : `--${k} ${v}`))
    .filter(Boolean)
    .join(' ');
}
