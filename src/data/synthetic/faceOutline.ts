// The outline a self-blend mask is built from, taken from what is stored with a face crop: its parsing map (the
// pre-training layout's parsing_maps/*.npy) or its face-mesh landmarks. Points in image pixels, and the height of
// the brows, so the hull can be taken with the forehead (81-point style) or without it (68-point style).
import { LapaLabel } from '../parsing/lapaLabels.js';
import type { Point2 } from '../parsing/polygonFill.js';
import { hullBinary, type Landmarks, toPoints } from './landmarks.js';

export interface FaceOutline {
  points: Point2[];
  /** smallest y of the brows (image pixels); points above it are the forehead. null when no brow was found */
  browTop: number | null;
}

/** MediaPipe face-mesh brow points (upper and lower edge of both brows). */
const MESH_BROWS = [
  70, 63, 105, 66, 107, 55, 65, 52, 53, 46, 336, 296, 334, 293, 300, 285, 295, 282, 283, 276,
];

/** Face labels of a LaPa map: skin and every inner part, neither hair nor background. */
const isFace = (label: number): boolean => label >= LapaLabel.skin && label <= LapaLabel.lowerLip;
const isBrow = (label: number): boolean => label === LapaLabel.rightBrow || label === LapaLabel.leftBrow;

/** The left- and right-most face pixel of every row (enough for a convex hull) and the top of the brows. */
export function outlineFromParsingMap(map: {
  width: number;
  height: number;
  labels: ArrayLike<number>;
}): FaceOutline {
  const points: Point2[] = [];
  let browTop: number | null = null;
  for (let y = 0; y < map.height; y++) {
    let lo = -1;
    let hi = -1;
    for (let x = 0; x < map.width; x++) {
      const l = map.labels[y * map.width + x]!;
      if (!isFace(l)) continue;
      if (lo < 0) lo = x;
      hi = x;
      if (browTop === null && isBrow(l)) browTop = y;
    }
    if (lo < 0) continue;
    points.push([lo + 0.5, y + 0.5], [hi + 0.5, y + 0.5]);
  }
  return { points, browTop };
}

export function outlineFromLandmarks(lm: Landmarks): FaceOutline {
  const points = toPoints(lm);
  const brows = MESH_BROWS.filter((i) => i < lm.length).map((i) => lm[i]![1]!);
  return { points, browTop: brows.length ? Math.min(...brows) : null };
}

/** Points of the hull: all of them, or without the forehead (those above the brows). */
export function outlinePoints(o: FaceOutline, forehead: boolean): Point2[] {
  if (forehead || o.browTop === null) return o.points;
  const top = o.browTop;
  const below = o.points.filter((q) => q[1] >= top);
  return below.length >= 3 ? below : o.points;
}

export function outlineHull(o: FaceOutline, forehead: boolean, w: number, h: number): Uint8Array {
  return hullBinary(outlinePoints(o, forehead), w, h);
}

/** Mean of the outline points: the centre the face copy is scaled about. */
export function outlineCentre(o: FaceOutline): Point2 {
  const n = Math.max(1, o.points.length);
  return [o.points.reduce((s, q) => s + q[0], 0) / n, o.points.reduce((s, q) => s + q[1], 0) / n];
}
