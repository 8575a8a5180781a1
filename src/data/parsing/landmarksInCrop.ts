import type { Box } from '../faces/faceDetection.js';

/**
 * Maps landmarks from image pixels into a crop of `region` that was resized to `width` × `height`
 * (e.g. the 224×224 parsing input). z is scaled with x so the mesh keeps its proportions.
 */
export function landmarksInCrop(
  landmarks: ReadonlyArray<readonly [number, number, number]>,
  region: Box,
  width: number,
  height: number,
): Array<[number, number, number]> {
  if (region.width <= 0 || region.height <= 0)
    throw new Error(`crop region must have a positive size, got ${region.width}x${region.height}`);
  const sx = width / region.width;
  const sy = height / region.height;
  return landmarks.map(([x, y, z]) => [(x - region.x) * sx, (y - region.y) * sy, z * sx]);
}
