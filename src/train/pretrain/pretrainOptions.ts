// Options of `fsvfm pretrain` (the official main_pretrain flags, SPEC §5.2) and the model size they select.
import type { MaskStrategyName } from '../../data/masking/maskStrategy.js';
import { customVit, MODEL_NAMES, type SizeConfig, vitSize } from '../../models/sizes.js';
import { type Defaulted, withDefaults } from '../run/withDefaults.js';

export type ClLossName = 'SimSiam' | 'BYOL' | 'InfoNCE' | 'MoCoV3';
export const CL_LOSS_NAMES: readonly ClLossName[] = ['SimSiam', 'BYOL', 'InfoNCE', 'MoCoV3'];

/** Widths of `--model custom` (small demo and test models). */
export interface CustomModelDims {
  embedDim: number;
  depth: number;
  numHeads: number;
  decoderEmbedDim: number;
  decoderDepth: number;
  decoderNumHeads: number;
  repDecoderDepth: number;
  repDecoderNumHeads: number;
  projectionSize: number;
  projectionHiddenSize: number;
}

export interface PretrainOptions {
  data: string[];
  outputDir: string;
  /** official name (`fsfm_vit_small_patch16`, …) or `custom` */
  model?: string;
  custom?: CustomModelDims;
  maskRatio?: number;
  maskStrategy?: MaskStrategyName;
  normPixLoss?: boolean;
  weightSfr?: number;
  weightCl?: number;
  clLoss?: ClLossName;
  batchSize?: number;
  accumIter?: number;
  epochs?: number;
  /** base lr; lr = blr · batch · accum / 256 unless `lr` is given */
  blr?: number;
  lr?: number;
  minLr?: number;
  warmupEpochs?: number;
  weightDecay?: number;
  tMomentum?: number;
  clipGrad?: number;
  seed?: number;
  resume?: string;
  /** bug-compatible EMA no-op of the documented 4-GPU launch (SPEC §9 #1) */
  emaNoop?: boolean;
  threads?: number;
  /** stop (with a resumable checkpoint) after this many data iterations in total */
  maxSteps?: number;
  saveEvery?: number;
  /** loader worker threads (0: decode on the main thread) */
  workers?: number;
  prefetch?: number;
  /** validation faces drawn in the per-epoch reconstruction sheet (0: none) */
  visCount?: number;
}

export const PRETRAIN_DEFAULTS = {
  model: 'fsfm_vit_base_patch16',
  maskRatio: 0.75,
  maskStrategy: 'crfr-p',
  normPixLoss: false,
  weightSfr: 0.007,
  weightCl: 0.1,
  clLoss: 'SimSiam',
  batchSize: 64,
  accumIter: 1,
  epochs: 400,
  blr: 1e-3,
  minLr: 0,
  warmupEpochs: 40,
  weightDecay: 0.05,
  tMomentum: 0.996,
  clipGrad: 1.0,
  seed: 0,
  emaNoop: false,
  saveEvery: 20,
  workers: 1,
  prefetch: 2,
  visCount: 4,
} as const satisfies Partial<PretrainOptions>;

/** The options with every default filled in: what the run works with. */
export type ResolvedPretrainOptions = Defaulted<PretrainOptions, typeof PRETRAIN_DEFAULTS>;

export function resolvePretrainOptions(o: PretrainOptions): ResolvedPretrainOptions {
  return withDefaults(o, PRETRAIN_DEFAULTS);
}

/** The size configuration of `--model`; throws with the accepted names when it is unknown. */
export function pretrainSize(opts: { model: string; custom?: CustomModelDims }): SizeConfig {
  if (opts.model === 'custom') {
    const c = opts.custom;
    if (!c) throw new Error('--model custom needs --embed_dim, --depth, --num_heads and the decoder widths');
    for (const [w, h, what] of [
      [c.embedDim, c.numHeads, 'embed_dim / num_heads'],
      [c.decoderEmbedDim, c.decoderNumHeads, 'decoder_embed_dim / decoder_num_heads'],
      [c.embedDim, c.repDecoderNumHeads, 'embed_dim / rep_decoder_num_heads'],
    ] as const)
      if (!(w > 0 && h > 0 && w % h === 0))
        throw new Error(`--model custom: ${what} = ${w} / ${h} must be a whole head width`);
    return customVit({
      embedDim: c.embedDim,
      depth: c.depth,
      numHeads: c.numHeads,
      patchSize: 16,
      repDecoder: { dim: c.embedDim, depth: c.repDecoderDepth, heads: c.repDecoderNumHeads },
      pixelDecoder: { dim: c.decoderEmbedDim, depth: c.decoderDepth, heads: c.decoderNumHeads },
      projector: { hidden: c.projectionHiddenSize, out: c.projectionSize },
    });
  }
  if (!(opts.model in MODEL_NAMES) || !opts.model.startsWith('fsfm_'))
    throw new Error(
      `unknown --model '${opts.model}': use ${Object.keys(MODEL_NAMES)
        .filter((n) => n.startsWith('fsfm_'))
        .join(', ')} or custom`,
    );
  return vitSize(opts.model);
}

/** lr = blr · effective batch / 256 unless given (SPEC §5.1). */
export function effectiveLr(
  opts: Pick<ResolvedPretrainOptions, 'lr' | 'blr' | 'batchSize' | 'accumIter'>,
): number {
  return opts.lr ?? (opts.blr * opts.batchSize * opts.accumIter) / 256;
}
