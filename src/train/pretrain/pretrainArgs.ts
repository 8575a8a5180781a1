// The `args` namespace written into pre-training checkpoints: the official main_pretrain flag names and values.
import type { ResolvedPretrainOptions } from './pretrainOptions.js';

export function pretrainArgs(
  o: ResolvedPretrainOptions,
  lr: number,
): Record<string, string | number | boolean | null | string[]> {
  return {
    batch_size: o.batchSize,
    epochs: o.epochs,
    accum_iter: o.accumIter,
    model: o.model,
    input_size: 224,
    mask_ratio: o.maskRatio,
    mask_strategy: o.maskStrategy,
    norm_pix_loss: o.normPixLoss,
    weight_sfr: o.weightSfr,
    weight_cl: o.weightCl,
    cl_loss: o.clLoss,
    cl_sample: 'all',
    weight_decay: o.weightDecay,
    lr,
    blr: o.blr,
    min_lr: o.minLr,
    warmup_epochs: o.warmupEpochs,
    t_momentum: o.tMomentum,
    clip_grad: o.clipGrad,
    pretrain_data_path: o.data,
    output_dir: o.outputDir,
    seed: o.seed,
    resume: o.resume ?? '',
    ema_noop: o.emaNoop,
    ...(o.custom
      ? {
          embed_dim: o.custom.embedDim,
          depth: o.custom.depth,
          num_heads: o.custom.numHeads,
          decoder_embed_dim: o.custom.decoderEmbedDim,
          decoder_depth: o.custom.decoderDepth,
          decoder_num_heads: o.custom.decoderNumHeads,
          rep_decoder_depth: o.custom.repDecoderDepth,
          rep_decoder_num_heads: o.custom.repDecoderNumHeads,
          projection_size: o.custom.projectionSize,
          projection_hidden_size: o.custom.projectionHiddenSize,
        }
      : {}),
  };
}
