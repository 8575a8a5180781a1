import { createRgbImage, type RgbImage } from '../image/rgbImage.js';
import type { FloatMask } from './floatMask.js';

/**
 * target·(1 − m) + source·m per pixel, rounded. Where m = 0 the target byte is kept exactly, so a fake
 * differs from its target only where the mask is nonzero.
 */
export function blendWithMask(target: RgbImage, source: RgbImage, mask: FloatMask): RgbImage {
  if (
    target.width !== source.width ||
    target.height !== source.height ||
    mask.width !== target.width ||
    mask.height !== target.height
  )
    throw new Error(
      `blend needs equal sizes: target ${target.width}x${target.height}, source ${source.width}x${source.height}, mask ${mask.width}x${mask.height}`,
    );
  const out = target.data.slice();
  for (let i = 0; i < mask.data.length; i++) {
    const m = mask.data[i]!;
    if (m <= 0) continue;
    for (let b = 0; b < 3; b++) {
      const t = target.data[i * 3 + b]!;
      const v = Math.round(t + m * (source.data[i * 3 + b]! - t));
      out[i * 3 + b] = v < 0 ? 0 : Math.min(v, 255);
    }
  }
  return createRgbImage(target.width, target.height, out);
}
