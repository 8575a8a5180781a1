// Post-processing that every training image gets alike, real and fake: a whole-image jitter from the SBI perturbation
// family (colour shift, then a downscale or sharpen) and a JPEG round trip at a random quality (the SBI recipe:
// quality 40–100, probability 0.5). A fake then cannot be told by its colour, sharpness or compression, only by its
// blend. A real face and its own fake get the same draw (as the reference applies one transform to both).

import type { RgbImage } from '../image/rgbImage.js';
import { jpegReencode } from '../media/jpegReencode.js';
import type { SeededRng } from '../random/seededRng.js';
// the same perturbation family selfBlendedImage.ts applies to a face copy, here applied to whole images
import {
  applyColourPerturbation,
  applyFrequencyPerturbation,
  type ColourPerturbation,
  drawColourPerturbation,
  drawFrequencyPerturbation,
  type FrequencyPerturbation,
} from '../synthetic/sourcePerturbation.js';

export interface PostprocessOptions {
  /** probability of the whole-image jitter */
  jitterProb: number;
  /** probability of the JPEG round trip */
  jpegProb: number;
  /** JPEG quality range, both ends included */
  jpegQuality: readonly [number, number];
}

export const JPEG_QUALITY_RANGE: readonly [number, number] = [40, 100];

export interface JitterDraw {
  colour: ColourPerturbation;
  frequency: FrequencyPerturbation | null;
}

export interface PostprocessDraw {
  jitter: JitterDraw | null;
  jpegQuality: number | null;
}

/** RGB shift range of the jitter: as wide as the strong SBI shift, so a shifted face is not unusual by itself. */
const SHIFT_RANGE: readonly [number, number] = [0, 25];

/**
 * With probability `p`: a colour perturbation (RGB shift p 0.8, HSV p 0.5, brightness/contrast), then with
 * probability 0.5 a frequency change. Draws nothing when p is 0 (runs without jitter keep their random stream).
 */
export function drawWholeImageJitter(rng: SeededRng, p: number): JitterDraw | null {
  if (p <= 0 || rng.uniform() >= p) return null;
  const colour = drawColourPerturbation(rng, { shiftProbability: 0.8, shiftRange: SHIFT_RANGE });
  return { colour, frequency: rng.uniform() < 0.5 ? drawFrequencyPerturbation(rng) : null };
}

export function applyWholeImageJitter(img: RgbImage, d: JitterDraw | null): RgbImage {
  if (!d) return img;
  const out = applyColourPerturbation(img, d.colour);
  return d.frequency ? applyFrequencyPerturbation(out, d.frequency) : out;
}

/** A JPEG quality with probability `p` (uniform over the integer range), else null; nothing drawn when p is 0. */
export function drawJpegQuality(rng: SeededRng, p: number, range: readonly [number, number]): number | null {
  if (p <= 0 || rng.uniform() >= p) return null;
  const [lo, hi] = range;
  return lo + Math.min(hi - lo, Math.floor(rng.uniform() * (hi - lo + 1)));
}

export function drawPostprocess(rng: SeededRng, o: PostprocessOptions): PostprocessDraw {
  const jitter = drawWholeImageJitter(rng, o.jitterProb);
  return { jitter, jpegQuality: drawJpegQuality(rng, o.jpegProb, o.jpegQuality) };
}

export async function applyPostprocess(img: RgbImage, d: PostprocessDraw): Promise<RgbImage> {
  const jittered = applyWholeImageJitter(img, d.jitter);
  return d.jpegQuality === null ? jittered : jpegReencode(jittered, d.jpegQuality);
}

/** Checks a quality range given on the command line ("lo,hi" parsed). */
export function checkJpegQualityRange(range: readonly [number, number], flag: string): void {
  const [lo, hi] = range;
  if (!(Number.isInteger(lo) && Number.isInteger(hi) && lo >= 1 && lo <= hi && hi <= 100))
    throw new Error(`${flag} must be lo,hi with integers 1 ≤ lo ≤ hi ≤ 100, got ${range.join(',')}`);
}
