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
  for (let y = 0; y < h; y++) {
    const v = ((y + 0.5) / h) * (grid - 1);
    const j = Math.min(grid - 2, Math.floor(v));
    const fy = v - j;
    for (let x = 0; x < w; x++) {
      const u = ((x + 0.5) / w) * (grid - 1);
      const i = Math.min(grid - 2, Math.floor(u));
      const fx = u - i;
      const a = j * grid + i;
      const lerp = (g: Float64Array): number =>
        (g[a]! * (1 - fx) + g[a + 1]! * fx) * (1 - fy) +
        (g[a + grid]! * (1 - fx) + g[a + grid + 1]! * fx) * fy;
      const sx = Math.floor(x + 0.5 + lerp(gx));
      const sy = Math.floor(y + 0.5 + lerp(gy));
      if (sx >= 0 && sy >= 0 && sx < w && sy < h) out[y * w + x] = bits[sy * w + sx]!;
    }
  }
  return out;
}
