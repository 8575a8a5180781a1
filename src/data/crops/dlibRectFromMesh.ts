// Where dlib's HOG face detector would put its rectangle, estimated from the 478-point face mesh. dlib is not run:
// a linear model, fitted once against real dlib on the demo media (scripts/reference/fitDlibRectMapping.ts), maps a
// few mesh measurements to the rectangle's centre and side. The model is translation- and scale-equivariant (no
// intercepts), so it holds at any face size and position.
import type { DlibRect } from './dlibRect.js';
import { DLIB_RECT_WEIGHTS } from './dlibRectWeights.js';
import { EYE_A, EYE_B, MESH_POINTS, type MeshPoints, MOUTH, meanPoint } from './meshPoints.js';

// MediaPipe face-mesh indices used only here
const NOSE_TIP = 1;
const CHIN = 152;
const CHEEK_A = [234, 93, 132];
const CHEEK_B = [454, 323, 361];
const BROWS = [105, 334, 66, 296];

/** The measurements the model reads, relative to the centre of the mesh's bounding box. */
export interface MeshMeasurements {
  /** centre of the bounding box of the 468 mesh points */
  centre: [number, number];
  /** features of the horizontal centre offset, the vertical centre offset and the side */
  cx: number[];
  cy: number[];
  side: number[];
}

export function meshMeasurements(p: MeshPoints): MeshMeasurements {
  if (p.length < MESH_POINTS) {
    throw new Error(
      `the dlib box estimate needs the 468-point face mesh, the detection has ${p.length} points`,
    );
  }
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < MESH_POINTS; i++) {
    const [x, y] = p[i]!;
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const [eyeAX, eyeAY] = meanPoint(p, EYE_A);
  const [eyeBX, eyeBY] = meanPoint(p, EYE_B);
  const eyesX = (eyeAX + eyeBX) / 2;
  const eyesY = (eyeAY + eyeBY) / 2;
  const [mouthX, mouthY] = meanPoint(p, MOUTH);
  const cheekA = Math.min(...CHEEK_A.map((i) => p[i]![0]));
  const cheekB = Math.max(...CHEEK_B.map((i) => p[i]![0]));
  const brow = Math.min(...BROWS.map((i) => p[i]![1]));
  const chin = p[CHIN]![1];
  // head turn: how far the nose tip sits from the midpoint of the outermost cheek points
  const turn = p[NOSE_TIP]![0] - (p[CHEEK_A[0]!]![0] + p[CHEEK_B[0]!]![0]) / 2;
  return {
    centre: [cx, cy],
    cx: [eyesX - cx, mouthX - cx, (cheekA + cheekB) / 2 - cx, turn],
    cy: [eyesY - cy, mouthY - cy, chin - cy, brow - cy],
    side: [
      cheekB - cheekA,
      chin - brow,
      Math.hypot(eyeBX - eyeAX, eyeBY - eyeAY),
      Math.hypot(mouthX - eyesX, mouthY - eyesY),
    ],
  };
}

export interface DlibRectWeights {
  cx: readonly number[];
  cy: readonly number[];
  side: readonly number[];
}

const dot = (w: readonly number[], x: number[]) => w.reduce((s, v, i) => s + v * x[i]!, 0);

/** The continuous (unrounded) estimate: centre and side of dlib's square rectangle. */
export function estimateDlibSquare(
  landmarks: MeshPoints,
  weights: DlibRectWeights = DLIB_RECT_WEIGHTS,
): { cx: number; cy: number; side: number } {
  const m = meshMeasurements(landmarks);
  return {
    cx: m.centre[0] + dot(weights.cx, m.cx),
    cy: m.centre[1] + dot(weights.cy, m.cy),
    side: dot(weights.side, m.side),
  };
}

/** dlib's rectangle as the mesh predicts it, rounded to dlib's integer corners (width = side + 1 pixels). */
export function dlibRectFromMesh(landmarks: MeshPoints, weights?: DlibRectWeights): DlibRect {
  const { cx, cy, side } = estimateDlibSquare(landmarks, weights);
  const half = side / 2;
  return {
    left: Math.round(cx - half),
    top: Math.round(cy - half),
    right: Math.round(cx + half),
    bottom: Math.round(cy + half),
  };
}
