/**
 * RGB ↔ HSV in OpenCV's floating-point convention (`cv2.COLOR_BGR2HSV` / `COLOR_HSV2RGB` on float32 images):
 * H in degrees [0, 360), S in [0, 1], V in the input's own range (0..255 for pixel values).
 * Arithmetic is float32 (Math.fround) with OpenCV's FLT_EPSILON guards, so a round trip of integer
 * pixels can land just below the integer — which the later uint8 cast truncates, as in the original.
 */

const f32 = Math.fround;
const FLT_EPSILON = 2 ** -23;
/** OpenCV scales hue by `hrange / 360` on the way in (hrange = 360 for float images) and `6 / hrange` on the way out. */
const H_IN_SCALE = f32(360 * f32(1 / 360));
const H_OUT_SCALE = f32(6 / 360);

export interface Hsv {
  h: number;
  s: number;
  v: number;
}

export function rgbToHsv(r: number, g: number, b: number): Hsv {
  const rf = f32(r);
  const gf = f32(g);
  const bf = f32(b);
  const v = Math.max(rf, gf, bf);
  const vmin = Math.min(rf, gf, bf);
  const diff = f32(v - vmin);
  const s = f32(diff / f32(Math.abs(v) + FLT_EPSILON));
  const k = f32(60 / f32(diff + FLT_EPSILON));
  let h: number;
  if (v === rf) h = f32(f32(gf - bf) * k);
  else if (v === gf) h = f32(f32(f32(bf - rf) * k) + 120);
  else h = f32(f32(f32(rf - gf) * k) + 240);
  if (h < 0) h = f32(h + 360);
  return { h: f32(h * H_IN_SCALE), s, v };
}

/** Returns float32 [r, g, b]; may leave [0, 255] when S > 1 (callers clamp). */
export function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  const sf = f32(s);
  const vf = f32(v);
  if (sf === 0) return [vf, vf, vf];
  let hh = f32(f32(h) * H_OUT_SCALE);
  hh = f32(hh % 6);
  if (hh < 0) hh = f32(hh + 6);
  let sector = Math.floor(hh);
  hh = f32(hh - sector);
  if (sector < 0 || sector >= 6) {
    sector = 0;
    hh = 0;
  }
  const tab = [
    vf,
    f32(vf * f32(1 - sf)),
    f32(vf * f32(1 - f32(sf * hh))),
    f32(vf * f32(1 - f32(sf * f32(1 - hh)))),
  ];
  // OpenCV's per-sector (b, g, r) picks from tab
  const SECTORS = [
    [1, 3, 0],
    [1, 0, 2],
    [3, 0, 1],
    [0, 2, 1],
    [0, 1, 3],
    [2, 1, 0],
  ] as const;
  const [bi, gi, ri] = SECTORS[sector];
  return [tab[ri], tab[gi], tab[bi]];
}
