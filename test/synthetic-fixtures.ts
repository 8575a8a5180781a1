// Synthetic "faces" for the synthetic-fake tests: a textured image and 478 landmarks laid out like a face
// (the FACE_OVAL points on an ellipse, the rest inside it), plus a stand-in detector that returns them.
import type { FaceDetectorLike } from '../src/data/datasets/faceTools.js';
import type { FaceDetection } from '../src/data/faces/faceDetection.js';
import { createRgbImage, type RgbImage } from '../src/data/image/rgbImage.js';
import { FACE_OVAL } from '../src/data/parsing/meshTopology.js';
import { SeededRng } from '../src/data/random/seededRng.js';

/** Smooth colour gradients plus seeded noise, tinted by `tint` (so colour statistics differ between faces). */
export function texturedImage(
  w: number,
  h: number,
  seed: number,
  tint: [number, number, number] = [0, 0, 0],
): RgbImage {
  const rng = new SeededRng(seed);
  const d = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 3;
      const n = rng.uniform() * 40;
      d[o] = Math.min(255, Math.max(0, (x * 180) / w + n + tint[0]));
      d[o + 1] = Math.min(255, Math.max(0, (y * 180) / h + n + tint[1]));
      d[o + 2] = Math.min(255, Math.max(0, ((x + y) * 90) / (w + h) + 60 + n + tint[2]));
    }
  return createRgbImage(w, h, d);
}

/** 478 points: FACE_OVAL on an ellipse centred in the image, the others seeded-random inside it. */
export function faceLikeLandmarks(w: number, h: number, seed: number): Array<[number, number, number]> {
  const rng = new SeededRng(seed);
  const cx = w / 2 + (rng.uniform() - 0.5) * 4;
  const cy = h / 2 + (rng.uniform() - 0.5) * 4;
  const rx = w * 0.3;
  const ry = h * 0.38;
  const pts: Array<[number, number, number]> = [];
  for (let i = 0; i < 478; i++) {
    const r = 0.85 * Math.sqrt(rng.uniform());
    const a = rng.uniform() * 2 * Math.PI;
    pts.push([cx + r * rx * Math.cos(a), cy + r * ry * Math.sin(a), 0]);
  }
  FACE_OVAL.forEach((idx, k) => {
    const a = -Math.PI / 2 + (2 * Math.PI * k) / FACE_OVAL.length;
    pts[idx] = [cx + rx * Math.cos(a), cy + ry * Math.sin(a), 0];
  });
  return pts;
}

/** Finds a face-like landmark set in any image that is not all black (an all-black image has no face). */
export class SyntheticFaceDetector implements FaceDetectorLike {
  calls = 0;
  async detect(img: RgbImage): Promise<FaceDetection[]> {
    this.calls++;
    if (img.data.every((v) => v === 0)) return [];
    const seed = img.data[(img.width * (img.height >> 1) + (img.width >> 1)) * 3]!;
    return [
      {
        score: 0.9,
        box: { x: img.width * 0.2, y: img.height * 0.12, width: img.width * 0.6, height: img.height * 0.76 },
        landmarks: faceLikeLandmarks(img.width, img.height, seed),
      },
    ];
  }
}
