import type { RgbImage } from '../image/rgbImage.js';
import { labelHairAndHeadSkin } from './hairHeuristic.js';
import { LAPA_LABEL_NAMES, LapaLabel } from './lapaLabels.js';
import {
  CHIN,
  FACE_OVAL,
  INNER_MOUTH,
  LEFT_BROW,
  LEFT_EYE,
  LIPS_UPPER_OUTER,
  LOWER_LIP,
  NOSE,
  RIGHT_BROW,
  RIGHT_EYE,
  SKIN_SAMPLE_POINTS,
  UPPER_LIP,
} from './meshTopology.js';
import { fillPolygon, type Point2, strokePolygon } from './polygonFill.js';
import { sampleSkinColour } from './skinColourModel.js';

/** A face-parsing map: one LaPa label id (SPEC §3.1) per crop pixel, row-major. */
export interface FaceParsing {
  width: number;
  height: number;
  map: Int8Array;
  labelNames: typeof LAPA_LABEL_NAMES;
}

/** The mesh has 468 points, 478 with iris refinement; parsing needs the first 468. */
const MESH_POINTS = 468;

function polygon(landmarks: ReadonlyArray<readonly number[]>, indices: readonly number[]): Point2[] {
  return indices.map((i) => [landmarks[i][0], landmarks[i][1]] as const);
}

/**
 * Rasterises LaPa regions from the face mesh (landmarks already in crop pixels): face oval → skin, then
 * nose, brows, eyes, lips and inner mouth painted over it in that order. With a person-probability map
 * (selfie segmentation of the same crop) the hair heuristic adds hair and skin outside the oval; without
 * one, everything outside the oval stays background.
 */
export function rasterizeFaceParsing(
  crop: RgbImage,
  landmarks: ReadonlyArray<readonly [number, number, number]>,
  personProbability?: Float32Array,
): FaceParsing {
  const { width, height } = crop;
  if (landmarks.length < MESH_POINTS) {
    throw new Error(
      `face parsing needs the ${MESH_POINTS}-point face mesh, got ${landmarks.length} landmarks`,
    );
  }
  if (personProbability && personProbability.length !== width * height) {
    throw new Error(
      `person map has ${personProbability.length} values, the ${width}x${height} crop needs ${width * height}`,
    );
  }
  const map = new Int8Array(width * height);
  const raster = { width, height, data: map };

  const ovalPoints = polygon(landmarks, FACE_OVAL);
  const oval = new Uint8Array(width * height);
  fillPolygon({ width, height, data: oval }, ovalPoints, 1);
  fillPolygon(raster, ovalPoints, LapaLabel.skin);

  if (personProbability) {
    const xs = ovalPoints.map((p) => p[0]);
    const ys = ovalPoints.map((p) => p[1]);
    const faceWidth = Math.max(...xs) - Math.min(...xs);
    const sample = polygon(landmarks, SKIN_SAMPLE_POINTS);
    const skin = sampleSkinColour(crop, sample, Math.max(2, 0.05 * faceWidth));
    const browTop = Math.min(...polygon(landmarks, [...RIGHT_BROW, ...LEFT_BROW]).map((p) => p[1]));
    labelHairAndHeadSkin(map, crop, oval, personProbability, skin, {
      ovalLeft: Math.min(...xs),
      ovalRight: Math.max(...xs),
      ovalTop: Math.min(...ys),
      chinY: landmarks[CHIN][1],
      browTop,
      mouthY: Math.min(...polygon(landmarks, LIPS_UPPER_OUTER).map((p) => p[1])),
    });
  }

  fillPolygon(raster, polygon(landmarks, NOSE), LapaLabel.nose);
  // Brows and eyes also get their outline stroked: a closed eye is a zero-area polygon but still an eye.
  for (const [indices, label] of [
    [RIGHT_BROW, LapaLabel.rightBrow],
    [LEFT_BROW, LapaLabel.leftBrow],
    [RIGHT_EYE, LapaLabel.rightEye],
    [LEFT_EYE, LapaLabel.leftEye],
  ] as const) {
    const points = polygon(landmarks, indices);
    fillPolygon(raster, points, label);
    strokePolygon(raster, points, label);
  }
  fillPolygon(raster, polygon(landmarks, UPPER_LIP), LapaLabel.upperLip);
  fillPolygon(raster, polygon(landmarks, LOWER_LIP), LapaLabel.lowerLip);
  fillPolygon(raster, polygon(landmarks, INNER_MOUTH), LapaLabel.innerMouth);
  return { width, height, map, labelNames: LAPA_LABEL_NAMES };
}
