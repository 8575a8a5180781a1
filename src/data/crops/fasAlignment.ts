// The face anti-spoofing alignment of the official FAS data (SPEC §6.6): MTCNN's five points (eye centres, nose tip,
// mouth corners) brought onto a mean face by `extract_image_chips(frame, points, 224, padding)`. Only the scale and
// angle of the least-squares similarity are used; the eye midpoint is then placed at (0.5, 0.4) of the chip.
import { type Affine2D, compose, translate } from './affine2d.js';

/** MTCNN's mean face: left eye, right eye, nose, left and right mouth corner, in [0, 1] of the chip. */
export const MTCNN_MEAN_FACE: readonly (readonly [number, number])[] = [
  [0.224152, 0.2119465],
  [0.75610125, 0.2119465],
  [0.490127, 0.628106],
  [0.254149, 0.780233],
  [0.726104, 0.780233],
];

export type FivePoints = readonly (readonly [number, number])[];

/**
 * Image → chip map (continuous pixel coordinates, pixel i spans [i, i+1)) that `extract_image_chips` warps with.
 * The official code works in OpenCV pixel-index coordinates, so points and the map are shifted by half a pixel.
 */
export function fasAlignTransform(points: FivePoints, size: number, padding: number): Affine2D {
  if (points.length !== 5) throw new Error(`FAS alignment needs 5 points, got ${points.length}`);
  const src = points.map(([x, y]) => [x - 0.5, y - 0.5] as const);
  const dst = MTCNN_MEAN_FACE.map(
    ([x, y]) =>
      [((padding + x) / (2 * padding + 1)) * size, ((padding + y) / (2 * padding + 1)) * size] as const,
  );
  const centroid = (p: readonly (readonly [number, number])[]) => [
    p.reduce((s, q) => s + q[0], 0) / p.length,
    p.reduce((s, q) => s + q[1], 0) / p.length,
  ];
  const [sx, sy] = centroid(src) as [number, number];
  const [dx, dy] = centroid(dst) as [number, number];
  // Least-squares rotation + scale (Umeyama with a proper rotation): in 2-D, a·I + b·J with
  // a = Σ(u·x + v·y) / Σ|p|², b = Σ(v·x − u·y) / Σ|p|² over centred source p = (x, y) and target (u, v).
  let a = 0;
  let b = 0;
  let norm = 0;
  for (let i = 0; i < 5; i++) {
    const x = src[i]![0] - sx;
    const y = src[i]![1] - sy;
    const u = dst[i]![0] - dx;
    const v = dst[i]![1] - dy;
    a += u * x + v * y;
    b += v * x - u * y;
    norm += x * x + y * y;
  }
  if (!(norm > 0)) throw new Error('FAS alignment needs five distinct points');
  a /= norm;
  b /= norm;
  // cv2.getRotationMatrix2D(eye midpoint, −angle, scale), which takes the centre as a float32 Point2f, then the
  // eye midpoint (float64) moved to (0.5, 0.4)·size
  const cx = (src[0]![0] + src[1]![0]) / 2;
  const cy = (src[0]![1] + src[1]![1]) / 2;
  const fx = Math.fround(cx);
  const fy = Math.fround(cy);
  const inIndexCoords: Affine2D = [
    a,
    -b,
    (1 - a) * fx + b * fy + size * 0.5 - cx,
    b,
    a,
    -b * fx + (1 - a) * fy + size * 0.4 - cy,
  ];
  return compose(translate(0.5, 0.5), compose(inIndexCoords, translate(-0.5, -0.5)));
}
