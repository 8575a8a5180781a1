import { centerCropRgb } from '../image/crop.js';
import { resizeRgb } from '../image/resize.js';
import type { RgbImage } from '../image/rgbImage.js';
import { type NormStats, toTensorNormalized } from './normalize.js';

/**
 * Evaluation transforms (SPEC §5.3, §9 #13):
 * - `resize`: Resize((224, 224)) bicubic — what the packaged test scripts do (default);
 * - `resize256-centercrop224`: Resize(256) on the shorter side, bicubic, then CentreCrop(224) — the
 *   `--apply_simple_augment` validation transform.
 */
export const EVAL_TRANSFORM_NAMES = ['resize', 'resize256-centercrop224'] as const;
export type EvalTransformName = (typeof EVAL_TRANSFORM_NAMES)[number];
export const DEFAULT_EVAL_TRANSFORM: EvalTransformName = 'resize';

export function isEvalTransformName(name: string): name is EvalTransformName {
  return (EVAL_TRANSFORM_NAMES as readonly string[]).includes(name);
}

/** torchvision `Resize(size)` with an int: shorter side → size, longer side `int(size·long/short)`. */
export function resizeShorterSide(
  img: RgbImage,
  size: number,
  filter: 'bicubic' | 'bilinear' = 'bicubic',
): RgbImage {
  const { width: w, height: h } = img;
  if (w <= h) return resizeRgb(img, size, Math.trunc((size * h) / w), filter);
  return resizeRgb(img, Math.trunc((size * w) / h), size, filter);
}

/** The RGB image the named eval transform feeds to ToTensor. */
export function evalTransformImage(name: EvalTransformName, img: RgbImage, inputSize = 224): RgbImage {
  switch (name) {
    case 'resize':
      return resizeRgb(img, inputSize, inputSize, 'bicubic');
    case 'resize256-centercrop224': {
      // timm/MAE: crop_pct = 224/256, resize to int(input / crop_pct)
      const resizeTo = Math.trunc(inputSize / (224 / 256));
      return centerCropRgb(resizeShorterSide(img, resizeTo, 'bicubic'), inputSize, inputSize);
    }
    default: {
      const bad: never = name;
      throw new Error(
        `unknown eval transform '${String(bad)}'; use one of ${EVAL_TRANSFORM_NAMES.join(', ')}`,
      );
    }
  }
}

/** Full eval transform: image → normalised CHW float32 tensor. */
export function evalTransform(
  name: EvalTransformName,
  img: RgbImage,
  norm: NormStats,
  inputSize = 224,
): Float32Array {
  return toTensorNormalized(evalTransformImage(name, img, inputSize), norm);
}
