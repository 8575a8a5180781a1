// A fresh self-blended image of one real face crop, drawn at load time (the SBI training recipe, Shiohara &
// Yamasaki, CVPR 2022): the perturbation goes to the face copy or to the image it is pasted into (50/50); one
// scale/shift moves the copy and its mask together; the mask, a hull of the face with or without the forehead, is
// deformed elastically, shrunk and blurred, and scaled by a blend ratio; the blend is made on the whole stored crop,
// then the real face and its fake are re-cropped together with the same random margins.
import { cropRgb } from '../image/crop.js';
import { resizeRgb } from '../image/resize.js';
import type { RgbImage } from '../image/rgbImage.js';
import type { SeededRng } from '../random/seededRng.js';
import { moveBinary, moveRgb } from './affineMove.js';
import { elasticDeformBinary } from './elasticDeform.js';
import { type FaceOutline, outlineCentre, outlineHull } from './faceOutline.js';
import { maskFromBinary } from './floatMask.js';
import { blurMask } from './gaussianBlur.js';
import { blendWithMask } from './maskedBlend.js';
import { erodeBinary } from './morphology.js';
import { drawSbiParameters, type SbiOptions, type SbiParameters, sbiPerturb } from './selfBlendedImage.js';

export interface OnlineSbiOptions {
  /** ranges of the SBI draws (a named strength, sbiStrength.ts); the side and region draws are set here */
  sbi?: SbiOptions;
  /** probability of the hull without the forehead (the reference's 68-point hull, else 81-point) */
  noForeheadProbability?: number;
  /** largest trim of each side in the re-crop, as a fraction of the crop side */
  maxRecropMargin?: number;
}

export interface OnlineSbiPair {
  real: RgbImage;
  fake: RgbImage;
  params: SbiParameters & {
    forehead: boolean;
    recrop: { left: number; top: number; width: number; height: number };
  };
}

const DEFAULT_NO_FOREHEAD = 0.25;
const DEFAULT_RECROP_MARGIN = 0.06;

/**
 * The pair (real, fake) for one draw. Everything random comes from `rng`: the same crop, outline and generator
 * state give the same pair, byte for byte, whichever thread runs it.
 */
export function onlineSelfBlend(
  img: RgbImage,
  outline: FaceOutline,
  rng: SeededRng,
  o: OnlineSbiOptions = {},
): OnlineSbiPair {
  const { width: w, height: h } = img;
  // the side of the perturbation is always drawn (50/50); the lower-face region gives way to the forehead choice
  const p = drawSbiParameters(w, h, rng, { ...o.sbi, lowerFaceProbability: 0, targetProbability: 0.5 });
  const forehead = rng.uniform() >= (o.noForeheadProbability ?? DEFAULT_NO_FOREHEAD);
  const centre = outlineCentre(outline);
  const hull = outlineHull(outline, forehead, w, h);
  const perturbed = sbiPerturb(img, p);
  const target = p.perturbed === 'target' ? perturbed : img;
  const source = moveRgb(p.perturbed === 'target' ? img : perturbed, centre, p.geometry);
  let bits = elasticDeformBinary(moveBinary(hull, w, h, centre, p.geometry), w, h, p.elasticAmplitude, rng);
  // shrink (the reference blurs and keeps only the saturated core), then soften the edge
  const shrunk = erodeBinary(bits, w, h, Math.abs(p.morphRadius));
  if (shrunk.some((v) => v !== 0)) bits = shrunk;
  if (!bits.some((v) => v !== 0)) bits = hull;
  const soft = blurMask(maskFromBinary(w, h, bits), p.blurSigma);
  for (let i = 0; i < soft.data.length; i++) soft.data[i]! *= p.blendRatio;
  const fake = blendWithMask(target, source, soft);
  const recrop = drawRecrop(w, h, rng, o.maxRecropMargin ?? DEFAULT_RECROP_MARGIN);
  const cut = (im: RgbImage) =>
    resizeRgb(cropRgb(im, recrop.left, recrop.top, recrop.width, recrop.height), w, h, 'bilinear');
  return { real: cut(img), fake: cut(fake), params: { ...p, forehead, recrop } };
}

/** Random trims of the four sides: the face stays, its margins vary (the stored crop is the widest view there is). */
function drawRecrop(w: number, h: number, rng: SeededRng, maxMargin: number) {
  const trim = (side: number) => Math.floor(rng.uniform() * maxMargin * side);
  const left = trim(w);
  const right = trim(w);
  const top = trim(h);
  const bottom = trim(h);
  return { left, top, width: w - left - right, height: h - top - bottom };
}
