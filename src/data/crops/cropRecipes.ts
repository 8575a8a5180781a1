// Named face-crop recipes. Every written crop records the recipe name so datasets say how they were cut.
//   fsfm-dlib-<scale>  the official rule (SPEC §6.1): square of side scale·max(w, h) on the box centre, clipped
//   aligned-<scale>    eye line levelled using the face mesh, square of side scale·max(w, h) centred between
//                      the eye midpoint and the mouth centre; area outside the image is black
import type { FaceDetection } from '../faces/faceDetection.js';
import { resizeRgb } from '../image/resize.js';
import type { RgbImage } from '../image/rgbImage.js';
import { type Affine2D, compose, rotate, scale, translate } from './affine2d.js';
import { dlibSquareRegion } from './dlibSquareCrop.js';
import { extractRegion, warpAffineBilinear } from './extractRegion.js';

/** Side of the crops fed to the models and stored in the pre-training layout. */
export const CROP_SIZE = 224;
export const DEFAULT_RECIPE = 'fsfm-dlib-1.3';

export interface FaceCrop {
  recipe: string;
  /** The square crop at source resolution (what the official DfD preparation saves). */
  native: RgbImage;
  /** image → native-crop coordinates */
  toNative: Affine2D;
  /** `native` resized to CROP_SIZE² with PIL-compatible bicubic (SPEC §6.2). */
  image: RgbImage;
  /** image → CROP_SIZE² crop coordinates, for mapping landmarks into the crop */
  transform: Affine2D;
}

export interface CropRecipe {
  name: string;
  crop(img: RgbImage, face: FaceDetection): FaceCrop;
}

/** Parses a recipe name; throws listing the valid forms when it is not one. */
export function cropRecipe(name: string): CropRecipe {
  const m = /^(fsfm-dlib|aligned)-(\d+(?:\.\d+)?)$/.exec(name);
  const factor = m ? Number(m[2]) : Number.NaN;
  if (!m || !(factor >= 0.5 && factor <= 4)) {
    throw new Error(
      `unknown crop recipe "${name}": use fsfm-dlib-<scale> or aligned-<scale> with scale in [0.5, 4], e.g. ${DEFAULT_RECIPE}`,
    );
  }
  const cut = m[1] === 'fsfm-dlib' ? dlibCrop : alignedCrop;
  return { name, crop: (img, face) => cut(name, factor, img, face) };
}

function finish(recipe: string, native: RgbImage, toNative: Affine2D): FaceCrop {
  const image = resizeRgb(native, CROP_SIZE, CROP_SIZE, 'bicubic');
  const transform = compose(scale(CROP_SIZE / native.width, CROP_SIZE / native.height), toNative);
  return { recipe, native, toNative, image, transform };
}

function dlibCrop(recipe: string, factor: number, img: RgbImage, face: FaceDetection): FaceCrop {
  const r = dlibSquareRegion(face.box, img.width, img.height, factor);
  if (r.size < 1 || r.x >= img.width || r.y >= img.height) {
    throw new Error(
      `face box ${JSON.stringify(face.box)} leaves no pixels inside the ${img.width}x${img.height} image`,
    );
  }
  return finish(recipe, extractRegion(img, r.x, r.y, r.size, r.size), translate(-r.x, -r.y));
}

// MediaPipe face-mesh indices: eye corners and mouth corners.
const EYE_A = [33, 133];
const EYE_B = [362, 263];
const MOUTH = [61, 291];

function mean(points: FaceDetection['landmarks'], ids: number[]): [number, number] {
  let x = 0;
  let y = 0;
  for (const i of ids) {
    x += points[i]![0];
    y += points[i]![1];
  }
  return [x / ids.length, y / ids.length];
}

function alignedCrop(recipe: string, factor: number, img: RgbImage, face: FaceDetection): FaceCrop {
  if (face.landmarks.length < 468) {
    throw new Error(
      `${recipe} needs the 468-point face mesh, the detection has ${face.landmarks.length} points`,
    );
  }
  const a = mean(face.landmarks, EYE_A);
  const b = mean(face.landmarks, EYE_B);
  const mouth = mean(face.landmarks, MOUTH);
  const angle = Math.atan2(b[1] - a[1], b[0] - a[0]);
  const cx = ((a[0] + b[0]) / 2 + mouth[0]) / 2;
  const cy = ((a[1] + b[1]) / 2 + mouth[1]) / 2;
  const side = Math.max(1, Math.round(Math.max(face.box.width, face.box.height) * factor));
  const toNative = compose(translate(side / 2, side / 2), compose(rotate(-angle), translate(-cx, -cy)));
  return finish(recipe, warpAffineBilinear(img, toNative, side, side), toNative);
}

/** Where the crop's centre lies in the source image (for reports and tests). */
export function cropCentreInImage(crop: FaceCrop): [number, number] {
  const [a, b, c, d, e, f] = crop.toNative;
  const det = a * e - b * d;
  const u = crop.native.width / 2 - c;
  const v = crop.native.height / 2 - f;
  return [(e * u - b * v) / det, (a * v - d * u) / det];
}
