// Landmark face swap: the source identity's face is warped triangle by triangle onto the target's landmarks,
// its colours matched to the target's skin (Reinhard transfer in Lab), and pasted with a feathered mask.
import type { RgbImage } from '../image/rgbImage.js';
import { FACE_OVAL } from '../parsing/meshTopology.js';
import type { SeededRng } from '../random/seededRng.js';
import { delaunayTriangles } from './delaunay.js';
import { createFloatMask, type FloatMask, maskFromBinary } from './floatMask.js';
import { blurMask, gaussianRadius } from './gaussianBlur.js';
import { checkLandmarks, hullBinary, type Landmarks, toPoints } from './landmarks.js';
import { blendWithMask } from './maskedBlend.js';
import { erodeBinary } from './morphology.js';
import { piecewiseAffineWarp } from './piecewiseAffineWarp.js';
import { type LabStats, labStats, reinhardTransfer } from './reinhardTransfer.js';

export type TriangulationKind = 'mediapipe-mesh' | 'delaunay';

export interface SwapParameters {
  triangulation: TriangulationKind;
  triangles: number;
  /** σ of the feathering blur, pixels; the face region is first eroded by the blur's radius */
  featherSigma: number;
  colourTransfer: boolean;
  /** Lab statistics of the warped source and of the target over the face region (when transferred) */
  sourceStats?: LabStats;
  targetStats?: LabStats;
}

export interface SwapResult {
  image: RgbImage;
  mask: FloatMask;
  params: SwapParameters;
}

export interface SwapOptions {
  /** triangle index triples over the landmarks (e.g. the MediaPipe mesh triangulation); default: Delaunay of the target's */
  triangles?: ArrayLike<number>;
  /** name recorded for `triangles` (default 'mediapipe-mesh' when given) */
  triangulation?: TriangulationKind;
  /** feathering σ range as fractions of the image side */
  minFeather?: number;
  maxFeather?: number;
  /** match the source's colours to the target (default true) */
  colourTransfer?: boolean;
}

/** Delaunay triangles of the 468 mesh points, for landmarks whose mesh triangulation is not at hand. */
export function landmarkDelaunay(lm: Landmarks): Uint32Array {
  return delaunayTriangles(toPoints(lm));
}

/**
 * Puts the face of `source` (with its landmarks) onto `target` (with its landmarks). Outside the feathered
 * face mask the result is the target, byte for byte. Randomness (feather width) comes from `rng`.
 */
export function landmarkFaceSwap(
  source: RgbImage,
  sourceLandmarks: Landmarks,
  target: RgbImage,
  targetLandmarks: Landmarks,
  rng: SeededRng,
  options: SwapOptions = {},
): SwapResult {
  checkLandmarks(sourceLandmarks, 'face swap source');
  checkLandmarks(targetLandmarks, 'face swap target');
  const { width, height } = target;
  const side = Math.min(width, height);
  const triangles = options.triangles ?? landmarkDelaunay(targetLandmarks);
  const triangulation: TriangulationKind = options.triangles
    ? (options.triangulation ?? 'mediapipe-mesh')
    : 'delaunay';
  const minFeather = options.minFeather ?? 0.01;
  const maxFeather = options.maxFeather ?? 0.025;
  const featherSigma = (minFeather + (maxFeather - minFeather) * rng.uniform()) * side;

  const warp = piecewiseAffineWarp(
    source,
    toPoints(sourceLandmarks),
    toPoints(targetLandmarks),
    triangles,
    width,
    height,
  );
  const oval = hullBinary(toPoints(targetLandmarks, FACE_OVAL), width, height);
  const region = new Uint8Array(oval.length);
  for (let i = 0; i < region.length; i++) region[i] = oval[i]! & warp.coverage[i]!;
  // erode by the blur radius first, so the feathered mask never reaches pixels the warp did not fill
  const core = erodeBinary(region, width, height, gaussianRadius(featherSigma));
  if (!core.some((v) => v !== 0))
    throw new Error('face swap: the target face region is too small for the feathered mask');
  const mask = blurMask(maskFromBinary(width, height, core), featherSigma);
  for (let i = 0; i < mask.data.length; i++) if (!region[i]) mask.data[i] = 0;

  const colourTransfer = options.colourTransfer ?? true;
  let face = warp.image;
  let sourceStats: LabStats | undefined;
  let targetStats: LabStats | undefined;
  if (colourTransfer) {
    sourceStats = labStats(warp.image, core);
    targetStats = labStats(target, core);
    face = reinhardTransfer(warp.image, region, sourceStats, targetStats);
  }
  return {
    image: blendWithMask(target, face, createFloatMask(width, height, mask.data)),
    mask,
    params: {
      triangulation,
      triangles: triangles.length / 3,
      featherSigma,
      colourTransfer,
      ...(sourceStats ? { sourceStats, targetStats } : {}),
    },
  };
}
