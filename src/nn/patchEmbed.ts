import { patchConv2d, reshape, type Tensor, transpose } from '../graph/index.js';
import { xavierUniform, zeros } from './init.js';
import type { Scope } from './scope.js';

/** timm PatchEmbed: Conv2d(3→D, kernel = stride = p) flattened to [B, L, D] in row-major patch order. */
export function patchEmbed(s: Scope, images: Tensor, dim: number, patch: number): Tensor {
  const [b, c, h, w] = images.shape as [number, number, number, number];
  const p = s.child('proj');
  const y = patchConv2d(
    images,
    p.param('weight', [dim, c, patch, patch], xavierUniform),
    p.param('bias', [dim], zeros),
    patch,
  );
  return transpose(reshape(y, [b, dim, (h / patch) * (w / patch)]), [0, 2, 1]);
}
