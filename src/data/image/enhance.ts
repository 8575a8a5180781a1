import { createRgbImage, type RgbImage } from './rgbImage.js';

/**
 * PIL `ImageEnhance` on RGB: each enhancer blends a "degenerate" image with the original,
 * `Image.blend(degenerate, img, factor)`. Blend arithmetic is C single precision with truncation,
 * reproduced here with Math.fround.
 */

const f32 = Math.fround;

/** `Image.blend(a, b, alpha)`: a + alpha·(b − a), float32, truncated; clipped only when extrapolating. */
export function blendRgb(a: RgbImage, b: RgbImage, alpha: number): RgbImage {
  if (a.width !== b.width || a.height !== b.height) {
    throw new Error(`blend needs equal sizes, got ${a.width}x${a.height} and ${b.width}x${b.height}`);
  }
  const al = f32(alpha);
  if (al === 0) return createRgbImage(a.width, a.height, a.data.slice());
  if (al === 1) return createRgbImage(b.width, b.height, b.data.slice());
  const out = new Uint8Array(a.data.length);
  const interpolate = al >= 0 && al <= 1;
  for (let i = 0; i < out.length; i++) {
    const x = a.data[i];
    const v = f32(x + f32(al * (b.data[i] - x)));
    out[i] = interpolate ? Math.trunc(v) : v <= 0 ? 0 : v >= 255 ? 255 : Math.trunc(v);
  }
  return createRgbImage(a.width, a.height, out);
}

/** ITU-R 601-2 luma as PIL's RGB→L conversion computes it (16-bit fixed point, rounded). */
export function lumaOf(r: number, g: number, b: number): number {
  return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
}

/** `img.convert('L').convert('RGB')`. */
export function grayscaleRgb(img: RgbImage): RgbImage {
  const out = new Uint8Array(img.data.length);
  for (let i = 0; i < out.length; i += 3) {
    const l = lumaOf(img.data[i], img.data[i + 1], img.data[i + 2]);
    out[i] = l;
    out[i + 1] = l;
    out[i + 2] = l;
  }
  return createRgbImage(img.width, img.height, out);
}

/** `ImageEnhance.Color`: 0 = greyscale, 1 = original. */
export function adjustColor(img: RgbImage, factor: number): RgbImage {
  return blendRgb(grayscaleRgb(img), img, factor);
}

/** `ImageEnhance.Contrast`: the degenerate image is the rounded mean luma everywhere. */
export function adjustContrast(img: RgbImage, factor: number): RgbImage {
  const hist = new Float64Array(256);
  for (let i = 0; i < img.data.length; i += 3) hist[lumaOf(img.data[i], img.data[i + 1], img.data[i + 2])]++;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < 256; i++) {
    sum += i * hist[i];
    n += hist[i];
  }
  const mean = Math.trunc(sum / n + 0.5);
  const degenerate = createRgbImage(img.width, img.height, new Uint8Array(img.data.length).fill(mean));
  return blendRgb(degenerate, img, factor);
}

/** `ImageEnhance.Brightness`: blend with black. */
export function adjustBrightness(img: RgbImage, factor: number): RgbImage {
  return blendRgb(createRgbImage(img.width, img.height), img, factor);
}

/**
 * `ImageFilter.SMOOTH` (3×3 kernel 1 1 1 / 1 5 1 / 1 1 1, divided by 13) in PIL's float32 arithmetic:
 * border rows and columns are copied, interior values rounded (+0.5, truncate) and clipped.
 */
export function smoothRgb(img: RgbImage): RgbImage {
  const { width: w, height: h, data: s } = img;
  const out = s.slice();
  if (w < 3 || h < 3) return createRgbImage(w, h, out);
  const k1 = f32(1 / 13);
  const k5 = f32(5 / 13);
  const row = (p: number, d: number, kl: number, kc: number, kr: number): number =>
    f32(f32(f32(s[p - d] * kl) + f32(s[p] * kc)) + f32(s[p + d] * kr));
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      for (let b = 0; b < 3; b++) {
        const p = (y * w + x) * 3 + b;
        let ss = f32(0.5);
        ss = f32(ss + row(p + w * 3, 3, k1, k1, k1));
        ss = f32(ss + row(p, 3, k1, k5, k1));
        ss = f32(ss + row(p - w * 3, 3, k1, k1, k1));
        out[p] = ss <= 0 ? 0 : ss >= 255 ? 255 : Math.trunc(ss);
      }
    }
  }
  return createRgbImage(w, h, out);
}

/** `ImageEnhance.Sharpness`: 0 = smoothed, 1 = original, 2 = sharpened. */
export function adjustSharpness(img: RgbImage, factor: number): RgbImage {
  return blendRgb(smoothRgb(img), img, factor);
}
