import type { Point2 } from '../parsing/polygonFill.js';

/**
 * Delaunay triangulation by Bowyer–Watson insertion: each point removes the triangles whose circumcircle
 * contains it and re-fans the hole from the point. Returns index triples into `points` (3 per triangle),
 * each with positive signed area (x·y cross product), together covering the convex hull of the points once.
 * Duplicate points (closer than 1e-9 of the extent) are dropped. O(n²): fine for a face mesh's ~500 points.
 */
export function delaunayTriangles(points: ReadonlyArray<Point2>): Uint32Array {
  const n = points.length;
  if (n < 3) return new Uint32Array(0);
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [x, y] of points) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  const extent = Math.max(maxX - minX, maxY - minY) || 1;
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  // vertices n, n+1, n+2: a super-triangle far outside every point
  const big = extent * 1e4;
  const xs = new Float64Array(n + 3);
  const ys = new Float64Array(n + 3);
  points.forEach(([x, y], i) => {
    xs[i] = x;
    ys[i] = y;
  });
  xs[n] = cx - big;
  ys[n] = cy - big;
  xs[n + 1] = cx + big;
  ys[n + 1] = cy - big;
  xs[n + 2] = cx;
  ys[n + 2] = cy + big;

  interface Tri {
    a: number;
    b: number;
    c: number;
    ux: number;
    uy: number;
    r2: number;
  }
  const make = (a: number, b: number, c: number): Tri => {
    // orient counter-clockwise (positive cross product)
    if ((xs[b]! - xs[a]!) * (ys[c]! - ys[a]!) - (ys[b]! - ys[a]!) * (xs[c]! - xs[a]!) < 0) [b, c] = [c, b];
    const ax = xs[a]!;
    const ay = ys[a]!;
    const bx = xs[b]! - ax;
    const by = ys[b]! - ay;
    const qx = xs[c]! - ax;
    const qy = ys[c]! - ay;
    const d = 2 * (bx * qy - by * qx);
    const b2 = bx * bx + by * by;
    const q2 = qx * qx + qy * qy;
    const ux = (qy * b2 - by * q2) / d;
    const uy = (bx * q2 - qx * b2) / d;
    return { a, b, c, ux: ax + ux, uy: ay + uy, r2: ux * ux + uy * uy };
  };

  let tris: Tri[] = [make(n, n + 1, n + 2)];
  const eps = extent * 1e-9;
  const kept: number[] = [];
  for (let p = 0; p < n; p++) {
    const px = xs[p]!;
    const py = ys[p]!;
    if (kept.some((q) => Math.abs(xs[q]! - px) <= eps && Math.abs(ys[q]! - py) <= eps)) continue;
    kept.push(p);
    const bad: Tri[] = [];
    const good: Tri[] = [];
    for (const t of tris) {
      const dx = px - t.ux;
      const dy = py - t.uy;
      (dx * dx + dy * dy < t.r2 * (1 + 1e-12) ? bad : good).push(t);
    }
    // boundary of the hole: edges of bad triangles not shared by two bad triangles
    const edges = new Map<string, [number, number]>();
    for (const t of bad)
      for (const [u, v] of [
        [t.a, t.b],
        [t.b, t.c],
        [t.c, t.a],
      ] as const) {
        const key = u < v ? `${u},${v}` : `${v},${u}`;
        if (edges.has(key)) edges.delete(key);
        else edges.set(key, [u, v]);
      }
    for (const [u, v] of edges.values()) good.push(make(u, v, p));
    tris = good;
  }
  const out: number[] = [];
  for (const t of tris) if (t.a < n && t.b < n && t.c < n) out.push(t.a, t.b, t.c);
  return Uint32Array.from(out);
}
