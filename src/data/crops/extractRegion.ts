// Pixel copies and resampling of RgbImage regions used by the crop recipes.
import { createRgbImage, type RgbImage } from '../image/rgbImage.js';
import { type Affine2D, invert } from './affine2d.js';

/** Copies the w×h block at (x, y); the block must lie inside the image. */
export function extractRegion(img: RgbImage, x: number, y: number, w: number, h: number): RgbImage {
  if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > img.width || y + h > img.height) {
    throw new Error(`region ${w}x${h}+${x}+${y} is outside the ${img.width}x${img.height} image`);
  }
  const out = new Uint8Array(w * h * 3);
  for (let r = 0; r < h; r++) {
    const src = ((y + r) * img.width + x) * 3;
    out.set(img.data.subarray(src, src + w * 3), r * w * 3);
  }
  return createRgbImage(w, h, out);
}

/**
 * Resamples `img` through `toTarget` (image → target coordinates) into a w×h image, bilinear, black outside.
 * Pixel centres sit at half-integers in both frames.
 */
export function warpAffineBilinear(img: RgbImage, toTarget: Affine2D, w: number, h: number): RgbImage {
  const [a, b, c, d, e, f] = invert(toTarget);
  const out = new Uint8Array(w * h * 3);
  const W = img.width;
  const H = img.height;
  const src = img.data;
  for (let j = 0; j < h; j++) {
    const v = j + 0.5;
    for (let i = 0; i < w; i++) {
      const u = i + 0.5;
      const sx = a * u + b * v + c - 0.5;
      const sy = d * u + e * v + f - 0.5;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const o = (j * w + i) * 3;
      for (let k = 0; k < 3; k++) {
        let acc = 0;
        for (let dy = 0; dy < 2; dy++) {
          const yy = y0 + dy;
          if (yy < 0 || yy >= H) continue;
          const wy = dy === 0 ? 1 - fy : fy;
          for (let dx = 0; dx < 2; dx++) {
            const xx = x0 + dx;
            if (xx < 0 || xx >= W) continue;
            acc += (dx === 0 ? 1 - fx : fx) * wy * src[(yy * W + xx) * 3 + k]!;
          }
        }
        out[o + k] = Math.min(255, Math.max(0, Math.round(acc)));
      }
    }
  }
  return createRgbImage(w, h, out);
}
