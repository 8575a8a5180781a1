import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { type Affine2D, applyAffine, compose, translate } from '../src/data/crops/affine2d.js';
import { CROP_SIZE, cropRecipe, FAS_RECIPE } from '../src/data/crops/cropRecipes.js';
import { warpAffineBilinear } from '../src/data/crops/extractRegion.js';
import { fasAlignTransform } from '../src/data/crops/fasAlignment.js';
import { FaceDetector } from '../src/data/faces/faceDetector.js';
import { loadStill } from './faces-media.js';

/** Made by scripts/reference/makeFasAlignReference.py: OpenCV's chips and matrices for reference landmarks. */
interface FasAlignCase {
  image: string;
  points: [number, number][];
  matrix: [number[], number[]];
  mapped: [number, number][];
  chip: string;
}
const dir = path.resolve(import.meta.dirname, 'fixtures/crops');
const ref = JSON.parse(readFileSync(path.join(dir, 'fas-align.json'), 'utf8')) as {
  size: number;
  padding: number;
  cases: FasAlignCase[];
};

/** Our continuous-coordinate map in OpenCV's pixel-index coordinates. */
const toIndexCoords = (m: Affine2D): Affine2D =>
  compose(translate(-0.5, -0.5), compose(m, translate(0.5, 0.5)));
const toContinuous = (p: [number, number][]) => p.map(([x, y]) => [x + 0.5, y + 0.5] as [number, number]);

test('FAS alignment reproduces extract_image_chips(points, 224, padding 0.37): matrix and point placement', () => {
  assert.equal(ref.cases.length, 2);
  for (const c of ref.cases) {
    const m = toIndexCoords(fasAlignTransform(toContinuous(c.points), ref.size, ref.padding));
    const expected = [...c.matrix[0]!, ...c.matrix[1]!];
    m.forEach((v, i) => {
      assert.ok(Math.abs(v - expected[i]!) < 1e-9, `${c.image} matrix[${i}] ${v} vs ${expected[i]}`);
    });
    c.points.forEach((p, i) => {
      const [x, y] = applyAffine(m, p[0], p[1]);
      assert.ok(Math.hypot(x - c.mapped[i]![0], y - c.mapped[i]![1]) < 1e-9, `${c.image} point ${i}`);
    });
    // the eye midpoint lands at (0.5, 0.4) of the chip (up to the float32 centre OpenCV rotates about)
    const mid = applyAffine(
      m,
      (c.points[0]![0] + c.points[1]![0]) / 2,
      (c.points[0]![1] + c.points[1]![1]) / 2,
    );
    assert.ok(Math.abs(mid[0] - 112) < 1e-4 && Math.abs(mid[1] - 89.6) < 1e-4);
  }
});

test('FAS chips match OpenCV warpAffine pixel for pixel up to bilinear rounding', async () => {
  for (const c of ref.cases) {
    const img = await loadStill(c.image);
    const ours = warpAffineBilinear(img, fasAlignTransform(toContinuous(c.points), 224, 0.37), 224, 224);
    const { data } = await sharp(path.join(dir, c.chip))
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    let sum = 0;
    let big = 0;
    for (let i = 0; i < data.length; i++) {
      const d = Math.abs(data[i]! - ours.data[i]!);
      sum += d;
      if (d > 3) big++;
    }
    const mean = sum / data.length;
    assert.ok(mean < 0.6, `${c.image}: mean |Δ| ${mean.toFixed(3)}`);
    assert.ok(big / data.length < 0.005, `${c.image}: ${big} values off by more than 3`);
  }
});

test(`${FAS_RECIPE} from the face mesh puts dlib's reference points where the official alignment puts them`, async () => {
  const detector = await FaceDetector.create();
  for (const c of ref.cases) {
    const img = await loadStill(c.image);
    const faces = await detector.detect(img);
    const face = faces.find(
      (f) => Math.hypot(f.landmarks[4]![0] - c.points[2]![0], f.landmarks[4]![1] - c.points[2]![1]) < 30,
    );
    assert.ok(face, `${c.image}: a detection at the reference face`);
    const crop = cropRecipe(FAS_RECIPE).crop(img, face);
    assert.deepEqual([crop.image.width, crop.image.height], [CROP_SIZE, CROP_SIZE]);
    assert.equal(crop.box.width, crop.box.height);
    assert.ok(typeof crop.box.angle === 'number');
    // each reference point within 4 % of the chip side of the official placement
    toContinuous(c.points).forEach((p, i) => {
      const [x, y] = applyAffine(crop.transform, p[0], p[1]);
      const [ex, ey] = c.mapped[i]!;
      const off = Math.hypot(x - 0.5 - ex, y - 0.5 - ey);
      assert.ok(
        off < 0.04 * CROP_SIZE,
        `${c.image} point ${i}: ${off.toFixed(1)} px from the official placement`,
      );
    });
  }
});
