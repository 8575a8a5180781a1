/** A point in pixel coordinates; pixel (i, j) covers [i, i+1) × [j, j+1), its centre is (i+0.5, j+0.5). */
export type Point2 = readonly [number, number];

/** A single-channel raster the fillers write into (row-major, width × height). */
export interface LabelRaster {
  width: number;
  height: number;
  data: Int8Array | Uint8Array;
}

/**
 * Scanline fill of a closed polygon (even-odd rule): sets every pixel whose centre lies inside to `value`.
 * Edges use the half-open rule on y, so a pixel on a shared edge of two adjacent polygons is filled once,
 * and degenerate (zero-area) polygons fill nothing. Returns the number of pixels set.
 */
export function fillPolygon(raster: LabelRaster, points: ReadonlyArray<Point2>, value: number): number {
  const { width, height, data } = raster;
  const n = points.length;
  if (n < 3) return 0;
  let minY = Number.POSITIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const [, y] of points) {
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  const rowStart = Math.max(0, Math.ceil(minY - 0.5));
  const rowEnd = Math.min(height - 1, Math.floor(maxY - 0.5));
  const xs: number[] = [];
  let count = 0;
  for (let row = rowStart; row <= rowEnd; row++) {
    const yc = row + 0.5;
    xs.length = 0;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const [xi, yi] = points[i];
      const [xj, yj] = points[j];
      if (yi <= yc !== yj <= yc) xs.push(xi + ((yc - yi) * (xj - xi)) / (yj - yi));
    }
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      // pixel centres x+0.5 in [xs[k], xs[k+1])
      const from = Math.max(0, Math.ceil(xs[k] - 0.5));
      const to = Math.min(width - 1, Math.ceil(xs[k + 1] - 0.5) - 1);
      for (let col = from; col <= to; col++) data[row * width + col] = value;
      if (to >= from) count += to - from + 1;
    }
  }
  return count;
}

/**
 * Draws the closed outline of a polygon one pixel wide (every pixel a segment passes through), so thin
 * features such as a closed eye still leave a mark where a fill would leave nothing.
 */
export function strokePolygon(raster: LabelRaster, points: ReadonlyArray<Point2>, value: number): void {
  const { width, height, data } = raster;
  for (let i = 0; i < points.length; i++) {
    const [x0, y0] = points[i];
    const [x1, y1] = points[(i + 1) % points.length];
    const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) * 2));
    for (let s = 0; s <= steps; s++) {
      const col = Math.floor(x0 + ((x1 - x0) * s) / steps);
      const row = Math.floor(y0 + ((y1 - y0) * s) / steps);
      if (col >= 0 && row >= 0 && col < width && row < height) data[row * width + col] = value;
    }
  }
}
