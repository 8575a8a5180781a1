// The small scale + shift of a self-blend's face copy about the face centre, applied to the copy and to its mask
// alike, so the mask moves with the face it cuts out (as in the reference SBI, where one random affine warps both).

import { createRgbImage, type RgbImage } from '../image/rgbImage.js';
import type { Point2 } from '../parsing/polygonFill.js';
import { sampleRgbBilinear, toBytes } from './sampleBilinear.js';

export interface AffineMove {
  scale: number;
  tx: number;
  ty: number;
}

const isIdentity = (m: AffineMove): boolean => m.scale === 1 && m.tx === 0 && m.ty === 0;

/** Where output pixel (x, y) reads from: the inverse of q = c + scale·(p − c) + t. */
function sourceOf(c: Point2, m: AffineMove, x: number, y: number): Point2 {
  return [c[0] + (x + 0.5 - c[0] - m.tx) / m.scale, c[1] + (y + 0.5 - c[1] - m.ty) / m.scale];
}

export function moveRgb(img: RgbImage, c: Point2, m: AffineMove): RgbImage {
  if (isIdentity(m)) return img;
  const out = new Float32Array(img.data.length);
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++) {
      const [sx, sy] = sourceOf(c, m, x, y);
      sampleRgbBilinear(img, sx, sy, out, (y * img.width + x) * 3);
    }
  return createRgbImage(img.width, img.height, toBytes(out));
}

/** The binary mask under the same move (nearest pixel; outside the image is 0). */
export function moveBinary(bits: Uint8Array, w: number, h: number, c: Point2, m: AffineMove): Uint8Array {
  if (isIdentity(m)) return bits.slice();
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const [sx, sy] = sourceOf(c, m, x, y);
      const ix = Math.floor(sx);
      const iy = Math.floor(sy);
      if (ix >= 0 && iy >= 0 && ix < w && iy < h) out[y * w + x] = bits[iy * w + ix]!;
    }
  return out;
}
