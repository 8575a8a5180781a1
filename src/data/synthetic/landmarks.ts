import { fillPolygon, type Point2 } from '../parsing/polygonFill.js';
import { convexHull } from './convexHull.js';

/** Face-mesh landmarks in image pixels: [x, y] or [x, y, z] per point (MediaPipe order, 468 or 478 points). */
export type Landmarks = ReadonlyArray<readonly number[]>;

/** Points of the 468-point mesh proper; 468..477 are iris points, always inside the hull. */
export const MESH_POINTS = 468;

export function checkLandmarks(lm: Landmarks, what: string): void {
  if (lm.length < MESH_POINTS)
    throw new Error(`${what}: needs the ${MESH_POINTS}-point face mesh, got ${lm.length} landmarks`);
  for (const p of lm)
    if (!(Number.isFinite(p[0]) && Number.isFinite(p[1])))
      throw new Error(`${what}: landmarks hold a non-finite coordinate`);
}

export function toPoints(lm: Landmarks, indices?: readonly number[]): Point2[] {
  const ids = indices ?? Array.from({ length: Math.min(lm.length, MESH_POINTS) }, (_, i) => i);
  return ids.map((i) => [lm[i]![0]!, lm[i]![1]!] as const);
}

/** 0/1 raster of the convex hull of `points` (pixel centres inside). */
export function hullBinary(points: ReadonlyArray<Point2>, w: number, h: number): Uint8Array {
  const bits = new Uint8Array(w * h);
  fillPolygon({ width: w, height: h, data: bits }, convexHull(points), 1);
  return bits;
}
