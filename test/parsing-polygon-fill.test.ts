import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fillPolygon, type Point2, strokePolygon } from '../src/data/parsing/polygonFill.js';

function raster(width: number, height: number) {
  return { width, height, data: new Uint8Array(width * height) };
}
function count(r: { data: Uint8Array }, value = 1): number {
  return r.data.reduce((n, v) => n + (v === value ? 1 : 0), 0);
}

test('axis-aligned rectangle on pixel edges fills exactly its pixels', () => {
  const r = raster(10, 8);
  const n = fillPolygon(
    r,
    [
      [2, 1],
      [7, 1],
      [7, 5],
      [2, 5],
    ],
    1,
  );
  assert.equal(n, 5 * 4);
  assert.equal(count(r), 20);
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 10; x++) {
      assert.equal(r.data[y * 10 + x], x >= 2 && x < 7 && y >= 1 && y < 5 ? 1 : 0, `pixel ${x},${y}`);
    }
  }
});

test('two rectangles sharing an edge tile without gap or overlap', () => {
  const r = raster(20, 20);
  const a = fillPolygon(
    r,
    [
      [3.3, 2.7],
      [9.6, 2.7],
      [9.6, 15.2],
      [3.3, 15.2],
    ],
    1,
  );
  const b = fillPolygon(
    r,
    [
      [9.6, 2.7],
      [16.1, 2.7],
      [16.1, 15.2],
      [9.6, 15.2],
    ],
    2,
  );
  assert.equal(count(r, 1), a);
  assert.equal(count(r, 2), b);
  const whole = raster(20, 20);
  assert.equal(
    fillPolygon(
      whole,
      [
        [3.3, 2.7],
        [16.1, 2.7],
        [16.1, 15.2],
        [3.3, 15.2],
      ],
      1,
    ),
    a + b,
  );
});

test('triangle area is close to the geometric area and vertex order does not matter', () => {
  const tri: Point2[] = [
    [10, 10],
    [90, 20],
    [40, 80],
  ];
  const area = Math.abs((90 - 10) * (80 - 10) - (40 - 10) * (20 - 10)) / 2;
  const cw = raster(100, 100);
  const ccw = raster(100, 100);
  const n = fillPolygon(cw, tri, 1);
  fillPolygon(ccw, [...tri].reverse(), 1);
  assert.ok(Math.abs(n - area) / area < 0.02, `filled ${n} px for area ${area}`);
  assert.deepEqual(cw.data, ccw.data);
});

test('self-intersecting star uses the even-odd rule: its centre pentagon stays empty', () => {
  const r = raster(101, 101);
  const star: Point2[] = [0, 2, 4, 1, 3].map((k) => {
    const a = -Math.PI / 2 + (k * 2 * Math.PI) / 5;
    return [50 + 45 * Math.cos(a), 50 + 45 * Math.sin(a)];
  });
  fillPolygon(r, star, 1);
  assert.equal(r.data[50 * 101 + 50], 0, 'centre is outside under even-odd');
  assert.equal(r.data[12 * 101 + 50], 1, 'top spike is inside');
});

test('polygons are clipped at the raster border and degenerate ones fill nothing', () => {
  const r = raster(8, 8);
  assert.equal(
    fillPolygon(
      r,
      [
        [-5, -5],
        [20, -5],
        [20, 3],
        [-5, 3],
      ],
      1,
    ),
    8 * 3,
  );
  const d = raster(8, 8);
  assert.equal(
    fillPolygon(
      d,
      [
        [1, 1],
        [6, 6],
        [3, 3],
      ],
      1,
    ),
    0,
    'collinear points',
  );
  assert.equal(
    fillPolygon(
      d,
      [
        [1, 1],
        [6, 1],
        [6, 1.2],
        [1, 1.2],
      ],
      1,
    ),
    0,
    'sliver between pixel centres',
  );
  assert.equal(
    fillPolygon(
      d,
      [
        [1, 1],
        [6, 6],
      ],
      1,
    ),
    0,
    'two points',
  );
  assert.equal(count(d), 0);
});

test('stroke marks a zero-area outline (a closed eye) along its whole length', () => {
  const r = raster(30, 10);
  const lid: Point2[] = [
    [3.2, 5.5],
    [14, 4.8],
    [26.7, 5.5],
    [14, 5.1],
  ];
  assert.equal(fillPolygon(r, lid, 1), 0);
  strokePolygon(r, lid, 1);
  for (let x = 4; x <= 26; x++) {
    let any = false;
    for (let y = 0; y < 10; y++) any ||= r.data[y * 30 + x] === 1;
    assert.ok(any, `column ${x} has a stroked pixel`);
  }
  assert.ok(count(r) < 60, 'stroke is thin');
});
