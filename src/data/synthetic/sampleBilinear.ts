import type { RgbImage } from '../image/rgbImage.js';

/**
 * Bilinear sample of `img` at continuous pixel coordinates (pixel i covers [i, i+1), centre i + 0.5),
 * edges clamped (replicate), written as floats into out[o..o+2].
 */
export function sampleRgbBilinear(img: RgbImage, x: number, y: number, out: Float32Array, o: number): void {
  const { width: w, height: h, data: s } = img;
  const xf = x - 0.5;
  const yf = y - 0.5;
  const x0 = Math.floor(xf);
  const y0 = Math.floor(yf);
  const dx = xf - x0;
  const dy = yf - y0;
  const c0 = x0 < 0 ? 0 : x0 >= w ? w - 1 : x0;
  const c1 = x0 + 1 < 0 ? 0 : x0 + 1 >= w ? w - 1 : x0 + 1;
  const r0 = (y0 < 0 ? 0 : y0 >= h ? h - 1 : y0) * w;
  const r1 = (y0 + 1 < 0 ? 0 : y0 + 1 >= h ? h - 1 : y0 + 1) * w;
  for (let b = 0; b < 3; b++) {
    const p00 = s[(r0 + c0) * 3 + b]!;
    const p01 = s[(r0 + c1) * 3 + b]!;
    const p10 = s[(r1 + c0) * 3 + b]!;
    const p11 = s[(r1 + c1) * 3 + b]!;
    const top = p00 + (p01 - p00) * dx;
    const bottom = p10 + (p11 - p10) * dx;
    out[o + b] = top + (bottom - top) * dy;
  }
}

/** Float RGB planes (HWC) rounded and clipped to 8 bits. */
export function toBytes(f: Float32Array): Uint8Array {
  const out = new Uint8Array(f.length);
  for (let i = 0; i < f.length; i++) {
    const v = Math.round(f[i]!);
    out[i] = v < 0 ? 0 : Math.min(v, 255);
  }
  return out;
}
