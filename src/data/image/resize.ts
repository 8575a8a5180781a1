import { createRgbImage, type RgbImage } from './rgbImage.js';

/**
 * PIL-compatible `Image.resize` for 8-bit RGB (Pillow ≥ 9 semantics, default box, no reducing_gap).
 *
 * bicubic/bilinear: separable convolution, horizontal pass first, then vertical, each rounded to 8 bits.
 * On downscaling the filter support is stretched by the scale factor (antialiasing). Coefficients are
 * normalised to sum 1 in double precision, then quantised to 22-bit fixed point; accumulators start at
 * one half so the final `>> 22` rounds to nearest, and results are clipped to [0, 255].
 * nearest: PIL's affine scaling path; the source coordinate is accumulated in doubles from `scale/2`.
 */
export type ResizeFilter = 'bicubic' | 'bilinear' | 'nearest';

const PRECISION_BITS = 32 - 8 - 2;
const ONE_HALF = 1 << (PRECISION_BITS - 1);
const FIXED_ONE = 1 << PRECISION_BITS;

interface Kernel {
  support: number;
  weight(x: number): number;
}

/** Keys cubic convolution with a = −0.5 (PIL's choice). */
function bicubicWeight(x: number): number {
  const a = -0.5;
  const t = x < 0 ? -x : x;
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

function triangleWeight(x: number): number {
  const t = x < 0 ? -x : x;
  return t < 1 ? 1 - t : 0;
}

const KERNELS: Record<'bicubic' | 'bilinear', Kernel> = {
  bicubic: { support: 2, weight: bicubicWeight },
  bilinear: { support: 1, weight: triangleWeight },
};

/** Per output sample: first source index, tap count and fixed-point taps (row-major, `taps` per sample). */
export interface ResampleCoefficients {
  taps: number;
  first: Int32Array;
  count: Int32Array;
  fixed: Int32Array;
  /** normalised double-precision weights before quantisation (for tests and diagnostics) */
  weights: Float64Array;
}

export function resampleCoefficients(inSize: number, outSize: number, kernel: Kernel): ResampleCoefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = kernel.support * filterScale;
  const taps = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * taps);
  const fixed = new Int32Array(outSize * taps);
  const inv = 1 / filterScale;
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    // C casts truncate toward zero; the clamp below makes that equal to PIL's rounding.
    let lo = Math.trunc(center - support + 0.5);
    if (lo < 0) lo = 0;
    let hi = Math.trunc(center + support + 0.5);
    if (hi > inSize) hi = inSize;
    const n = hi - lo;
    let sum = 0;
    const base = o * taps;
    for (let i = 0; i < n; i++) {
      const w = kernel.weight((i + lo - center + 0.5) * inv);
      weights[base + i] = w;
      sum += w;
    }
    for (let i = 0; i < n; i++) {
      if (sum !== 0) weights[base + i] /= sum;
      const w = weights[base + i];
      fixed[base + i] = w < 0 ? Math.trunc(-0.5 + w * FIXED_ONE) : Math.trunc(0.5 + w * FIXED_ONE);
    }
    first[o] = lo;
    count[o] = n;
  }
  return { taps, first, count, fixed, weights };
}

function clip8(acc: number): number {
  if (acc <= 0) return 0;
  if (acc >= FIXED_ONE * 256) return 255;
  return Math.floor(acc / FIXED_ONE);
}

function resampleHorizontal(src: RgbImage, outWidth: number, c: ResampleCoefficients): RgbImage {
  const { width: inW, height } = src;
  const out = new Uint8Array(outWidth * height * 3);
  const s = src.data;
  for (let y = 0; y < height; y++) {
    const row = y * inW * 3;
    const orow = y * outWidth * 3;
    for (let x = 0; x < outWidth; x++) {
      const lo = c.first[x];
      const n = c.count[x];
      const base = x * c.taps;
      let r = ONE_HALF;
      let g = ONE_HALF;
      let b = ONE_HALF;
      for (let i = 0; i < n; i++) {
        const k = c.fixed[base + i];
        const p = row + (lo + i) * 3;
        r += s[p] * k;
        g += s[p + 1] * k;
        b += s[p + 2] * k;
      }
      const q = orow + x * 3;
      out[q] = clip8(r);
      out[q + 1] = clip8(g);
      out[q + 2] = clip8(b);
    }
  }
  return createRgbImage(outWidth, height, out);
}

function resampleVertical(src: RgbImage, outHeight: number, c: ResampleCoefficients): RgbImage {
  const { width } = src;
  const stride = width * 3;
  const out = new Uint8Array(stride * outHeight);
  const s = src.data;
  // Row-wise accumulation keeps memory access contiguous; integer sums stay exact in doubles.
  const acc = new Float64Array(stride);
  for (let y = 0; y < outHeight; y++) {
    const lo = c.first[y];
    const n = c.count[y];
    const base = y * c.taps;
    acc.fill(ONE_HALF);
    for (let i = 0; i < n; i++) {
      const k = c.fixed[base + i];
      const row = (lo + i) * stride;
      for (let xc = 0; xc < stride; xc++) acc[xc] += s[row + xc] * k;
    }
    const orow = y * stride;
    for (let xc = 0; xc < stride; xc++) out[orow + xc] = clip8(acc[xc]);
  }
  return createRgbImage(width, outHeight, out);
}

function resizeNearest(img: RgbImage, width: number, height: number): RgbImage {
  const sx = img.width / width;
  const sy = img.height / height;
  const xin = new Int32Array(width);
  // Accumulate exactly as PIL does (xo += a[0]) so boundary cases land on the same source pixel.
  let xo = sx * 0.5;
  for (let x = 0; x < width; x++) {
    xin[x] = Math.min(xo < 0 ? 0 : Math.trunc(xo), img.width - 1);
    xo += sx;
  }
  const out = new Uint8Array(width * height * 3);
  let yo = sy * 0.5;
  for (let y = 0; y < height; y++) {
    const yi = Math.min(Math.trunc(yo), img.height - 1);
    const srow = yi * img.width * 3;
    const orow = y * width * 3;
    for (let x = 0; x < width; x++) {
      const p = srow + xin[x] * 3;
      const q = orow + x * 3;
      out[q] = img.data[p];
      out[q + 1] = img.data[p + 1];
      out[q + 2] = img.data[p + 2];
    }
    yo += sy;
  }
  return createRgbImage(width, height, out);
}

export function resizeRgb(img: RgbImage, width: number, height: number, filter: ResizeFilter): RgbImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new Error(`resize target must be positive integers, got ${width}x${height}`);
  }
  if (width === img.width && height === img.height) {
    return createRgbImage(width, height, img.data.slice());
  }
  if (filter === 'nearest') return resizeNearest(img, width, height);
  const kernel = KERNELS[filter];
  if (kernel === undefined) throw new Error(`unknown resize filter '${String(filter)}'`);
  let cur = img;
  if (width !== img.width)
    cur = resampleHorizontal(cur, width, resampleCoefficients(img.width, width, kernel));
  if (height !== img.height)
    cur = resampleVertical(cur, height, resampleCoefficients(img.height, height, kernel));
  return cur;
}

export { bicubicWeight, triangleWeight };
export const RESAMPLE_KERNELS = KERNELS;
