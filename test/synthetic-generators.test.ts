import assert from 'node:assert/strict';
import { test } from 'node:test';
import { videoIdFromFrameName } from '../src/data/folders/videoId.js';
import { FACE_OVAL } from '../src/data/parsing/meshTopology.js';
import type { Point2 } from '../src/data/parsing/polygonFill.js';
import { SeededRng } from '../src/data/random/seededRng.js';
import {
  convexHull,
  delaunayTriangles,
  fakeFileName,
  hullBinary,
  identityOf,
  labStats,
  landmarkFaceSwap,
  SwapPairing,
  sbiMaskReach,
  selfBlendedImage,
  toPoints,
} from '../src/data/synthetic/index.js';
import { dilateBinary } from '../src/data/synthetic/morphology.js';
import { faceLikeLandmarks, texturedImage } from './synthetic-fixtures.js';

const W = 96;

const area = (a: Point2, b: Point2, c: Point2) =>
  ((b[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (b[1] - a[1])) / 2;

function polygonArea(poly: Point2[]): number {
  let s = 0;
  for (let i = 0; i < poly.length; i++) {
    const [x0, y0] = poly[i]!;
    const [x1, y1] = poly[(i + 1) % poly.length]!;
    s += x0 * y1 - x1 * y0;
  }
  return Math.abs(s) / 2;
}

test('Delaunay triangles cover the convex hull exactly once and are empty-circle', () => {
  const rng = new SeededRng(3);
  const pts: Point2[] = Array.from({ length: 150 }, () => [rng.uniform() * 100, rng.uniform() * 80] as const);
  pts.push([0, 0], [100, 0], [50, 0], [100, 80]); // collinear points on the hull
  const tri = delaunayTriangles(pts);
  assert.equal(tri.length % 3, 0);
  let sum = 0;
  for (let t = 0; t < tri.length; t += 3) {
    const a = area(pts[tri[t]!]!, pts[tri[t + 1]!]!, pts[tri[t + 2]!]!);
    assert.ok(a > 0, `triangle ${t / 3} is not positively oriented (area ${a})`);
    sum += a;
  }
  const hullArea = polygonArea(convexHull(pts));
  assert.ok(Math.abs(sum - hullArea) < 1e-6 * hullArea, `triangles cover ${sum}, hull ${hullArea}`);
  // every sampled point inside the hull lies in exactly one triangle (strictly inside: no overlaps, no gaps)
  const hull = convexHull(pts);
  let sampled = 0;
  for (let s = 0; s < 2000; s++) {
    const q: Point2 = [rng.uniform() * 100, rng.uniform() * 80];
    const inHull = hull.every((p, i) => area(p, hull[(i + 1) % hull.length]!, q) > 1e-9);
    if (!inHull) continue;
    let inside = 0;
    for (let t = 0; t < tri.length; t += 3) {
      const [a, b, c] = [pts[tri[t]!]!, pts[tri[t + 1]!]!, pts[tri[t + 2]!]!];
      if (area(a, b, q) >= 0 && area(b, c, q) >= 0 && area(c, a, q) >= 0) inside++;
    }
    assert.equal(inside, 1, `point ${q} lies in ${inside} triangles`);
    sampled++;
  }
  assert.ok(sampled > 1000);
  // empty circumcircle: no point strictly inside any triangle's circumcircle
  for (let t = 0; t < tri.length; t += 3) {
    const [a, b, c] = [pts[tri[t]!]!, pts[tri[t + 1]!]!, pts[tri[t + 2]!]!];
    for (let p = 0; p < pts.length; p++) {
      if (p === tri[t] || p === tri[t + 1] || p === tri[t + 2]) continue;
      const [dx, dy] = pts[p]!;
      const m = [
        [a[0] - dx, a[1] - dy, (a[0] - dx) ** 2 + (a[1] - dy) ** 2],
        [b[0] - dx, b[1] - dy, (b[0] - dx) ** 2 + (b[1] - dy) ** 2],
        [c[0] - dx, c[1] - dy, (c[0] - dx) ** 2 + (c[1] - dy) ** 2],
      ];
      const det =
        m[0]![0]! * (m[1]![1]! * m[2]![2]! - m[1]![2]! * m[2]![1]!) -
        m[0]![1]! * (m[1]![0]! * m[2]![2]! - m[1]![2]! * m[2]![0]!) +
        m[0]![2]! * (m[1]![0]! * m[2]![1]! - m[1]![1]! * m[2]![0]!);
      assert.ok(det <= 1e-6 * 1e4, `point ${p} inside the circumcircle of triangle ${t / 3}`);
    }
  }
});

test('SBI is deterministic per seed and differs between seeds', () => {
  const img = texturedImage(W, W, 1);
  const lm = faceLikeLandmarks(W, W, 2);
  const a = selfBlendedImage(img, lm, new SeededRng(11));
  const b = selfBlendedImage(img, lm, new SeededRng(11));
  const c = selfBlendedImage(img, lm, new SeededRng(12));
  assert.deepEqual(a.image.data, b.image.data);
  assert.deepEqual(a.params, b.params);
  assert.notDeepEqual(a.image.data, c.image.data);
});

test('SBI changes pixels only inside the dilated landmark hull; its mask is in [0, 1] and blurred', () => {
  const img = texturedImage(W, W, 5);
  const lm = faceLikeLandmarks(W, W, 6);
  const hull = hullBinary(toPoints(lm), W, W);
  const band = dilateBinary(hull, W, W, sbiMaskReach(W));
  for (let seed = 0; seed < 6; seed++) {
    const r = selfBlendedImage(img, lm, new SeededRng(seed));
    let changedInside = 0;
    let soft = 0;
    for (let i = 0; i < W * W; i++) {
      const m = r.mask.data[i]!;
      assert.ok(m >= 0 && m <= 1, `mask value ${m}`);
      assert.ok(m <= r.params.blendRatio + 1e-6);
      if (m > 0.02 && m < r.params.blendRatio - 0.02) soft++;
      const same =
        r.image.data[i * 3] === img.data[i * 3] &&
        r.image.data[i * 3 + 1] === img.data[i * 3 + 1] &&
        r.image.data[i * 3 + 2] === img.data[i * 3 + 2];
      if (!band[i]) {
        assert.equal(m, 0, `seed ${seed}: mask reaches pixel ${i} outside the hull band`);
        assert.ok(same, `seed ${seed}: pixel ${i} outside the hull band changed`);
      } else if (!same) changedInside++;
      if (m === 0) assert.ok(same, `seed ${seed}: pixel ${i} changed where the mask is 0`);
    }
    assert.ok(changedInside > 100, `seed ${seed}: only ${changedInside} pixels changed`);
    // blurred: a band of intermediate values around the outline, not a hard 0/1 edge
    assert.ok(soft > 50, `seed ${seed}: only ${soft} soft mask values (σ ${r.params.blurSigma})`);
  }
});

test('SBI lower-face region keeps the mask below the nose tip (up to the blur reach)', () => {
  const img = texturedImage(W, W, 7);
  const lm = faceLikeLandmarks(W, W, 8);
  const r = selfBlendedImage(img, lm, new SeededRng(1), { lowerFaceProbability: 1 });
  assert.equal(r.params.region, 'lower');
  const yCut = lm[1]![1];
  const reach = sbiMaskReach(W);
  for (let y = 0; y < Math.floor(yCut - reach); y++)
    for (let x = 0; x < W; x++) assert.equal(r.mask.data[y * W + x], 0, `mask above the nose at ${x},${y}`);
});

test('face swap keeps the target outside its feathered mask and moves face colours toward the target', () => {
  const source = texturedImage(W, W, 21, [-60, -40, 90]); // bluish identity
  const target = texturedImage(W, W, 22, [80, 10, -50]); // reddish identity
  const srcLm = faceLikeLandmarks(W, W, 23);
  const tgtLm = faceLikeLandmarks(W, W, 24);
  const r = landmarkFaceSwap(source, srcLm, target, tgtLm, new SeededRng(4));
  const plain = landmarkFaceSwap(source, srcLm, target, tgtLm, new SeededRng(4), { colourTransfer: false });
  const again = landmarkFaceSwap(source, srcLm, target, tgtLm, new SeededRng(4));
  assert.deepEqual(r.image.data, again.image.data);
  assert.equal(r.params.triangulation, 'delaunay');
  const oval = hullBinary(toPoints(tgtLm, FACE_OVAL), W, W);
  let soft = 0;
  for (let i = 0; i < W * W; i++) {
    const m = r.mask.data[i]!;
    assert.ok(m >= 0 && m <= 1);
    if (m > 0.02 && m < 0.98) soft++;
    if (!oval[i]) assert.equal(m, 0, `mask outside the target face oval at ${i}`);
    if (m === 0)
      for (let b = 0; b < 3; b++)
        assert.equal(r.image.data[i * 3 + b], target.data[i * 3 + b], `pixel ${i} changed`);
  }
  assert.ok(soft > 50, 'feathered edge');
  const interior = new Uint8Array(W * W);
  for (let i = 0; i < W * W; i++) interior[i] = r.mask.data[i]! > 0.99 ? 1 : 0;
  const t = labStats(target, interior).mean;
  const withTransfer = labStats(r.image, interior).mean;
  const without = labStats(plain.image, interior).mean;
  const dist = (a: number[], b: number[]) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
  assert.ok(
    dist(withTransfer, t) < 0.25 * dist(without, t),
    `Lab mean distance to target: ${dist(withTransfer, t).toFixed(2)} with transfer, ${dist(without, t).toFixed(2)} without`,
  );
});

test('fake names keep the video id; identities are the name up to _frame_', () => {
  assert.equal(fakeFileName('clip_frame_12.png', 'sbi', 0), 'clip_frame_12_sbi0.png');
  assert.equal(videoIdFromFrameName(fakeFileName('clip_frame_12.png', 'swap', 3)), 'clip');
  assert.equal(fakeFileName('astronaut.png', 'sbi', 1), 'astronaut_frame_0_sbi1.png');
  assert.equal(videoIdFromFrameName(fakeFileName('astronaut.png', 'sbi', 1)), 'astronaut');
  assert.equal(fakeFileName('a/b/x_frame_2.jpg', 'sbi', 0), 'a__b__x_frame_2_sbi0.png');
  assert.equal(identityOf('a/x_frame_2.png'), 'a__x');
  assert.equal(identityOf('c.png'), identityOf('c_frame_3.jpg'));
});

test('swap pairing: different identities only, deterministic per seed, cycle visits every identity', () => {
  const names = [
    'a_frame_0.png',
    'a_frame_1.png',
    'b_frame_0.png',
    'c_frame_0.png',
    'c_frame_5.png',
    'd.png',
  ];
  for (const rule of ['random', 'cycle'] as const) {
    const p = new SwapPairing(names, rule, 9);
    const q = new SwapPairing(names, rule, 9);
    for (const n of names)
      for (let k = 0; k < 5; k++) {
        const s = p.sourceFor(n, k);
        assert.notEqual(identityOf(s), identityOf(n), `${rule}: ${n} paired with its own identity`);
        assert.equal(s, q.sourceFor(n, k));
      }
  }
  const cyc = new SwapPairing(names, 'cycle', 1);
  const ids = new Set([0, 1, 2].map((k) => identityOf(cyc.sourceFor('a_frame_0.png', k))));
  assert.equal(ids.size, 3, 'three samples of one identity take the three other identities');
  assert.throws(
    () => new SwapPairing(['a_frame_0.png', 'a_frame_1.png'], 'random', 0),
    /at least 2 identities/,
  );
});
