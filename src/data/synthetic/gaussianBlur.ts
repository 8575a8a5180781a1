import { createRgbImage, type RgbImage } from '../image/rgbImage.js';
import { createFloatMask, type FloatMask } from './floatMask.js';

/** Kernel radius for a σ: ⌈3σ⌉, so a blur spreads a mask by at most this many pixels. */
export function gaussianRadius(sigma: number): number {
  return Math.max(0, Math.ceil(3 * sigma));
}

function gaussianKernel(sigma: number): Float64Array {
  const r = gaussianRadius(sigma);
  const k = new Float64Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) {
    const v = Math.exp(-(i * i) / (2 * sigma * sigma));
    k[i + r] = v;
    sum += v;
  }
  for (let i = 0; i < k.length; i++) k[i] = k[i]! / sum;
  return k;
}

/**
 * Separable Gaussian blur of `channels` interleaved float planes, edges clamped (replicate).
 * Taps beyond the radius are zero, so support never grows by more than `gaussianRadius(sigma)`.
 */
function blurPlanes(src: Float32Array, w: number, h: number, channels: number, sigma: number): Float32Array {
  if (!(sigma > 0)) return src.slice();
  const k = gaussianKernel(sigma);
  const r = (k.length - 1) / 2;
  const rowLen = w * channels;
  // horizontal: each row copied into a buffer padded by r replicated pixels, then convolved branch-free
  const padded = new Float64Array((w + 2 * r) * channels);
  const tmp = new Float32Array(src.length);
  for (let y = 0; y < h; y++) {
    const row = y * rowLen;
    for (let x = -r; x < w + r; x++) {
      const xx = x < 0 ? 0 : x >= w ? w - 1 : x;
      for (let c = 0; c < channels; c++) padded[(x + r) * channels + c] = src[row + xx * channels + c]!;
    }
    for (let j = 0; j < rowLen; j++) {
      let acc = 0;
      for (let i = 0; i <= 2 * r; i++) acc += k[i]! * padded[j + i * channels]!;
      tmp[row + j] = acc;
    }
  }
  // vertical: whole rows at a time (contiguous memory), edge rows replicated
  const out = new Float32Array(src.length);
  const acc = new Float64Array(rowLen);
  for (let y = 0; y < h; y++) {
    acc.fill(0);
    for (let i = -r; i <= r; i++) {
      const yy = y + i < 0 ? 0 : y + i >= h ? h - 1 : y + i;
      const kv = k[i + r]!;
      const base = yy * rowLen;
      for (let j = 0; j < rowLen; j++) acc[j] += kv * tmp[base + j]!;
    }
    out.set(acc, y * rowLen);
  }
  return out;
}

/** Gaussian-blurred copy of a mask; values stay in [0, 1] (exact zeros far from any nonzero pixel). */
export function blurMask(mask: FloatMask, sigma: number): FloatMask {
  const out = blurPlanes(mask.data, mask.width, mask.height, 1, sigma);
  for (let i = 0; i < out.length; i++) {
    const v = out[i]!;
    out[i] = v < 1e-6 ? 0 : Math.min(v, 1);
  }
  return createFloatMask(mask.width, mask.height, out);
}

/** Gaussian-blurred copy of an RGB image (rounded to 8 bits). */
export function blurRgb(img: RgbImage, sigma: number): RgbImage {
  const out = blurPlanes(Float32Array.from(img.data), img.width, img.height, 3, sigma);
  const bytes = new Uint8Array(out.length);
  for (let i = 0; i < out.length; i++) bytes[i] = Math.min(255, Math.max(0, Math.round(out[i]!)));
  return createRgbImage(img.width, img.height, bytes);
}
