import { rotate180, rotateQuarter } from './flip.js';
import { createRgbImage, type RgbImage } from './rgbImage.js';

/** Filters of PIL's generic transform (`Image.transform`). Bicubic here is PIL's a = −1 cubic, not resize's. */
export type TransformFilter = 'nearest' | 'bilinear' | 'bicubic';
export type Rgb = readonly [number, number, number];

/**
 * `(a, b, c, d, e, f)`: output pixel centre (x+0.5, y+0.5) samples the input at
 * (a·x + b·y + c, d·x + e·y + f) — PIL's AFFINE data, which maps output to input.
 */
export type AffineCoefficients = readonly [number, number, number, number, number, number];

const clampIndex = (v: number, n: number): number => (v < 0 ? 0 : v < n ? v : n - 1);

function cubic(v1: number, v2: number, v3: number, v4: number, d: number): number {
  const p1 = v2;
  const p2 = -v1 + v3;
  const p3 = 2 * (v1 - v2) + v3 - v4;
  const p4 = -v1 + v2 - v3 + v4;
  return p1 + d * (p2 + d * (p3 + d * p4));
}

/**
 * PIL `Image.transform(size, AFFINE, coeffs, resample, fillcolor)` for RGB: output pixels whose
 * source point lies outside [0, w) × [0, h) keep `fill`; inside, bilinear/bicubic sample with edge
 * clamping and truncate to 8 bits (bicubic clipped to [0, 255] first).
 */
export function affineTransformRgb(
  img: RgbImage,
  coeffs: AffineCoefficients,
  filter: TransformFilter,
  fill: Rgb = [0, 0, 0],
  outWidth = img.width,
  outHeight = img.height,
): RgbImage {
  const [a0, a1, a2, a3, a4, a5] = coeffs;
  const { width: w, height: h, data: s } = img;
  const out = createRgbImage(outWidth, outHeight);
  const o = out.data;
  for (let i = 0; i < outWidth * outHeight; i++) {
    o[i * 3] = fill[0];
    o[i * 3 + 1] = fill[1];
    o[i * 3 + 2] = fill[2];
  }
  for (let y = 0; y < outHeight; y++) {
    const yc = y + 0.5;
    for (let x = 0; x < outWidth; x++) {
      const xc = x + 0.5;
      let xin = a0 * xc + a1 * yc + a2;
      let yin = a3 * xc + a4 * yc + a5;
      if (!(xin >= 0 && xin < w && yin >= 0 && yin < h)) continue;
      const q = (y * outWidth + x) * 3;
      if (filter === 'nearest') {
        const p = (Math.trunc(yin) * w + Math.trunc(xin)) * 3;
        o[q] = s[p];
        o[q + 1] = s[p + 1];
        o[q + 2] = s[p + 2];
        continue;
      }
      xin -= 0.5;
      yin -= 0.5;
      const xi = Math.floor(xin);
      const yi = Math.floor(yin);
      const dx = xin - xi;
      const dy = yin - yi;
      if (filter === 'bilinear') {
        const r0 = clampIndex(yi, h) * w;
        const r1 = clampIndex(yi + 1, h) * w;
        const c0 = clampIndex(xi, w);
        const c1 = clampIndex(xi + 1, w);
        for (let b = 0; b < 3; b++) {
          const p00 = s[(r0 + c0) * 3 + b];
          const p01 = s[(r0 + c1) * 3 + b];
          const p10 = s[(r1 + c0) * 3 + b];
          const p11 = s[(r1 + c1) * 3 + b];
          const top = p00 + (p01 - p00) * dx;
          const bottom = p10 + (p11 - p10) * dx;
          o[q + b] = Math.trunc(top + (bottom - top) * dy);
        }
      } else {
        const cols = [xi - 1, xi, xi + 1, xi + 2].map((c) => clampIndex(c, w));
        const rows = [yi - 1, yi, yi + 1, yi + 2].map((r) => clampIndex(r, h) * w);
        for (let b = 0; b < 3; b++) {
          const v: number[] = [];
          for (const r of rows) {
            v.push(
              cubic(
                s[(r + cols[0]) * 3 + b],
                s[(r + cols[1]) * 3 + b],
                s[(r + cols[2]) * 3 + b],
                s[(r + cols[3]) * 3 + b],
                dx,
              ),
            );
          }
          const val = cubic(v[0], v[1], v[2], v[3], dy);
          o[q + b] = val <= 0 ? 0 : val >= 255 ? 255 : Math.trunc(val);
        }
      }
    }
  }
  return out;
}

/** Python's `round(x, 15)`: correctly rounded to 15 decimals. */
function round15(x: number): number {
  return Number(x.toFixed(15));
}

/** Python float modulo (result has the sign of the divisor). */
function pyMod(a: number, m: number): number {
  const r = a % m;
  return r !== 0 && r < 0 ? r + m : r;
}

/**
 * PIL `Image.rotate(degrees, resample, expand=False, fillcolor)`: counter-clockwise about the image centre,
 * same output size. Multiples of 90° that PIL special-cases are exact transposes.
 */
export function rotateRgb(
  img: RgbImage,
  degrees: number,
  filter: TransformFilter,
  fill: Rgb = [0, 0, 0],
): RgbImage {
  const angleMod = pyMod(degrees, 360);
  if (angleMod === 0) return createRgbImage(img.width, img.height, img.data.slice());
  if (angleMod === 180) return rotate180(img);
  if ((angleMod === 90 || angleMod === 270) && img.width === img.height)
    return rotateQuarter(img, angleMod === 90);
  const { width: w, height: h } = img;
  const angle = -(angleMod * (Math.PI / 180));
  const m = [
    round15(Math.cos(angle)),
    round15(Math.sin(angle)),
    0,
    round15(-Math.sin(angle)),
    round15(Math.cos(angle)),
    0,
  ];
  const cx = w / 2;
  const cy = h / 2;
  const tx = m[0] * -cx + m[1] * -cy + m[2];
  const ty = m[3] * -cx + m[4] * -cy + m[5];
  m[2] = tx + cx;
  m[5] = ty + cy;
  return affineTransformRgb(img, [m[0], m[1], m[2], m[3], m[4], m[5]], filter, fill);
}
