import { add, dropPath, type Tensor } from '../graph/index.js';
import { attention } from './attention.js';
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
  const h = add(x, drop(a, 'attn'));
  const m = mlp(
    s.child('mlp'),
    layerNorm(s.child('norm2'), h, cfg.eps),
    cfg.dim,
    Math.round(cfg.dim * cfg.mlpRatio),
    cfg.init,
  );
  return add(h, drop(m, 'mlp'));
}
