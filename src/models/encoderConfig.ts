// Bridges a registry size (sizes.ts) to the nn-level ViT configuration used to trace models.
import type { EncoderConfig } from '../nn/vit.js';
import type { SizeConfig } from './sizes.js';

export function encoderConfig(
  size: SizeConfig,
  opts: { dropPath?: number; posEmbedTrainable?: boolean; imgSize?: number } = {},
): EncoderConfig {
  if (size.numHeads === null)
    throw new Error(
      `model size '${size.name}' has no head count: give --heads (head counts are not stored in checkpoints)`,
    );
  return {
    imgSize: opts.imgSize ?? size.imgSize,
    patch: size.patchSize,
    dim: size.embedDim,
    depth: size.depth,
    heads: size.numHeads,
    mlpRatio: size.mlpRatio,
    eps: 1e-6,
    dropPath: opts.dropPath ?? 0,
    posEmbedTrainable: opts.posEmbedTrainable ?? false,
  };
}
