// Self-blended images (SBI, Shiohara & Yamasaki, CVPR 2022): a fake made from one real face by pasting a
// slightly perturbed copy of the face back onto itself inside a deformed, blurred landmark-hull mask.
// The result carries the artefacts of face forgery (blend boundary, colour and sharpness mismatch,
// landmark misalignment) without a second identity.
import { createRgbImage, type RgbImage } from '../image/rgbImage.js';
import type { SeededRng } from '../random/seededRng.js';
import { elasticDeformBinary } from './elasticDeform.js';
import { createFloatMask, type FloatMask, maskFromBinary } from './floatMask.js';
import { blurMask, gaussianRadius } from './gaussianBlur.js';
import { checkLandmarks, hullBinary, type Landmarks, toPoints } from './landmarks.js';
import { blendWithMask } from './maskedBlend.js';
import { dilateBinary, erodeBinary } from './morphology.js';
import { sampleRgbBilinear, toBytes } from './sampleBilinear.js';
import {
  applyColourPerturbation,
  applyFrequencyPerturbation,
  type ColourPerturbation,
  drawColourPerturbation,
  drawFrequencyPerturbation,
  type FrequencyPerturbation,
} from './sourcePerturbation.js';

/** Which part of the face the blend covers: the whole landmark hull, or the hull of the points below the nose. */
export type SbiRegion = 'full' | 'lower';

/** Every random draw of one SBI sample, so the sample can be described and reproduced. */
export interface SbiParameters {
  colour: ColourPerturbation | null;
  /**
   * Which side carries the colour/frequency change: the pasted face copy ('source', the default) or the image it
   * is pasted into ('target'; the face then keeps the original look). Either way only the mismatch at the blend
   * is left; randomising the side stops a detector from learning "the face is sharper/redder" as a direction.
   */
  perturbed?: 'source' | 'target';
  frequency: FrequencyPerturbation;
  /** source copy scaled by `scale` about the landmark centroid and shifted by (tx, ty) pixels */
  geometry: { scale: number; tx: number; ty: number };
  region: SbiRegion;
  /** largest elastic displacement per axis of the mask outline, pixels */
  elasticAmplitude: number;
  /** mask dilated (> 0) or eroded (< 0) by this radius, pixels */
  morphRadius: number;
  /** σ of the Gaussian that softens the mask, pixels */
  blurSigma: number;
  /** the mask is multiplied by this */
  blendRatio: number;
}

export interface SbiResult {
  image: RgbImage;
  /** the blend mask actually used, values in [0, blendRatio] */
  mask: FloatMask;
  params: SbiParameters;
}

/** Ranges of the random draws, as fractions of the image side where they are lengths. */
export interface SbiOptions {
  /** probability that the colour perturbation is applied (else the source keeps its colours) */
  colourProbability?: number;
  maxScaleChange?: number;
  maxShiftX?: number;
  maxShiftY?: number;
  /** probability of the lower-face region */
  lowerFaceProbability?: number;
  maxElastic?: number;
  maxMorph?: number;
  minBlurSigma?: number;
  maxBlurSigma?: number;
  blendRatios?: readonly number[];
  /** probability that the perturbation goes to the target image instead of the face copy (0: always the copy) */
  targetProbability?: number;
  /** per-channel RGB shift: drawn with this probability, magnitude in [lo, hi] levels with a random sign */
  rgbShiftProbability?: number;
  rgbShiftRange?: readonly [number, number];
}

const DEFAULTS: Required<SbiOptions> = {
  colourProbability: 0.8,
  maxScaleChange: 0.05,
  maxShiftX: 0.03,
  maxShiftY: 0.015,
  lowerFaceProbability: 0.25,
  maxElastic: 0.02,
  maxMorph: 0.03,
  minBlurSigma: 0.01,
  maxBlurSigma: 0.04,
  blendRatios: [0.25, 0.5, 0.75, 1, 1, 1],
  targetProbability: 0,
  rgbShiftProbability: 0.5,
  rgbShiftRange: [0, 20],
};

/** Nose tip (MediaPipe 1): the lower-face region keeps landmarks at or below it. */
const NOSE_TIP = 1;

const range = (rng: SeededRng, lo: number, hi: number): number => lo + (hi - lo) * rng.uniform();

/**
 * How far (pixels) an SBI mask of an image of side `side` can reach beyond the landmark hull:
 * elastic displacement + dilation + blur radius. Outside that band the fake equals the input.
 */
export function sbiMaskReach(side: number, options: SbiOptions = {}): number {
  const o = { ...DEFAULTS, ...options };
  return (
    Math.ceil(o.maxElastic * side * Math.SQRT2) +
    Math.ceil(o.maxMorph * side) +
    gaussianRadius(o.maxBlurSigma * side) +
    1
  );
}

export function drawSbiParameters(
  width: number,
  height: number,
  rng: SeededRng,
  options: SbiOptions = {},
): SbiParameters {
  const o = { ...DEFAULTS, ...options };
  const side = Math.min(width, height);
  const colour =
    rng.uniform() < o.colourProbability
      ? drawColourPerturbation(rng, { shiftProbability: o.rgbShiftProbability, shiftRange: o.rgbShiftRange })
      : null;
  const frequency = drawFrequencyPerturbation(rng);
  const geometry = {
    scale: range(rng, 1 - o.maxScaleChange, 1 + o.maxScaleChange),
    tx: range(rng, -o.maxShiftX, o.maxShiftX) * width,
    ty: range(rng, -o.maxShiftY, o.maxShiftY) * height,
  };
  const region: SbiRegion = rng.uniform() < o.lowerFaceProbability ? 'lower' : 'full';
  const elasticAmplitude = range(rng, 0, o.maxElastic) * side;
  const morphRadius = range(rng, -o.maxMorph, o.maxMorph) * side;
  const blurSigma = range(rng, o.minBlurSigma, o.maxBlurSigma) * side;
  const blendRatio = rng.choice(o.blendRatios);
  const p: SbiParameters = {
    colour,
    frequency,
    geometry,
    region,
    elasticAmplitude,
    morphRadius,
    blurSigma,
    blendRatio,
  };
  // drawn only when enabled, so default recipes keep their random stream (and their recorded fakes)
  if (o.targetProbability > 0) p.perturbed = rng.uniform() < o.targetProbability ? 'target' : 'source';
  return p;
}

/** The colour and frequency change of a recipe. */
export function sbiPerturb(img: RgbImage, p: SbiParameters): RgbImage {
  return applyFrequencyPerturbation(p.colour ? applyColourPerturbation(img, p.colour) : img, p.frequency);
}

/** The image the face copy is pasted into: the input, or its perturbed version when `perturbed` is 'target'. */
export function sbiTarget(img: RgbImage, p: SbiParameters): RgbImage {
  return p.perturbed === 'target' ? sbiPerturb(img, p) : img;
}

/** The face copy: the perturbation (unless it goes to the target), then the small scale/shift about the face centre. */
export function sbiSource(img: RgbImage, lm: Landmarks, p: SbiParameters): RgbImage {
  const src = p.perturbed === 'target' ? img : sbiPerturb(img, p);
  const { scale, tx, ty } = p.geometry;
  if (scale === 1 && tx === 0 && ty === 0) return src;
  const pts = toPoints(lm);
  const cx = pts.reduce((s, q) => s + q[0], 0) / pts.length;
  const cy = pts.reduce((s, q) => s + q[1], 0) / pts.length;
  const out = new Float32Array(img.data.length);
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++) {
      // inverse of: q = c + scale·(p − c) + t
      const sx = cx + (x + 0.5 - cx - tx) / scale;
      const sy = cy + (y + 0.5 - cy - ty) / scale;
      sampleRgbBilinear(src, sx, sy, out, (y * img.width + x) * 3);
    }
  return createRgbImage(img.width, img.height, toBytes(out));
}

/** The blend mask: landmark hull (or its lower part), elastically deformed, dilated/eroded, blurred, scaled. */
export function sbiMask(
  width: number,
  height: number,
  lm: Landmarks,
  p: SbiParameters,
  rng: SeededRng,
): FloatMask {
  let pts = toPoints(lm);
  if (p.region === 'lower') {
    const yCut = lm[NOSE_TIP]![1]!;
    const lower = pts.filter((q) => q[1] >= yCut);
    if (lower.length >= 3) pts = lower;
  }
  const hull = hullBinary(pts, width, height);
  let bits = elasticDeformBinary(hull, width, height, p.elasticAmplitude, rng);
  const morphed =
    p.morphRadius > 0
      ? dilateBinary(bits, width, height, p.morphRadius)
      : erodeBinary(bits, width, height, -p.morphRadius);
  if (morphed.some((v) => v !== 0)) bits = morphed;
  if (!bits.some((v) => v !== 0)) bits = hull;
  const soft = blurMask(maskFromBinary(width, height, bits), p.blurSigma);
  const out = new Float32Array(soft.data.length);
  for (let i = 0; i < out.length; i++) out[i] = soft.data[i]! * p.blendRatio;
  return createFloatMask(width, height, out);
}

/**
 * One self-blended image from a real face and its landmarks (image pixels). All randomness comes from
 * `rng`: the same image, landmarks and generator state give the same fake, byte for byte.
 */
export function selfBlendedImage(
  img: RgbImage,
  lm: Landmarks,
  rng: SeededRng,
  options: SbiOptions = {},
): SbiResult {
  checkLandmarks(lm, 'self-blended image');
  const params = drawSbiParameters(img.width, img.height, rng, options);
  const source = sbiSource(img, lm, params);
  const mask = sbiMask(img.width, img.height, lm, params, rng);
  return { image: blendWithMask(sbiTarget(img, params), source, mask), mask, params };
}
