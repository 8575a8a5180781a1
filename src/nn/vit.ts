// The ViT encoder shared by every FS-VFM model, with the official parameter names (SPEC §2.3(a)).
import { add, concat, expand, reduceMean, reshape, slice, type Tensor } from '../graph/index.js';
import { type BlockConfig, block } from './block.js';
import { type Initializer, normal } from './init.js';
import type { LinearOptions } from './linear.js';
import { patchEmbed } from './patchEmbed.js';
import { sincos2d } from './posEmbed.js';
import type { Scope } from './scope.js';

export interface EncoderConfig {
  imgSize: number;
  patch: number;
  dim: number;
  depth: number;
  heads: number;
  mlpRatio: number;
  /** LayerNorm eps of blocks and norms */
  eps: number;
  /** stochastic depth: block i uses linspace(0, dropPath, depth)[i] */
  dropPath?: number;
  /** pretraining keeps the sin-cos table fixed; fine-tuning learns it */
  posEmbedTrainable?: boolean;
  init?: LinearOptions['init'];
}

export const gridSize = (cfg: EncoderConfig): number => cfg.imgSize / cfg.patch;
export const numPatches = (cfg: EncoderConfig): number => gridSize(cfg) ** 2;

/** pos_embed [1, L+1, D], initialised to the sin-cos table. */
export function posEmbedParam(s: Scope, cfg: EncoderConfig): Tensor {
  const g = gridSize(cfg);
  const init: Initializer = { kind: 'table', values: sincos2d(cfg.dim, g) };
  return s.param('pos_embed', [1, g * g + 1, cfg.dim], init, cfg.posEmbedTrainable ?? false);
}

/** Patch tokens with their positional rows added: [B, L, D]. */
export function embedPatches(s: Scope, images: Tensor, cfg: EncoderConfig): Tensor {
  const tokens = patchEmbed(s.child('patch_embed'), images, cfg.dim, cfg.patch);
  return add(tokens, slice(posEmbedParam(s, cfg), 1, 1));
}

/** cls_token + pos_embed[0] prepended to a token sequence. */
export function prependCls(s: Scope, tokens: Tensor, cfg: EncoderConfig): Tensor {
  const cls = add(s.param('cls_token', [1, 1, cfg.dim], normal(0.02)), slice(posEmbedParam(s, cfg), 1, 0, 1));
  return concat([expand(cls, [tokens.shape[0]!, 1, cfg.dim]), tokens], 1);
}

/** The transformer blocks `blocks.{i}` with linearly increasing drop-path rates. */
export function encoderBlocks(s: Scope, x: Tensor, cfg: EncoderConfig, prefix = 'blocks'): Tensor {
  const bs = s.child(prefix);
  let h = x;
  for (let i = 0; i < cfg.depth; i++) {
    const dp = cfg.depth > 1 ? ((cfg.dropPath ?? 0) * i) / (cfg.depth - 1) : 0;
    const bc: BlockConfig = {
      dim: cfg.dim,
      heads: cfg.heads,
      mlpRatio: cfg.mlpRatio,
      eps: cfg.eps,
      dropPath: dp,
      init: cfg.init,
    };
    h = block(bs.child(i), h, bc);
  }
  return h;
}

/** Full-view encoder: [B,3,H,W] → [B, L+1, D] block outputs (no final norm). */
export function vitEncoder(s: Scope, images: Tensor, cfg: EncoderConfig): Tensor {
  return encoderBlocks(s, prependCls(s, embedPatches(s, images, cfg), cfg), cfg);
}

/** Mean over the patch tokens 1..L (CLS excluded): the global-pool feature before fc_norm. */
export function meanPatchTokens(x: Tensor): Tensor {
  const [b, , d] = x.shape as [number, number, number];
  const patches = slice(x, 1, 1);
  return reshape(reduceMean(patches, 1), [b, d]);
}
