import type { UniformRng } from '../../nn/random.js';
import { betaSample, randBelow } from './rng.js';

/**
 * timm `Mixup` in "batch" mode (SPEC §5.3 step 6, §4.6): one λ per batch; with `switchProb` CutMix
 * (λ ~ Beta(cutmixAlpha)) else Mixup (λ ~ Beta(mixupAlpha)); the partner of sample i is sample B−1−i.
 * Targets are λ·smooth(y) + (1−λ)·smooth(flip(y)) with smoothing ε spread as ε/K off, 1−ε+ε/K on.
 * Arithmetic is float32 per step, as torch does it.
 */
export interface MixupOptions {
  mixupAlpha: number;
  cutmixAlpha: number;
  prob: number;
  switchProb: number;
  labelSmoothing: number;
  numClasses: number;
  /** recompute λ from the clipped CutMix box (timm default true) */
  correctLam: boolean;
}

export const FINETUNE_MIXUP: MixupOptions = {
  mixupAlpha: 0.8,
  cutmixAlpha: 1.0,
  prob: 1.0,
  switchProb: 0.5,
  labelSmoothing: 0.1,
  numClasses: 2,
  correctLam: true,
};

export interface MixResult {
  /** weight of each sample's own label */
  lambda: number;
  mode: 'none' | 'mixup' | 'cutmix';
  /** [B, numClasses] soft targets */
  targets: Float32Array;
  /** CutMix box in pixels (rows yl..yh, columns xl..xh, ends excluded) */
  box?: { yl: number; yh: number; xl: number; xh: number };
}

const f32 = Math.fround;

/** Smoothed one-hot targets mixed with the flipped batch's. */
export function mixupTargets(
  labels: readonly number[],
  numClasses: number,
  lambda: number,
  smoothing: number,
): Float32Array {
  const off = f32(smoothing / numClasses);
  const on = f32(1 - smoothing + smoothing / numClasses);
  const lam = f32(lambda);
  const rest = f32(1 - lambda);
  const n = labels.length;
  const t = new Float32Array(n * numClasses);
  for (let i = 0; i < n; i++) {
    const a = labels[i];
    const b = labels[n - 1 - i];
    for (const y of [a, b]) {
      if (!Number.isInteger(y) || y < 0 || y >= numClasses) {
        throw new Error(`label ${y} is outside 0..${numClasses - 1}`);
      }
    }
    for (let c = 0; c < numClasses; c++) {
      const y1 = c === a ? on : off;
      const y2 = c === b ? on : off;
      t[i * numClasses + c] = f32(f32(y1 * lam) + f32(y2 * rest));
    }
  }
  return t;
}

/** timm `rand_bbox` + λ correction: a box of side sqrt(1−λ)·(H, W) around a uniform centre, clipped. */
export function cutmixBox(
  height: number,
  width: number,
  lambda: number,
  rng: UniformRng,
): { yl: number; yh: number; xl: number; xh: number; lambda: number } {
  const ratio = Math.sqrt(1 - lambda);
  const cutH = Math.trunc(height * ratio);
  const cutW = Math.trunc(width * ratio);
  const cy = randBelow(rng, 0, height);
  const cx = randBelow(rng, 0, width);
  const clip = (v: number, hi: number): number => Math.min(hi, Math.max(0, v));
  const yl = clip(cy - Math.floor(cutH / 2), height);
  const yh = clip(cy + Math.floor(cutH / 2), height);
  const xl = clip(cx - Math.floor(cutW / 2), width);
  const xh = clip(cx + Math.floor(cutW / 2), width);
  const corrected = 1 - ((yh - yl) * (xh - xl)) / (height * width);
  return { yl, yh, xl, xh, lambda: corrected };
}

/**
 * Mix a batch in place. `images` is [B, C, H, W] float32, `labels` the B hard labels.
 * B must be even (timm asserts it).
 */
export function mixupCutmix(
  images: Float32Array,
  shape: readonly [number, number, number, number],
  labels: readonly number[],
  opts: MixupOptions,
  rng: UniformRng,
): MixResult {
  const [B, C, H, W] = shape;
  if (images.length !== B * C * H * W)
    throw new Error(`batch holds ${images.length} values, shape needs ${B * C * H * W}`);
  if (labels.length !== B) throw new Error(`${labels.length} labels for a batch of ${B}`);
  if (B % 2 !== 0)
    throw new Error(`mixup/cutmix needs an even batch size, got ${B} (drop the last incomplete batch)`);
  let lambda = 1;
  let mode: MixResult['mode'] = 'none';
  if (rng.uniform() < opts.prob) {
    let useCutmix = false;
    if (opts.mixupAlpha > 0 && opts.cutmixAlpha > 0) {
      useCutmix = rng.uniform() < opts.switchProb;
      lambda = useCutmix
        ? betaSample(rng, opts.cutmixAlpha, opts.cutmixAlpha)
        : betaSample(rng, opts.mixupAlpha, opts.mixupAlpha);
    } else if (opts.mixupAlpha > 0) {
      lambda = betaSample(rng, opts.mixupAlpha, opts.mixupAlpha);
    } else if (opts.cutmixAlpha > 0) {
      useCutmix = true;
      lambda = betaSample(rng, opts.cutmixAlpha, opts.cutmixAlpha);
    }
    mode = useCutmix ? 'cutmix' : 'mixup';
  }
  let box: MixResult['box'];
  if (lambda !== 1 && mode === 'cutmix') {
    const b = cutmixBox(H, W, lambda, rng);
    if (opts.correctLam) lambda = b.lambda;
    box = { yl: b.yl, yh: b.yh, xl: b.xl, xh: b.xh };
    const src = images.slice();
    const sample = C * H * W;
    for (let i = 0; i < B; i++) {
      const j = B - 1 - i;
      for (let c = 0; c < C; c++) {
        for (let y = b.yl; y < b.yh; y++) {
          const off = c * H * W + y * W;
          images.set(src.subarray(j * sample + off + b.xl, j * sample + off + b.xh), i * sample + off + b.xl);
        }
      }
    }
  } else if (lambda !== 1) {
    const src = images.slice();
    const sample = C * H * W;
    const lam = f32(lambda);
    const rest = f32(1 - lambda);
    for (let i = 0; i < B; i++) {
      const j = B - 1 - i;
      for (let k = 0; k < sample; k++) {
        images[i * sample + k] = f32(f32(src[i * sample + k] * lam) + f32(src[j * sample + k] * rest));
      }
    }
  } else {
    mode = 'none';
  }
  return { lambda, mode, targets: mixupTargets(labels, opts.numClasses, lambda, opts.labelSmoothing), box };
}
