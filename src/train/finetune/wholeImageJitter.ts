// Whole-image jitter from the SBI perturbation family (colour shift, then a downscale or sharpen), applied to real
// and fake training images alike. A self-blended fake differs from its real twin by a colour/sharpness change on one
// side of the blend; when every training image gets such changes as a whole, the absolute colour or sharpness of a
// face tells nothing, and only the mismatch at the blend separates the classes (as in the SBI training recipe).
import type { RgbImage } from '../../data/image/rgbImage.js';
import type { SeededRng } from '../../data/random/seededRng.js';
import {
  applyColourPerturbation,
  applyFrequencyPerturbation,
  drawColourPerturbation,
  drawFrequencyPerturbation,
} from '../../data/synthetic/sourcePerturbation.js';

/** RGB shift range of the jitter: as wide as the strong SBI shift, so a shifted face is not unusual by itself. */
const SHIFT_RANGE: readonly [number, number] = [0, 25];

/**
 * With probability `p`: a colour perturbation (RGB shift p 0.8, HSV p 0.5, brightness/contrast), then with
 * probability 0.5 a frequency change. Draws nothing when p is 0 (runs without jitter keep their random stream).
 */
export function jitterWholeImage(img: RgbImage, p: number, rng: SeededRng): RgbImage {
  if (p <= 0 || rng.uniform() >= p) return img;
  let out = applyColourPerturbation(
    img,
    drawColourPerturbation(rng, { shiftProbability: 0.8, shiftRange: SHIFT_RANGE }),
  );
  if (rng.uniform() < 0.5) out = applyFrequencyPerturbation(out, drawFrequencyPerturbation(rng));
  return out;
}
