import { roundHalfEven } from '../masking/roundHalfEven.js';
import { createRgbImage, type RgbImage } from './rgbImage.js';

/**
 * PIL `Image.crop((left, top, left + width, top + height))`: the box may reach outside the image;
 * pixels there are black (0), as PIL fills them.
 */
export function cropRgb(img: RgbImage, left: number, top: number, width: number, height: number): RgbImage {
  for (const [name, v] of [
    ['left', left],
    ['top', top],
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(v)) throw new Error(`crop ${name} must be an integer, got ${v}`);
  }
  const out = createRgbImage(width, height);
  const x0 = Math.max(0, left);
  const x1 = Math.min(img.width, left + width);
  if (x1 <= x0) return out;
  for (let y = 0; y < height; y++) {
    const sy = top + y;
    if (sy < 0 || sy >= img.height) continue;
    const src = (sy * img.width + x0) * 3;
    out.data.set(img.data.subarray(src, src + (x1 - x0) * 3), (y * width + (x0 - left)) * 3);
  }
  return out;
}

/**
 * torchvision `CenterCrop` on a PIL image: offsets `round((size − crop) / 2)` with Python's
 * half-to-even rounding; a crop larger than the image is zero-padded around it first.
 */
export function centerCropRgb(img: RgbImage, width: number, height: number): RgbImage {
  const top = roundHalfEven((img.height - height) / 2);
  const left = roundHalfEven((img.width - width) / 2);
  if (width <= img.width && height <= img.height) return cropRgb(img, left, top, width, height);
  // torchvision pads (left/right = (crop − w) // 2 and the rest), then crops again.
  const padL = width > img.width ? Math.floor((width - img.width) / 2) : 0;
  const padT = height > img.height ? Math.floor((height - img.height) / 2) : 0;
  const padR = width > img.width ? Math.ceil((width - img.width) / 2) : 0;
  const padB = height > img.height ? Math.ceil((height - img.height) / 2) : 0;
  const padded = cropRgb(img, -padL, -padT, img.width + padL + padR, img.height + padT + padB);
  return centerCropRgb(padded, width, height);
}
