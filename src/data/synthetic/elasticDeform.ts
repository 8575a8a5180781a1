import type { SeededRng } from '../random/seededRng.js';

/**
 * Random smooth displacement of a binary mask (an "elastic" wobble of its outline): a coarse `grid`×`grid`
 * lattice of offsets uniform in [−amplitude, amplitude] per axis, bilinearly interpolated to every pixel;
 * each output pixel takes the nearest input pixel at its displaced position. No point moves by more than
 * amplitude·√2, which bounds how far the mask can spread.
 */
export function elasticDeformBinary(
  bits: Uint8Array,
  w: number,
  h: number,
  amplitude: number,
  rng: SeededRng,
  grid = 5,
): Uint8Array {
  if (!(amplitude > 0)) return bits.slice();
  const n = grid * grid;
  const gx = new Float64Array(n);
  const gy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    gx[i] = (rng.uniform() * 2 - 1) * amplitude;
    gy[i] = (rng.uniform() * 2 - 1) * amplitude;
  }
  const out = new Uint8Array(w * h);
  // per column: lattice cell and weight along x (the same for every row)
  const cellX = new Int32Array(w);
  const wx = new Float64Array(w);
  for (let x = 0; x < w; x++) {
    const u = ((x + 0.5) / w) * (grid - 1);
    cellX[x] = Math.min(grid - 2, Math.floor(u));
    wx[x] = u - cellX[x]!;
  }
  // per row: the lattice interpolated along y, then along x per pixel
  const rowX = new Float64Array(grid);
  const rowY = new Float64Array(grid);
  for (let y = 0; y < h; y++) {
    const v = ((y + 0.5) / h) * (grid - 1);
    const j = Math.min(grid - 2, Math.floor(v));
    const fy = v - j;
    for (let i = 0; i < grid; i++) {
      rowX[i] = gx[j * grid + i]! * (1 - fy) + gx[(j + 1) * grid + i]! * fy;
      rowY[i] = gy[j * grid + i]! * (1 - fy) + gy[(j + 1) * grid + i]! * fy;
    }
    for (let x = 0; x < w; x++) {
      const i = cellX[x]!;
      const fx = wx[x]!;
      const sx = Math.floor(x + 0.5 + rowX[i]! * (1 - fx) + rowX[i + 1]! * fx);
      const sy = Math.floor(y + 0.5 + rowY[i]! * (1 - fx) + rowY[i + 1]! * fx);
      if (sx >= 0 && sy >= 0 && sx < w && sy < h) out[y * w + x] = bits[sy * w + sx]!;
    }
  }
  return out;
}
