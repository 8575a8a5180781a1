// A synthetic parsing map for benchmarks and reproducible test runs.
import type { ParsingMap } from '../data/masking/parsingMap.js';

/** A drawn face (background, hair, skin, brows, eyes, nose, lips) so CRFR-P has every region to choose from. */
export function drawnFace(size: number, shift: number): ParsingMap {
  const labels = new Uint8Array(size * size);
  const inside = (x: number, y: number, cx: number, cy: number, rx: number, ry: number) =>
    ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;
  const c = size / 2 + shift;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      let l = 0;
      if (inside(x, y, c, c - 10, 85, 95) && y < c - 25) l = 10;
      if (inside(x, y, c, c + 5, 62, 80)) l = 1;
      if (inside(x, y, c - 25, c - 25, 14, 4)) l = 2;
      if (inside(x, y, c + 25, c - 25, 14, 4)) l = 3;
      if (inside(x, y, c - 25, c - 12, 10, 5)) l = 4;
      if (inside(x, y, c + 25, c - 12, 10, 5)) l = 5;
      if (inside(x, y, c, c + 10, 8, 16)) l = 6;
      if (inside(x, y, c, c + 40, 22, 4)) l = 7;
      if (inside(x, y, c, c + 45, 20, 2)) l = 8;
      if (inside(x, y, c, c + 50, 22, 4)) l = 9;
      labels[y * size + x] = l;
    }
  return { height: size, width: size, labels };
}
