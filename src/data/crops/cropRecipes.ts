// Named face-crop recipes. Every written crop records the recipe name so datasets say how they were cut.
//   fsfm-dlib-<scale>      the official DfD/DiFF/pre-training rule (SPEC §6.1): a square of side int(scale·side) on
//                          the centre of dlib's face rectangle, clipped at the image; the rectangle is placed from
//                          the face mesh where real dlib would put it (faceRect.ts)
//   aligned-<scale>        eye line levelled using the face mesh, a square of side scale·max(w, h) of the detector
//                          box centred between the eye midpoint and the mouth centre; area outside the image is black
//   fas-align-<padding>    the official FAS alignment (SPEC §6.6): MTCNN's five points onto its mean face, 224×224
import type { FaceDetection } from '../faces/faceDetection.js';
import { resizeRgb } from '../image/resize.js';
import type { RgbImage } from '../image/rgbImage.js';
import { type Affine2D, applyAffine, compose, invert, rotate, scale, translate } from './affine2d.js';
import { dlibSquareRegion } from './dlibSquareCrop.js';
import { extractRegion, warpAffineBilinear } from './extractRegion.js';
import { faceRect } from './faceRect.js';
import { fasAlignTransform } from './fasAlignment.js';
import { fivePointsFromMesh, meshPoint, requireMesh } from './meshPoints.js';

/** Side of the crops fed to the models and stored in the pre-training layout. */
export const CROP_SIZE = 224;
export const DEFAULT_RECIPE = 'fsfm-dlib-1.3';
/** The FAS checkpoints' crop (SPEC §6.6). */
export const FAS_RECIPE = 'fas-align-0.37';

/** The square region of the source image a crop was cut from; `angle` (degrees, clockwise on screen) when rotated. */
export interface CropBox {
  x: number;
  y: number;
  width: number;
  height: number;
  angle?: number;
}

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
  /** where the crop lies in the source image */
  box: CropBox;
}

export interface CropRecipe {
  name: string;
  /** the crop is placed around dlib's window (faceRect.ts), which may be located beforehand, e.g. in another thread */
  usesDlibRect: boolean;
  crop(img: RgbImage, face: FaceDetection): FaceCrop;
}

type Cut = (recipe: string, factor: number, img: RgbImage, face: FaceDetection) => FaceCrop;

const KINDS: Record<string, { cut: Cut; range: [number, number] }> = {
  'fsfm-dlib': { cut: dlibCrop, range: [0.5, 4] },
  aligned: { cut: alignedCrop, range: [0.5, 4] },
  'fas-align': { cut: fasAlignedCrop, range: [0, 2] },
};

/** Parses a recipe name; throws listing the valid forms when it is not one. */
export function cropRecipe(name: string): CropRecipe {
  const m = /^(fsfm-dlib|aligned|fas-align)-(\d+(?:\.\d+)?)$/.exec(name);
  const kind = m ? KINDS[m[1]!]! : undefined;
  const factor = m ? Number(m[2]) : Number.NaN;
  if (!kind || !(factor >= kind.range[0] && factor <= kind.range[1])) {
    throw new Error(
      `unknown crop recipe "${name}": use fsfm-dlib-<scale> or aligned-<scale> with scale in [0.5, 4] ` +
        `(e.g. ${DEFAULT_RECIPE}), or fas-align-<padding> with padding in [0, 2] (e.g. ${FAS_RECIPE})`,
    );
  }
  return {
    name,
    usesDlibRect: m![1] === 'fsfm-dlib',
    crop: (img, face) => kind.cut(name, factor, img, face),
  };
}

function finish(recipe: string, native: RgbImage, toNative: Affine2D, box: CropBox): FaceCrop {
  const image =
    native.width === CROP_SIZE && native.height === CROP_SIZE
      ? native
      : resizeRgb(native, CROP_SIZE, CROP_SIZE, 'bicubic');
  const transform = compose(scale(CROP_SIZE / native.width, CROP_SIZE / native.height), toNative);
  return { recipe, native, toNative, image, transform, box };
}

function dlibCrop(recipe: string, factor: number, img: RgbImage, face: FaceDetection): FaceCrop {
  const r = dlibSquareRegion(faceRect(img, face), img.width, img.height, factor);
  if (r.size < 1 || r.x >= img.width || r.y >= img.height) {
    throw new Error(
      `the face at ${JSON.stringify(face.box)} leaves no pixels inside the ${img.width}x${img.height} image`,
    );
  }
  return finish(recipe, extractRegion(img, r.x, r.y, r.size, r.size), translate(-r.x, -r.y), {
    x: r.x,
    y: r.y,
    width: r.size,
    height: r.size,
  });
}

/** The crop box of a rotated square crop: its unrotated square about the centre, and the angle. */
function rotatedBox(toNative: Affine2D, side: number): CropBox {
  const [cx, cy] = applyAffine(invert(toNative), side / 2, side / 2);
  const [a, , , d] = invert(toNative);
  const width = Math.hypot(a, d) * side;
  return {
    x: cx - width / 2,
    y: cy - width / 2,
    width,
    height: width,
    angle: (Math.atan2(d, a) * 180) / Math.PI,
  };
}

function alignedCrop(recipe: string, factor: number, img: RgbImage, face: FaceDetection): FaceCrop {
  const mesh = requireMesh(recipe, face);
  const a = meshPoint(mesh, 'eyeA');
  const b = meshPoint(mesh, 'eyeB');
  const mouth = meshPoint(mesh, 'mouth');
  const angle = Math.atan2(b[1] - a[1], b[0] - a[0]);
  const cx = ((a[0] + b[0]) / 2 + mouth[0]) / 2;
  const cy = ((a[1] + b[1]) / 2 + mouth[1]) / 2;
  const side = Math.max(1, Math.round(Math.max(face.box.width, face.box.height) * factor));
  const toNative = compose(translate(side / 2, side / 2), compose(rotate(-angle), translate(-cx, -cy)));
  return finish(recipe, warpAffineBilinear(img, toNative, side, side), toNative, rotatedBox(toNative, side));
}

function fasAlignedCrop(recipe: string, padding: number, img: RgbImage, face: FaceDetection): FaceCrop {
  const toNative = fasAlignTransform(fivePointsFromMesh(requireMesh(recipe, face)), CROP_SIZE, padding);
  return finish(
    recipe,
    warpAffineBilinear(img, toNative, CROP_SIZE, CROP_SIZE),
    toNative,
    rotatedBox(toNative, CROP_SIZE),
  );
}
