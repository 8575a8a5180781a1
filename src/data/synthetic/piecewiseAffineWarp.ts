import { createRgbImage, type RgbImage } from '../image/rgbImage.js';
import type { Point2 } from '../parsing/polygonFill.js';
import { sampleRgbBilinear, toBytes } from './sampleBilinear.js';

export interface PiecewiseWarp {
  /** the source warped into the destination frame (black where no triangle covers) */
  image: RgbImage;
  /** 1 where some destination triangle covers the pixel centre */
  coverage: Uint8Array;
}

/**
 * Piecewise-affine warp: every triangle (index triples into both point lists) of the destination landmarks
 * is filled by sampling the source image through the affine map that takes the destination triangle onto
 * the matching source triangle (bilinear, edges clamped). Pixel centres are tested with barycentric
 * coordinates; a centre on an edge shared by two triangles is filled by the first, so no pixel is written twice.
 */
export function piecewiseAffineWarp(
  source: RgbImage,
  srcPoints: ReadonlyArray<Point2>,
  dstPoints: ReadonlyArray<Point2>,
  triangles: ArrayLike<number>,
  width: number,
  height: number,
): PiecewiseWarp {
  if (triangles.length % 3 !== 0)
    throw new Error(`triangle index list length ${triangles.length} is not a multiple of 3`);
  const out = new Float32Array(width * height * 3);
  const coverage = new Uint8Array(width * height);
  for (let t = 0; t < triangles.length; t += 3) {
    const ia = triangles[t]!;
    const ib = triangles[t + 1]!;
    const ic = triangles[t + 2]!;
    const d0 = dstPoints[ia];
    const d1 = dstPoints[ib];
    const d2 = dstPoints[ic];
    const s0 = srcPoints[ia];
    const s1 = srcPoints[ib];
    const s2 = srcPoints[ic];
    if (!d0 || !d1 || !d2 || !s0 || !s1 || !s2)
      throw new Error(`triangle ${t / 3} refers to a landmark index beyond the ${dstPoints.length} points`);
    const det = (d1[0] - d0[0]) * (d2[1] - d0[1]) - (d2[0] - d0[0]) * (d1[1] - d0[1]);
    if (Math.abs(det) < 1e-9) continue;
    const x0 = Math.max(0, Math.floor(Math.min(d0[0], d1[0], d2[0]) - 0.5));
    const x1 = Math.min(width - 1, Math.ceil(Math.max(d0[0], d1[0], d2[0])));
    const y0 = Math.max(0, Math.floor(Math.min(d0[1], d1[1], d2[1]) - 0.5));
    const y1 = Math.min(height - 1, Math.ceil(Math.max(d0[1], d1[1], d2[1])));
    for (let y = y0; y <= y1; y++) {
      const py = y + 0.5;
      for (let x = x0; x <= x1; x++) {
        const i = y * width + x;
        if (coverage[i]) continue;
        const px = x + 0.5;
        // barycentric weights of (px, py) in the destination triangle
        const l1 = ((px - d0[0]) * (d2[1] - d0[1]) - (d2[0] - d0[0]) * (py - d0[1])) / det;
        const l2 = ((d1[0] - d0[0]) * (py - d0[1]) - (px - d0[0]) * (d1[1] - d0[1])) / det;
        const l0 = 1 - l1 - l2;
        if (l0 < -1e-9 || l1 < -1e-9 || l2 < -1e-9) continue;
        const sx = l0 * s0[0] + l1 * s1[0] + l2 * s2[0];
        const sy = l0 * s0[1] + l1 * s1[1] + l2 * s2[1];
        sampleRgbBilinear(source, sx, sy, out, i * 3);
        coverage[i] = 1;
      }
    }
  }
  return { image: createRgbImage(width, height, toBytes(out)), coverage };
}
