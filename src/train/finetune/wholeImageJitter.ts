// Whole-image jitter from the SBI perturbation family (colour shift, then a downscale or sharpen), applied to real
// and fake training images alike. A self-blended fake differs from its real twin by a colour/sharpness change on one
// side of the blend; when every training image gets such changes as a whole, the absolute colour or sharpness of a
// face tells nothing, and only the mismatch at the blend separates the classes (as in the SBI training recipe).
// The draw lives with the shared training post-processing (data/transforms/trainingPostprocess.ts).
import type { RgbImage } from '../../data/image/rgbImage.js';
import type { SeededRng } from '../../data/random/seededRng.js';
import { applyWholeImageJitter, drawWholeImageJitter } from '../../data/transforms/trainingPostprocess.js';

/** With probability `p` the jitter; draws nothing when p is 0 (runs without jitter keep their random stream). */
export function jitterWholeImage(img: RgbImage, p: number, rng: SeededRng): RgbImage {
  return applyWholeImageJitter(img, drawWholeImageJitter(rng, p));
}
