import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FaceDetector } from '../src/data/faces/faceDetector.js';
import { loadFaceRuntime } from '../src/data/faces/faceRuntime.js';
import {
  FACE_OVAL,
  LEFT_BROW,
  LEFT_EYE,
  LIPS_LOWER_INNER,
  LIPS_LOWER_OUTER,
  LIPS_UPPER_INNER,
  LIPS_UPPER_OUTER,
  RIGHT_BROW,
  RIGHT_EYE,
} from '../src/data/parsing/meshTopology.js';
import { loadStill } from './faces-media.js';

let detector: FaceDetector;
before(async () => {
  detector = await FaceDetector.create();
});
after(() => detector.dispose());

// Face boxes seen by eye on the two stills (x, y, width, height in px), with generous tolerance.
const expected = {
  'astronaut.png': { cx: 225, cy: 120, side: 145 },
  'grace_hopper.jpg': { cx: 262, cy: 231, side: 284 },
} as const;

for (const [name, want] of Object.entries(expected)) {
  test(`${name}: exactly one face, box around the face, 478 landmarks inside the image`, async () => {
    const img = await loadStill(name);
    const faces = await detector.detect(img);
    assert.equal(faces.length, 1);
    const [f] = faces;
    assert.ok(f.score > 0.5 && f.score <= 1, `score ${f.score}`);
    const cx = f.box.x + f.box.width / 2;
    const cy = f.box.y + f.box.height / 2;
    assert.ok(
      Math.abs(cx - want.cx) < 0.1 * want.side && Math.abs(cy - want.cy) < 0.1 * want.side,
      `centre ${cx},${cy}`,
    );
    assert.ok(Math.abs(f.box.width - want.side) < 0.25 * want.side, `width ${f.box.width}`);
    assert.equal(f.landmarks.length, 478);
    for (const [x, y] of f.landmarks) assert.ok(x >= 0 && y >= 0 && x < img.width && y < img.height);
    // subject's right eye (MediaPipe 33) is on the image's left in these frontal photos
    assert.ok(f.landmarks[33][0] < f.landmarks[263][0]);
  });
}

test('mesh options: without mesh only the detector keypoints come back; without iris 468 points', async () => {
  const img = await loadStill('astronaut.png');
  const noMesh = await FaceDetector.create({ mesh: false });
  const noIris = await FaceDetector.create({ iris: false });
  try {
    const [a] = await noMesh.detect(img);
    assert.ok(a && a.landmarks.length < 468, `got ${a?.landmarks.length}`);
    const [b] = await noIris.detect(img);
    assert.equal(b.landmarks.length, 468);
    // the shared engine must not keep a previous caller's settings
    const [c] = await detector.detect(img);
    assert.equal(c.landmarks.length, 478);
  } finally {
    noMesh.dispose();
    noIris.dispose();
  }
});

test('a 1-pixel image and a face-free image return no faces without throwing', async () => {
  assert.deepEqual(await detector.detect({ width: 1, height: 1, data: new Uint8Array([10, 20, 30]) }), []);
  const w = 320;
  const h = 240;
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    data[3 * i] = (i % w) * 0.7;
    data[3 * i + 1] = 90;
    data[3 * i + 2] = Math.floor(i / w);
  }
  assert.deepEqual(await detector.detect({ width: w, height: h, data }), []);
});

test('concurrent detects give the same answers as sequential ones', async () => {
  const [a, b] = await Promise.all([loadStill('astronaut.png'), loadStill('grace_hopper.jpg')]);
  const together = await Promise.all([detector.detect(a), detector.detect(b), detector.detect(a)]);
  const alone = [await detector.detect(a), await detector.detect(b)];
  assert.deepEqual(together, [alone[0], alone[1], alone[0]]);
});

test('bad input and options are rejected with clear messages', async () => {
  await assert.rejects(detector.detect({ width: 4, height: 4, data: new Uint8Array(5) }), /needs 48/);
  await assert.rejects(FaceDetector.create({ minScore: 2 }), /minScore/);
  await assert.rejects(FaceDetector.create({ maxFaces: 0 }), /maxFaces/);
  const d = await FaceDetector.create();
  d.dispose();
  await assert.rejects(d.detect({ width: 1, height: 1, data: new Uint8Array(3) }), /after dispose/);
});

test('landmark index lists match the named contours the engine reports', async () => {
  // human's annotations name contours of the same MediaPipe topology; their points must be ours.
  const { human, tf } = await loadFaceRuntime();
  const img = await loadStill('grace_hopper.jpg');
  const input = tf.tensor3d(img.data, [img.height, img.width, 3], 'int32');
  const result = await human.detect(input);
  input.dispose();
  const face = result.face[0];
  const key = (p: readonly (number | undefined)[]) => `${p[0]},${p[1]}`;
  const ours = (idx: readonly number[]) => new Set(idx.map((i) => key(face.mesh[i])));
  const theirs = (n: string) => (face.annotations as Record<string, number[][]>)[n].map(key);
  const cases: Array<[string[], readonly number[]]> = [
    [['silhouette'], FACE_OVAL],
    [
      ['lipsUpperOuter', 'lipsLowerOuter'],
      [...LIPS_UPPER_OUTER, ...LIPS_LOWER_OUTER],
    ],
    [
      ['lipsUpperInner', 'lipsLowerInner'],
      [...LIPS_UPPER_INNER, ...LIPS_LOWER_INNER],
    ],
    [['rightEyeUpper0', 'rightEyeLower0'], RIGHT_EYE],
    [['leftEyeUpper0', 'leftEyeLower0'], LEFT_EYE],
    [['rightEyebrowUpper', 'rightEyebrowLower'], RIGHT_BROW],
    [['leftEyebrowUpper', 'leftEyebrowLower'], LEFT_BROW],
  ];
  for (const [contours, indices] of cases) {
    const mine = ours(indices);
    const named = contours.flatMap(theirs);
    // every point of our polygon is on the named contour(s) (the named brow lists add two extra points)
    const missing = [...mine].filter((p) => !named.includes(p));
    assert.deepEqual(missing, [], `${contours.join('+')}: our points not on the named contour`);
    if (!contours[0].includes('brow')) {
      assert.deepEqual(
        [...new Set(named)].filter((p) => !mine.has(p)),
        [],
        `${contours.join('+')}: contour points we miss`,
      );
    }
  }
});
