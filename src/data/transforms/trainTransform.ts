import type { UniformRng } from '../../nn/random.js';
import type { Rgb } from '../image/affineTransform.js';
import { flipHorizontal } from '../image/flip.js';
import type { RgbImage } from '../image/rgbImage.js';
import { meanFillColor, type NormStats, toTensorNormalized } from './normalize.js';
import { type AugmentHparams, randAugment } from './randAugment.js';
import { FINETUNE_RANDOM_ERASING, type RandomErasingOptions, randomErasing } from './randomErasing.js';
import { FINETUNE_RRC, type RandomResizedCropOptions, randomResizedCrop } from './randomResizedCrop.js';

/** One step on an RGB image. */
export type ImageStage = (img: RgbImage, rng: UniformRng) => RgbImage;
/** One step on a normalised CHW tensor (in place). */
export type TensorStage = (
  tensor: Float32Array,
  size: { channels: number; height: number; width: number },
  rng: UniformRng,
) => void;

export interface TrainPipeline {
  imageStages: ImageStage[];
  norm: NormStats;
  tensorStages: TensorStage[];
}

/** Run a pipeline: image stages, ToTensor+Normalize, tensor stages. */
export function runPipeline(
  p: TrainPipeline,
  img: RgbImage,
  rng: UniformRng,
): { tensor: Float32Array; height: number; width: number } {
  let x = img;
  for (const stage of p.imageStages) x = stage(x, rng);
  const tensor = toTensorNormalized(x, p.norm);
  const size = { channels: 3, height: x.height, width: x.width };
  for (const stage of p.tensorStages) stage(tensor, size, rng);
  return { tensor, height: x.height, width: x.width };
}

export const randomResizedCropStage =
  (opts: RandomResizedCropOptions): ImageStage =>
  (img, rng) =>
    randomResizedCrop(img, opts, rng);

/** torchvision RandomHorizontalFlip. */
export const horizontalFlipStage =
  (p = 0.5): ImageStage =>
  (img, rng) =>
    rng.uniform() < p ? flipHorizontal(img) : img;

export const randomErasingStage =
  (opts: RandomErasingOptions): TensorStage =>
  (t, s, rng) => {
    randomErasing(t, s.channels, s.height, s.width, opts, rng);
  };

export interface FinetuneTrainOptions {
  norm: NormStats;
  inputSize?: number;
  /** RandAugment config, timm syntax; `null` disables it */
  autoAugment?: string | null;
  /** 0 disables RandomErasing */
  reprob?: number;
  /** RandomResizedCrop area range (default timm's [0.08, 1]) */
  cropScale?: readonly [number, number];
  /** override the geometric fill colour (default: round(255·mean)) */
  fill?: Rgb;
}

/**
 * The DfD/DiFF fine-tuning transform of SPEC §5.3 (timm 0.4.5 `create_transform(is_training=True)`):
 * RandomResizedCrop (bilinear, §9 #12) → hflip 0.5 → RandAugment `rand-m9-mstd0.5-inc1` → ToTensor →
 * Normalize → RandomErasing (p 0.25, pixel mode). Mixup/CutMix is a batch step: see mixupCutmix.ts.
 */
export function finetuneTrainPipeline(opts: FinetuneTrainOptions): TrainPipeline {
  const size = opts.inputSize ?? 224;
  const imageStages: ImageStage[] = [
    randomResizedCropStage({ ...FINETUNE_RRC, ...(opts.cropScale ? { scale: opts.cropScale } : {}), size }),
    horizontalFlipStage(0.5),
  ];
  const aa = opts.autoAugment === undefined ? 'rand-m9-mstd0.5-inc1' : opts.autoAugment;
  if (aa !== null) {
    const hp: AugmentHparams = {
      translatePct: 0.45,
      translateConst: Math.trunc(size * 0.45),
      fill: opts.fill ?? meanFillColor(opts.norm),
      filter: 'bilinear',
    };
    const ra = randAugment(aa, hp);
    imageStages.push((img, rng) => ra(img, rng));
  }
  const reprob = opts.reprob ?? FINETUNE_RANDOM_ERASING.probability;
  const tensorStages: TensorStage[] =
    reprob > 0 ? [randomErasingStage({ ...FINETUNE_RANDOM_ERASING, probability: reprob })] : [];
  return { imageStages, norm: opts.norm, tensorStages };
}
