import type { UniformRng } from '../../nn/random.js';
import { cropRgb } from '../image/crop.js';
import { type ResizeFilter, resizeRgb } from '../image/resize.js';
import type { RgbImage } from '../image/rgbImage.js';
import { roundHalfEven } from '../masking/roundHalfEven.js';
import { randInt, uniformIn } from './rng.js';

export interface CropBox {
  top: number;
  left: number;
  height: number;
  width: number;
}

export interface RandomResizedCropOptions {
  size: number;
  scale: readonly [number, number];
  ratio: readonly [number, number];
  filter: ResizeFilter;
}

/** timm 0.4.5 defaults for fine-tuning; bilinear because of SPEC §9 #12. */
export const FINETUNE_RRC: RandomResizedCropOptions = {
  size: 224,
  scale: [0.08, 1],
  ratio: [3 / 4, 4 / 3],
  filter: 'bilinear',
};

/**
 * torchvision/timm `RandomResizedCrop.get_params`: 10 attempts of (area fraction, log-uniform aspect),
 * sizes rounded half-to-even; then the centre crop clamped to the ratio range.
 */
export function randomResizedCropBox(
  width: number,
  height: number,
  scale: readonly [number, number],
  ratio: readonly [number, number],
  rng: UniformRng,
): CropBox {
  const area = width * height;
  const logRatio = [Math.log(ratio[0]), Math.log(ratio[1])] as const;
  for (let attempt = 0; attempt < 10; attempt++) {
    const targetArea = uniformIn(rng, scale[0], scale[1]) * area;
    const aspect = Math.exp(uniformIn(rng, logRatio[0], logRatio[1]));
    const w = roundHalfEven(Math.sqrt(targetArea * aspect));
    const h = roundHalfEven(Math.sqrt(targetArea / aspect));
    if (w <= width && h <= height) {
      const top = randInt(rng, 0, height - h);
      const left = randInt(rng, 0, width - w);
      return { top, left, height: h, width: w };
    }
  }
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < Math.min(ratio[0], ratio[1])) {
    h = roundHalfEven(w / Math.min(ratio[0], ratio[1]));
  } else if (inRatio > Math.max(ratio[0], ratio[1])) {
    w = roundHalfEven(h * Math.max(ratio[0], ratio[1]));
  }
  return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w };
}

export function randomResizedCrop(img: RgbImage, opts: RandomResizedCropOptions, rng: UniformRng): RgbImage {
  const box = randomResizedCropBox(img.width, img.height, opts.scale, opts.ratio, rng);
  const crop = cropRgb(img, box.left, box.top, box.width, box.height);
  return resizeRgb(crop, opts.size, opts.size, opts.filter);
}
