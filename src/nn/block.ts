import { add, dropPath, skipLayerNorm, type Tensor } from '../graph/index.js';
import { attention } from './attention.js';
import { isFused } from './inferenceLowering.js';
import { ones, zeros } from './init.js';
import { layerNorm } from './layerNorm.js';
import type { LinearOptions } from './linear.js';
import { mlp } from './mlp.js';
import type { Scope } from './scope.js';

export interface BlockConfig {
  dim: number;
  heads: number;
  mlpRatio: number;
  /** LayerNorm eps (1e-6 everywhere in FS-VFM) */
  eps: number;
  /** stochastic-depth rate of this block (active in training only) */
  dropPath?: number;
  init?: LinearOptions['init'];
}

/** Pre-norm transformer block: x + DropPath(Attn(LN1 x)), then x + DropPath(MLP(LN2 x)). */
export function block(s: Scope, x: Tensor, cfg: BlockConfig): Tensor {
  const rate = s.training ? (cfg.dropPath ?? 0) : 0;
  const drop = (y: Tensor, which: string) =>
    rate > 0 ? dropPath(y, s.randomInput(`drop_path.${which}`, [x.shape[0]!], 1 - rate), rate) : y;
  const a = attention(s.child('attn'), layerNorm(s.child('norm1'), x, cfg.eps), cfg.dim, cfg.heads, cfg.init);
  let h: Tensor;
  let normed: Tensor;
  if (isFused(s) && rate === 0) {
    // inference only: residual add and norm2 in one kernel that also returns the sum
    const n2 = s.child('norm2');
    const d = cfg.dim;
    [normed, h] = skipLayerNorm(a, x, n2.param('weight', [d], ones), n2.param('bias', [d], zeros), cfg.eps);
  } else {
    h = add(x, drop(a, 'attn'));
    normed = layerNorm(s.child('norm2'), h, cfg.eps);
  }
  const m = mlp(s.child('mlp'), normed, cfg.dim, Math.round(cfg.dim * cfg.mlpRatio), cfg.init);
  return add(h, drop(m, 'mlp'));
}
