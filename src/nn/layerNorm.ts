import { layerNorm as layerNormOp, type Tensor } from '../graph/index.js';
import { ones, zeros } from './init.js';
import type { Scope } from './scope.js';

/** LayerNorm over the last axis with the layer's own eps (1e-6 in ViT blocks, 1e-5 in projector MLPs). */
export function layerNorm(s: Scope, x: Tensor, eps: number): Tensor {
  const d = x.shape[x.rank - 1]!;
  return layerNormOp(x, s.param('weight', [d], ones), s.param('bias', [d], zeros), eps);
}
