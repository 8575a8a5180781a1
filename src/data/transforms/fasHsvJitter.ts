import type { UniformRng } from '../../nn/random.js';
import { flipHorizontal } from '../image/flip.js';
import { hsvToRgb, rgbToHsv } from '../image/hsv.js';
import { resizeRgb } from '../image/resize.js';
import { createRgbImage, type RgbImage } from '../image/rgbImage.js';
import { type NormStats, toTensorNormalized } from './normalize.js';
import { uniformIn } from './rng.js';

/**
 * FAS training colour jitter (SPEC §5.5): float HSV round trip; with probability `prob` the saturation
 * is multiplied by U(range). Values leaving [0, 255] after HSV→RGB are clamped (SPEC §9 #17, a
 * documented deviation: the original casts unchecked), then truncated to uint8 as numpy's cast does.
 */
export interface FasJitterOptions {
  prob: number;
  range: readonly [number, number];
}

export const FAS_SATURATION_JITTER: FasJitterOptions = { prob: 0.5, range: [0.8, 1.2] };

export function fasSaturationJitter(
  img: RgbImage,
  rng: UniformRng,
  opts: FasJitterOptions = FAS_SATURATION_JITTER,
): RgbImage {
  const scale = rng.uniform() < opts.prob ? uniformIn(rng, opts.range[0], opts.range[1]) : 1;
  return scaleSaturation(img, scale);
}

/** HSV round trip with S multiplied by `scale` (scale 1 still rounds through float32 HSV, as the original). */
export function scaleSaturation(img: RgbImage, scale: number): RgbImage {
  const out = new Uint8Array(img.data.length);
  const s32 = Math.fround(scale);
  for (let i = 0; i < out.length; i += 3) {
    const hsv = rgbToHsv(img.data[i], img.data[i + 1], img.data[i + 2]);
    const s = scale === 1 ? hsv.s : Math.fround(hsv.s * s32);
    const rgb = hsvToRgb(hsv.h, s, hsv.v);
    for (let c = 0; c < 3; c++) {
      const v = rgb[c];
      out[i + c] = v <= 0 ? 0 : v >= 255 ? 255 : Math.trunc(v);
    }
  }
  return createRgbImage(img.width, img.height, out);
}

/** FAS train transform: jitter → resize 224 bicubic → horizontal flip p 0.5 → ToTensor → Normalize. */
export function fasTrainTransform(img: RgbImage, norm: NormStats, rng: UniformRng, size = 224): Float32Array {
  let x = fasSaturationJitter(img, rng);
  x = resizeRgb(x, size, size, 'bicubic');
  if (rng.uniform() < 0.5) x = flipHorizontal(x);
  return toTensorNormalized(x, norm);
}

/** FAS test transform: resize 224 (bicubic) → ToTensor → Normalize. */
export function fasTestTransform(img: RgbImage, norm: NormStats, size = 224): Float32Array {
  return toTensorNormalized(resizeRgb(img, size, size, 'bicubic'), norm);
}
