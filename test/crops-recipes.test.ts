import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyAffine, compose, invert, rotate, translate } from '../src/data/crops/affine2d.js';
import { CROP_SIZE, cropRecipe, DEFAULT_RECIPE } from '../src/data/crops/cropRecipes.js';
import { dlibSquareRegion } from '../src/data/crops/dlibSquareCrop.js';
import { warpAffineBilinear } from '../src/data/crops/extractRegion.js';
import { faceRect } from '../src/data/crops/faceRect.js';
import type { FaceDetection } from '../src/data/faces/faceDetection.js';
import { FaceDetector } from '../src/data/faces/faceDetector.js';
import { createRgbImage, type RgbImage } from '../src/data/image/rgbImage.js';
import { loadStill } from './faces-media.js';

/** The official rule written out as the Python does it (int(), //, max/min), for comparison. */
function official(x1: number, y1: number, x2: number, y2: number, W: number, H: number, s = 1.3) {
  let size = Math.trunc(Math.max(x2 - x1, y2 - y1) * s);
  const cx = Math.floor((x1 + x2) / 2);
  const cy = Math.floor((y1 + y2) / 2);
  const x = Math.max(cx - Math.floor(size / 2), 0);
  const y = Math.max(cy - Math.floor(size / 2), 0);
  size = Math.min(size, W - x, H - y);
  return { x, y, size };
}

function gradientImage(w: number, h: number): RgbImage {
  const img = createRgbImage(w, h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 3;
      img.data[o] = x % 256;
      img.data[o + 1] = y % 256;
      img.data[o + 2] = 7;
    }
  return img;
}

const face = (
  x: number,
  y: number,
  w: number,
  h: number,
  landmarks: FaceDetection['landmarks'] = [],
): FaceDetection => ({
  score: 0.9,
  box: { x, y, width: w, height: h },
  landmarks,
});

test('dlib 1.3 square: side 1.3·max(w,h), centred on the box centre', () => {
  // box 100×80 at (200,150) in 640×480: size int(130) = 130, centre (250,190), top-left (185,125)
  assert.deepEqual(dlibSquareRegion({ left: 200, top: 150, right: 300, bottom: 230 }, 640, 480), {
    x: 185,
    y: 125,
    size: 130,
  });
  // odd sizes: int(77·1.3) = int(100.1) = 100; centre ((10+87)//2, (20+90)//2) = (48, 55)
  assert.deepEqual(
    dlibSquareRegion({ left: 10, top: 20, right: 87, bottom: 90 }, 640, 480),
    official(10, 20, 87, 90, 640, 480),
  );
  for (let i = 0; i < 200; i++) {
    const W = 50 + ((i * 37) % 600);
    const H = 40 + ((i * 53) % 500);
    const x1 = (i * 13) % W;
    const y1 = (i * 29) % H;
    const w = 1 + ((i * 17) % 300);
    const h = 1 + ((i * 23) % 300);
    assert.deepEqual(
      dlibSquareRegion({ left: x1, top: y1, right: x1 + w, bottom: y1 + h }, W, H),
      official(x1, y1, x1 + w, y1 + h, W, H),
      `case ${i}`,
    );
  }
});

test('dlib crop clips at the image borders (top-left clamps to 0 keeping the side, side shrinks at right/bottom)', () => {
  assert.deepEqual(dlibSquareRegion({ left: -20, top: -10, right: 80, bottom: 90 }, 640, 480), {
    x: 0,
    y: 0,
    size: 130,
  });
  // near the bottom-right corner: side limited by W − x and H − y
  assert.deepEqual(dlibSquareRegion({ left: 580, top: 440, right: 640, bottom: 480 }, 640, 480), {
    x: 571,
    y: 421,
    size: 59,
  });
  const r = dlibSquareRegion({ left: 580, top: 440, right: 640, bottom: 480 }, 640, 480);
  assert.ok(r.x + r.size <= 640 && r.y + r.size <= 480);
});

let astronaut: { img: RgbImage; face: FaceDetection } | undefined;

/** The committed still and fsvfm's detection of its face (mesh on), found once. */
async function astronautFace(): Promise<{ img: RgbImage; face: FaceDetection }> {
  if (!astronaut) {
    const img = await loadStill('astronaut.png');
    const detector = await FaceDetector.create();
    const [face] = await detector.detect(img);
    assert.ok(face, 'a face on astronaut.png');
    astronaut = { img, face };
  }
  return astronaut;
}

test('fsfm-dlib-1.3 crop: the official square around the dlib rectangle, 224² bicubic, transform maps image → crop', async () => {
  const { img, face } = await astronautFace();
  const c = cropRecipe(DEFAULT_RECIPE).crop(img, face);
  assert.equal(c.recipe, 'fsfm-dlib-1.3');
  const r = dlibSquareRegion(faceRect(img, face), img.width, img.height);
  assert.deepEqual(c.box, { x: r.x, y: r.y, width: r.size, height: r.size });
  assert.deepEqual([c.native.width, c.native.height], [r.size, r.size]);
  const at = (x: number, y: number) => [
    ...img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3),
  ];
  assert.deepEqual([...c.native.data.subarray(0, 3)], at(r.x, r.y));
  assert.deepEqual([c.image.width, c.image.height], [CROP_SIZE, CROP_SIZE]);
  const [u, v] = applyAffine(c.transform, r.x + r.size / 2, r.y + r.size / 2);
  assert.ok(Math.abs(u - 112) < 1e-9 && Math.abs(v - 112) < 1e-9);
  assert.deepEqual(applyAffine(c.transform, r.x, r.y), [0, 0]);
  // the dlib rectangle is smaller than the detector's box (which the detector already enlarged)
  const rect = faceRect(img, face);
  assert.ok(rect.right - rect.left < Math.max(face.box.width, face.box.height));
});

test('other scales, and faces outside the image', async () => {
  const { img, face } = await astronautFace();
  const rect = faceRect(img, face);
  const c = cropRecipe('fsfm-dlib-2').crop(img, face);
  assert.equal(c.native.width, dlibSquareRegion(rect, img.width, img.height, 2).size);
  const away: FaceDetection = {
    ...face,
    landmarks: face.landmarks.map(([x, y, z]) => [x + 5000, y + 5000, z] as [number, number, number]),
  };
  assert.throws(
    () => cropRecipe(DEFAULT_RECIPE).crop(img, away),
    /leaves no pixels inside the 512x512 image/,
  );
  assert.throws(
    () => cropRecipe(DEFAULT_RECIPE).crop(img, { ...face, landmarks: [] }),
    /468-point face mesh/,
  );
  assert.throws(() => cropRecipe('dlib-1.3'), /unknown crop recipe "dlib-1.3"/);
  assert.throws(() => cropRecipe('fsfm-dlib-9'), /unknown crop recipe/);
  assert.throws(() => cropRecipe('fas-align-3'), /unknown crop recipe/);
});

function meshWithEyes(
  a: [number, number],
  b: [number, number],
  mouth: [number, number],
): FaceDetection['landmarks'] {
  const pts: FaceDetection['landmarks'] = Array.from({ length: 478 }, () => [0, 0, 0]);
  for (const i of [33, 133]) pts[i] = [a[0], a[1], 0];
  for (const i of [362, 263]) pts[i] = [b[0], b[1], 0];
  for (const i of [61, 291]) pts[i] = [mouth[0], mouth[1], 0];
  return pts;
}

test('aligned crop levels the eye line and centres between eyes and mouth', () => {
  const img = gradientImage(400, 400);
  // eyes tilted by 30°, mouth below their midpoint along the rotated vertical
  const ang = Math.PI / 6;
  const mid: [number, number] = [200, 180];
  const a: [number, number] = [mid[0] - 30 * Math.cos(ang), mid[1] - 30 * Math.sin(ang)];
  const b: [number, number] = [mid[0] + 30 * Math.cos(ang), mid[1] + 30 * Math.sin(ang)];
  const mouth: [number, number] = [mid[0] - 60 * Math.sin(ang), mid[1] + 60 * Math.cos(ang)];
  const c = cropRecipe('aligned-1.3').crop(img, face(150, 150, 100, 100, meshWithEyes(a, b, mouth)));
  assert.equal(c.native.width, 130);
  const [ax, ay] = applyAffine(c.transform, ...a);
  const [bx, by] = applyAffine(c.transform, ...b);
  assert.ok(Math.abs(ay - by) < 1e-9, 'eyes level');
  assert.ok(bx > ax);
  const [mx, my] = applyAffine(c.transform, ...mouth);
  assert.ok(Math.abs(mx - 112) < 1e-9 && Math.abs((ay + my) / 2 - 112) < 1e-9, 'centred');
  assert.throws(() => cropRecipe('aligned-1.3').crop(img, face(0, 0, 10, 10)), /468-point face mesh/);
});

test('affine helpers: compose/invert round-trip, warp by a translation copies pixels', () => {
  const m = compose(translate(5, -3), rotate(0.3));
  const [x, y] = applyAffine(invert(m), ...applyAffine(m, 12, 34));
  assert.ok(Math.abs(x - 12) < 1e-9 && Math.abs(y - 34) < 1e-9);
  const img = gradientImage(20, 20);
  const w = warpAffineBilinear(img, translate(-4, -6), 5, 5);
  assert.deepEqual([...w.data.subarray(0, 3)], [4, 6, 7]);
});
