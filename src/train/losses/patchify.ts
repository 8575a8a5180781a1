// MAE patchify: [B,3,H,W] → [B, L, p·p·3], per patch ordered (row-in-patch, col-in-patch, RGB).
import { reshape, type Tensor, transpose } from '../../graph/index.js';

export function patchify(images: Tensor, p: number): Tensor {
  const [b, c, h, w] = images.shape as [number, number, number, number];
  const t = transpose(reshape(images, [b, c, h / p, p, w / p, p]), [0, 2, 4, 3, 5, 1]);
  return reshape(t, [b, (h / p) * (w / p), p * p * c]);
}
