import type { UniformRng } from '../../nn/random.js';
import { roundHalfEven } from '../masking/roundHalfEven.js';
import { gauss, randInt, uniformIn } from './rng.js';

/**
 * timm RandomErasing on one normalised CHW tensor (in place). SPEC §5.3: p = 0.25, mode "pixel"
 * (per-pixel N(0, 1) noise), one box of area ∈ [0.02, 1/3], log-aspect ∈ [log 0.3, log 1/0.3],
 * up to 10 attempts; the box must be strictly smaller than the image.
 */
export interface RandomErasingOptions {
  probability: number;
  minArea: number;
  maxArea: number;
  minAspect: number;
  maxAspect: number;
  /** 'pixel': N(0,1) per element; 'rand': one N(0,1) colour per channel; 'const': zeros */
  mode: 'pixel' | 'rand' | 'const';
  minCount: number;
  maxCount: number;
}

export const FINETUNE_RANDOM_ERASING: RandomErasingOptions = {
  probability: 0.25,
  minArea: 0.02,
  maxArea: 1 / 3,
  minAspect: 0.3,
  maxAspect: 1 / 0.3,
  mode: 'pixel',
  minCount: 1,
  maxCount: 1,
};

export interface ErasedBox {
  top: number;
  left: number;
  height: number;
  width: number;
}

/** Returns the boxes that were erased (empty when the probability gate skipped or no attempt fit). */
export function randomErasing(
  tensor: Float32Array,
  channels: number,
  height: number,
  width: number,
  opts: RandomErasingOptions,
  rng: UniformRng,
): ErasedBox[] {
  if (tensor.length !== channels * height * width) {
    throw new Error(
      `tensor has ${tensor.length} values, ${channels}x${height}x${width} needs ${channels * height * width}`,
    );
  }
  const boxes: ErasedBox[] = [];
  if (rng.uniform() > opts.probability) return boxes;
  const area = height * width;
  const count = opts.minCount === opts.maxCount ? opts.minCount : randInt(rng, opts.minCount, opts.maxCount);
  const logAspect = [Math.log(opts.minAspect), Math.log(opts.maxAspect)] as const;
  for (let k = 0; k < count; k++) {
    for (let attempt = 0; attempt < 10; attempt++) {
      const target = (uniformIn(rng, opts.minArea, opts.maxArea) * area) / count;
      const aspect = Math.exp(uniformIn(rng, logAspect[0], logAspect[1]));
      const h = roundHalfEven(Math.sqrt(target * aspect));
      const w = roundHalfEven(Math.sqrt(target / aspect));
      if (w < width && h < height) {
        const top = randInt(rng, 0, height - h);
        const left = randInt(rng, 0, width - w);
        const colour = opts.mode === 'rand' ? Array.from({ length: channels }, () => gauss(rng)) : null;
        for (let c = 0; c < channels; c++) {
          for (let y = top; y < top + h; y++) {
            const row = (c * height + y) * width;
            for (let x = left; x < left + w; x++) {
              tensor[row + x] = opts.mode === 'pixel' ? gauss(rng) : colour !== null ? colour[c] : 0;
            }
          }
        }
        boxes.push({ top, left, height: h, width: w });
        break;
      }
    }
  }
  return boxes;
}
