// FS-VFM pre-training networks (SPEC §1.4, §1.5): the online FSFMViT and the EMA target TargetNetworkViT,
// with the official state-dict names.
import { add, l2Normalize, reduceMean, slice, type Tensor } from '../graph/index.js';
import { type Initializer, normal, zeros } from '../nn/init.js';
import { layerNorm } from '../nn/layerNorm.js';
import { linear } from '../nn/linear.js';
import { sincos2d } from '../nn/posEmbed.js';
import type { Scope } from '../nn/scope.js';
import { type EncoderConfig, embedPatches, encoderBlocks, prependCls } from '../nn/vit.js';
import { byolMlp } from './byolMlp.js';
import { encoderConfig } from './encoderConfig.js';
import { gatherTokens, restoreWithMaskTokens } from './maskedSequence.js';
import type { SizeConfig } from './sizes.js';

export interface PretrainInputs {
  /** normalised images [B,3,H,W] */
  images: Tensor;
  /** int64 [B, nKeep]: visible patch indices (increasing) — omitted for the full view */
  idsKeep?: Tensor;
  /** int64 [B, L]: position of each patch in [visible…, masked…] order */
  idsRestore?: Tensor;
}

export interface OnlineOutputs {
  /** encoder output after the final norm [B, 1+nKeep, D] */
  latent: Tensor;
  /** rep-decoder output [B, T, D] */
  repOut: Tensor;
  pooled: Tensor;
  projector: Tensor;
  predictor: Tensor;
  /** normalize(predictor(projector(pooled))) */
  featuresCl: Tensor;
  /** pixel predictions [B, L, p·p·3] */
  pred: Tensor;
}

function repDecoder(
  s: Scope,
  latent: Tensor,
  size: SizeConfig,
  enc: EncoderConfig,
  restore: Tensor | undefined,
): Tensor {
  const d = enc.dim;
  const dr = size.repDecoder.dim;
  if (dr !== d) throw new Error(`rep-decoder width ${dr} must equal the encoder width ${d} (SPEC §9 #4)`);
  let z = linear(s.child('rep_decoder_embed'), latent, d, dr);
  const maskToken = s.param('mask_token', [1, 1, dr], normal(0.02));
  if (restore) z = restoreWithMaskTokens(z, maskToken, restore);
  // rep_decoder_pos_embed is never initialised by the official code: all zeros (SPEC §9 #2)
  z = add(z, s.param('rep_decoder_pos_embed', [1, z.shape[1]!, dr], zeros, false));
  const cfg = {
    ...enc,
    dim: dr,
    depth: size.repDecoder.depth,
    heads: size.repDecoder.heads ?? 16,
    dropPath: 0,
  };
  z = encoderBlocks(s, z, cfg, 'rep_decoder_blocks');
  return linear(s.child('rep_decoder_pred'), layerNorm(s.child('rep_decoder_norm'), z, enc.eps), dr, d);
}

export function pixelDecoder(
  s: Scope,
  latent: Tensor,
  size: SizeConfig,
  enc: EncoderConfig,
  restore: Tensor,
): Tensor {
  const pd = size.pixelDecoder;
  const maskToken = s.param('mask_token', [1, 1, enc.dim], normal(0.02));
  const seq = restoreWithMaskTokens(latent, maskToken, restore);
  const grid = enc.imgSize / enc.patch;
  const table: Initializer = { kind: 'table', values: sincos2d(pd.dim, grid) };
  let u = add(
    linear(s.child('decoder_embed'), seq, enc.dim, pd.dim),
    s.param('decoder_pos_embed', [1, grid * grid + 1, pd.dim], table, false),
  );
  u = encoderBlocks(
    s,
    u,
    { ...enc, dim: pd.dim, depth: pd.depth, heads: pd.heads ?? 16, dropPath: 0 },
    'decoder_blocks',
  );
  const out = linear(
    s.child('decoder_pred'),
    layerNorm(s.child('decoder_norm'), u, enc.eps),
    pd.dim,
    enc.patch * enc.patch * 3,
  );
  return slice(out, 1, 1);
}

/** Encoder on the visible patches (or all patches when `idsKeep` is omitted), final norm included. */
export function fsvfmEncoder(s: Scope, images: Tensor, enc: EncoderConfig, idsKeep?: Tensor): Tensor {
  const tokens = embedPatches(s, images, enc);
  const vis = idsKeep ? gatherTokens(tokens, idsKeep) : tokens;
  return layerNorm(s.child('norm'), encoderBlocks(s, prependCls(s, vis, enc), enc), enc.eps);
}

/** FSFMViT.forward without the losses (those live in train/losses). */
export function fsvfmOnline(s: Scope, inp: PretrainInputs, size: SizeConfig): OnlineOutputs {
  const enc = encoderConfig(size);
  if (!inp.idsKeep || !inp.idsRestore)
    throw new Error('the online network needs idsKeep and idsRestore (a mask)');
  const latent = fsvfmEncoder(s, inp.images, enc, inp.idsKeep);
  const repOut = repDecoder(s, latent, size, enc, inp.idsRestore);
  const pooled = reduceMean(repOut, 1);
  const projector = byolMlp(s.child('projector'), pooled, enc.dim, size.projector.hidden, size.projector.out);
  const predictor = byolMlp(
    s.child('predictor'),
    projector,
    size.projector.out,
    size.projector.hidden,
    size.projector.out,
  );
  const pred = pixelDecoder(s, latent, size, enc, inp.idsRestore);
  return { latent, repOut, pooled, projector, predictor, featuresCl: l2Normalize(predictor, -1), pred };
}

export interface TargetOutputs {
  repOut: Tensor;
  pooled: Tensor;
  projector: Tensor;
  featuresCl: Tensor;
}

/**
 * TargetNetworkViT.forward with mask_ratio 0: the full view. The official code permutes the tokens by the mask
 * order and un-permutes them in the rep decoder; attention is permutation-equivariant and the pooling a mean,
 * so the full view in patch order computes the same values.
 */
export function fsvfmTarget(s: Scope, images: Tensor, size: SizeConfig): TargetOutputs {
  const enc = encoderConfig(size);
  const latent = fsvfmEncoder(s, images, enc);
  const repOut = repDecoder(s, latent, size, enc, undefined);
  const pooled = reduceMean(repOut, 1);
  const projector = byolMlp(s.child('projector'), pooled, enc.dim, size.projector.hidden, size.projector.out);
  return { repOut, pooled, projector, featuresCl: l2Normalize(projector, -1) };
}
