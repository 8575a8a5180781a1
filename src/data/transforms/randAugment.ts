import type { UniformRng } from '../../nn/random.js';
import {
  type AffineCoefficients,
  affineTransformRgb,
  type Rgb,
  rotateRgb,
  type TransformFilter,
} from '../image/affineTransform.js';
import { adjustBrightness, adjustColor, adjustContrast, adjustSharpness } from '../image/enhance.js';
import { autocontrast, equalize, invert, posterize, solarize, solarizeAdd } from '../image/pointOps.js';
import type { RgbImage } from '../image/rgbImage.js';
import { gauss } from './rng.js';

/**
 * timm 0.4.5 RandAugment (`rand_augment_transform`): a config string such as `rand-m9-mstd0.5-inc1`
 * selects magnitude, magnitude noise and the op set; each image gets `n` ops drawn with replacement,
 * each applied with p = 0.5 at magnitude clip(N(m, mstd), 0, 10).
 */

export const MAX_LEVEL = 10;

export const RAND_OPS = [
  'AutoContrast',
  'Equalize',
  'Invert',
  'Rotate',
  'Posterize',
  'Solarize',
  'SolarizeAdd',
  'Color',
  'Contrast',
  'Brightness',
  'Sharpness',
  'ShearX',
  'ShearY',
  'TranslateXRel',
  'TranslateYRel',
] as const;

export const RAND_INCREASING_OPS = [
  'AutoContrast',
  'Equalize',
  'Invert',
  'Rotate',
  'PosterizeIncreasing',
  'SolarizeIncreasing',
  'SolarizeAdd',
  'ColorIncreasing',
  'ContrastIncreasing',
  'BrightnessIncreasing',
  'SharpnessIncreasing',
  'ShearX',
  'ShearY',
  'TranslateXRel',
  'TranslateYRel',
] as const;

export type AugmentOpName =
  | (typeof RAND_OPS)[number]
  | (typeof RAND_INCREASING_OPS)[number]
  | 'TranslateX'
  | 'TranslateY';

export interface RandAugmentConfig {
  magnitude: number;
  numLayers: number;
  magnitudeStd: number;
  ops: readonly AugmentOpName[];
}

/** Parse `rand-<key><value>-…` with keys m (magnitude), n (layers), mstd (magnitude std), inc (increasing ops). */
export function parseRandAugment(spec: string): RandAugmentConfig {
  const parts = spec.split('-');
  if (parts[0] !== 'rand') throw new Error(`RandAugment config must start with 'rand', got '${spec}'`);
  const cfg: RandAugmentConfig = { magnitude: MAX_LEVEL, numLayers: 2, magnitudeStd: 0, ops: RAND_OPS };
  for (const part of parts.slice(1)) {
    const m = /^(\D*)(\d.*)$/.exec(part);
    if (m === null) continue; // sections without a number are ignored, as in timm
    const [, key, val] = m;
    const num = Number(val);
    if (key === 'mstd') {
      if (!Number.isFinite(num)) throw new Error(`RandAugment: bad mstd value '${val}' in '${spec}'`);
      cfg.magnitudeStd = num;
    } else if (key === 'inc') {
      // timm tests bool(val) on the string, so any value (even "0") selects the increasing set
      cfg.ops = RAND_INCREASING_OPS;
    } else if (key === 'm' || key === 'n') {
      if (!/^\d+$/.test(val))
        throw new Error(`RandAugment: '${key}' needs an integer, got '${val}' in '${spec}'`);
      if (key === 'm') cfg.magnitude = Number.parseInt(val, 10);
      else cfg.numLayers = Number.parseInt(val, 10);
    } else if (key === 'w') {
      throw new Error(`RandAugment: weighted op choice ('w${val}') is not supported; drop it from '${spec}'`);
    } else {
      throw new Error(`RandAugment: unknown config section '${part}' in '${spec}' (known: m, n, mstd, inc)`);
    }
  }
  return cfg;
}

export interface AugmentHparams {
  /** fraction of the size for TranslateXRel/YRel (timm default 0.45) */
  translatePct: number;
  /** pixels for TranslateX/Y (timm: int(0.45 · image size)) */
  translateConst: number;
  /** geometric fill colour (timm: round(255 · normalisation mean)) */
  fill: Rgb;
  /** resampling of geometric ops; 'random' picks bilinear or bicubic per op */
  filter: TransformFilter | 'random';
}

const negateMaybe = (v: number, rng: UniformRng): number => (rng.uniform() > 0.5 ? -v : v);

/** timm's level → argument rules (magnitude already clipped to [0, 10]). */
export function opArgument(
  name: AugmentOpName,
  m: number,
  hp: AugmentHparams,
  rng: UniformRng,
): number | undefined {
  const frac = m / MAX_LEVEL;
  switch (name) {
    case 'AutoContrast':
    case 'Equalize':
    case 'Invert':
      return undefined;
    case 'Rotate':
      return negateMaybe(frac * 30, rng);
    case 'Posterize':
      return Math.trunc(frac * 4);
    case 'PosterizeIncreasing':
      return 4 - Math.trunc(frac * 4);
    case 'Solarize':
      return Math.trunc(frac * 256);
    case 'SolarizeIncreasing':
      return 256 - Math.trunc(frac * 256);
    case 'SolarizeAdd':
      return Math.trunc(frac * 110);
    case 'Color':
    case 'Contrast':
    case 'Brightness':
    case 'Sharpness':
      return frac * 1.8 + 0.1;
    case 'ColorIncreasing':
    case 'ContrastIncreasing':
    case 'BrightnessIncreasing':
    case 'SharpnessIncreasing':
      return 1 + negateMaybe(frac * 0.9, rng);
    case 'ShearX':
    case 'ShearY':
      return negateMaybe(frac * 0.3, rng);
    case 'TranslateXRel':
    case 'TranslateYRel':
      return negateMaybe(frac * hp.translatePct, rng);
    case 'TranslateX':
    case 'TranslateY':
      return negateMaybe(frac * hp.translateConst, rng);
  }
}

function pickFilter(hp: AugmentHparams, rng: UniformRng): TransformFilter {
  if (hp.filter !== 'random') return hp.filter;
  return rng.uniform() < 0.5 ? 'bilinear' : 'bicubic';
}

/** Apply one op with an already computed argument (timm's op functions). */
export function applyOp(
  name: AugmentOpName,
  img: RgbImage,
  arg: number | undefined,
  hp: AugmentHparams,
  rng: UniformRng,
): RgbImage {
  const a = arg ?? 0;
  const affine = (c: AffineCoefficients): RgbImage =>
    affineTransformRgb(img, c, pickFilter(hp, rng), hp.fill);
  switch (name) {
    case 'AutoContrast':
      return autocontrast(img);
    case 'Equalize':
      return equalize(img);
    case 'Invert':
      return invert(img);
    case 'Rotate':
      return rotateRgb(img, a, pickFilter(hp, rng), hp.fill);
    case 'Posterize':
    case 'PosterizeIncreasing':
      return a >= 8 ? img : posterize(img, a);
    case 'Solarize':
    case 'SolarizeIncreasing':
      return solarize(img, a);
    case 'SolarizeAdd':
      return solarizeAdd(img, a, 128);
    case 'Color':
    case 'ColorIncreasing':
      return adjustColor(img, a);
    case 'Contrast':
    case 'ContrastIncreasing':
      return adjustContrast(img, a);
    case 'Brightness':
    case 'BrightnessIncreasing':
      return adjustBrightness(img, a);
    case 'Sharpness':
    case 'SharpnessIncreasing':
      return adjustSharpness(img, a);
    case 'ShearX':
      return affine([1, a, 0, 0, 1, 0]);
    case 'ShearY':
      return affine([1, 0, 0, a, 1, 0]);
    case 'TranslateXRel':
      return affine([1, 0, a * img.width, 0, 1, 0]);
    case 'TranslateYRel':
      return affine([1, 0, 0, 0, 1, a * img.height]);
    case 'TranslateX':
      return affine([1, 0, a, 0, 1, 0]);
    case 'TranslateY':
      return affine([1, 0, 0, 0, 1, a]);
  }
}

/** timm `AugmentOp.__call__`: probability gate, noisy magnitude, level → argument, op. */
export function augmentOp(
  name: AugmentOpName,
  img: RgbImage,
  cfg: { magnitude: number; magnitudeStd: number; prob?: number },
  hp: AugmentHparams,
  rng: UniformRng,
): RgbImage {
  const prob = cfg.prob ?? 0.5;
  if (prob < 1 && rng.uniform() > prob) return img;
  let m = cfg.magnitude;
  if (cfg.magnitudeStd > 0) m = gauss(rng, m, cfg.magnitudeStd);
  m = Math.min(MAX_LEVEL, Math.max(0, m));
  return applyOp(name, img, opArgument(name, m, hp, rng), hp, rng);
}

export type ImageAugment = (img: RgbImage, rng: UniformRng) => RgbImage;

/** Build the RandAugment transform of a config string. */
export function randAugment(spec: string, hp: AugmentHparams): ImageAugment {
  const cfg = parseRandAugment(spec);
  return (img, rng) => {
    const chosen: AugmentOpName[] = [];
    for (let i = 0; i < cfg.numLayers; i++) {
      chosen.push(cfg.ops[Math.min(cfg.ops.length - 1, Math.floor(rng.uniform() * cfg.ops.length))]);
    }
    let out = img;
    for (const name of chosen) out = augmentOp(name, out, cfg, hp, rng);
    return out;
  };
}
