// Stand-ins for the face detector and parser: a "face" is a saturated green square.
import { readFileSync } from 'node:fs';
import type { FaceDetectorLike, FaceParserLike } from '../src/data/datasets/faceTools.js';
import type { FaceDetection } from '../src/data/faces/faceDetection.js';
import type { RgbImage } from '../src/data/image/rgbImage.js';

export class GreenSquareDetector implements FaceDetectorLike {
  calls = 0;
  constructor(private readonly duplicate = false) {}
  async detect(img: RgbImage): Promise<FaceDetection[]> {
    this.calls++;
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -1;
    let y1 = -1;
    for (let y = 0; y < img.height; y++)
      for (let x = 0; x < img.width; x++) {
        const o = (y * img.width + x) * 3;
        if (img.data[o + 1]! > 200 && img.data[o]! < 70 && img.data[o + 2]! < 70) {
          x0 = Math.min(x0, x);
          y0 = Math.min(y0, y);
          x1 = Math.max(x1, x);
          y1 = Math.max(y1, y);
        }
      }
    if (x1 < 0) return [];
    const box = { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
    const face = { score: 0.99, box, landmarks: meshInBox(box) };
    return this.duplicate ? [face, { ...face, score: 0.5 }] : [face];
  }
}

/** Labels the pixels near the mapped nose tip as skin (1), the rest background (0). */
export const discParser: FaceParserLike = {
  parse(crop, mesh) {
    const out = new Int8Array(crop.width * crop.height);
    const [cx, cy] = mesh[4]!;
    for (let y = 0; y < crop.height; y++)
      for (let x = 0; x < crop.width; x++)
        if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 < 60 ** 2) out[y * crop.width + x] = 1;
    return out;
  },
};

const unitMesh = JSON.parse(
  readFileSync(new URL('./fixtures/crops/unit-mesh.json', import.meta.url), 'utf8'),
) as [number, number, number][];

/** A real face mesh placed so that its dlib rectangle is the square of side max(w, h) on the box centre. */
export function meshInBox(box: FaceDetection['box']): FaceDetection['landmarks'] {
  const side = Math.max(box.width, box.height);
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  return unitMesh.map(([x, y, z]) => [cx + x * side, cy + y * side, z * side]);
}
