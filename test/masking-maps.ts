// Hand-made parsing maps for the masking tests: every patch gets a list of labels; the first fills the
// patch, each further label paints one pixel (so the patch "contains" it for the max-pool rule).
import type { ParsingMap } from '../src/data/masking/parsingMap.js';

export function mapFromPatches(
  rows: number,
  cols: number,
  patch: number,
  labelsOf: (k: number) => number[],
): ParsingMap {
  const width = cols * patch;
  const height = rows * patch;
  const labels = new Int8Array(width * height);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const ls = labelsOf(r * cols + c);
      for (let y = 0; y < patch; y++)
        for (let x = 0; x < patch; x++) labels[(r * patch + y) * width + c * patch + x] = ls[0]!;
      ls.slice(1).forEach((l, j) => {
        labels[(r * patch + Math.floor(j / patch)) * width + c * patch + (j % patch)] = l;
      });
    }
  }
  return { height, width, labels };
}

/** A cartoon face on a 224² canvas: background, hair cap, skin ellipse, brows, eyes, nose, mouth. */
export function cartoonFace(
  opts: { size?: number; cx?: number; cy?: number; hairBelow?: number } = {},
): ParsingMap {
  const size = opts.size ?? 224;
  const s = size / 224;
  const cx = (opts.cx ?? 112) * s;
  const cy = (opts.cy ?? 120) * s;
  const hairBelow = (opts.hairBelow ?? 90) * s;
  const labels = new Int8Array(size * size);
  const inEllipse = (x: number, y: number, ex: number, ey: number, rx: number, ry: number) =>
    ((x - ex) / rx) ** 2 + ((y - ey) / ry) ** 2 <= 1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let l = 0;
      if (inEllipse(x, y, cx, cy - 10 * s, 80 * s, 90 * s) && y < hairBelow) l = 10;
      if (inEllipse(x, y, cx, cy, 62 * s, 80 * s)) l = 1;
      if (inEllipse(x, y, cx - 25 * s, cy - 30 * s, 14 * s, 4 * s)) l = 2;
      if (inEllipse(x, y, cx + 25 * s, cy - 30 * s, 14 * s, 4 * s)) l = 3;
      if (inEllipse(x, y, cx - 25 * s, cy - 18 * s, 10 * s, 5 * s)) l = 4;
      if (inEllipse(x, y, cx + 25 * s, cy - 18 * s, 10 * s, 5 * s)) l = 5;
      if (inEllipse(x, y, cx, cy + 5 * s, 8 * s, 16 * s)) l = 6;
      if (inEllipse(x, y, cx, cy + 35 * s, 22 * s, 4 * s)) l = 7;
      if (inEllipse(x, y, cx, cy + 40 * s, 20 * s, 2 * s)) l = 8;
      if (inEllipse(x, y, cx, cy + 45 * s, 22 * s, 4 * s)) l = 9;
      labels[y * size + x] = l;
    }
  }
  return { height: size, width: size, labels };
}
