import { createRgbImage, type RgbImage } from './rgbImage.js';

/**
 * PIL `ImageOps` point operations on RGB. Each builds a 256-entry table per band (as PIL's `_lut`
 * does) and maps every pixel through it.
 */

/** Apply one table to all bands, or three tables (R, G, B) concatenated (length 768). */
export function applyLut(img: RgbImage, lut: ArrayLike<number>): RgbImage {
  if (lut.length !== 256 && lut.length !== 768)
    throw new Error(`a LUT needs 256 or 768 entries, got ${lut.length}`);
  const table = new Uint8Array(768);
  for (let i = 0; i < 768; i++) {
    const v = lut.length === 256 ? lut[i % 256] : lut[i];
    table[i] = Math.min(255, Math.max(0, v)); // PIL clips list entries to 8 bits
  }
  const out = new Uint8Array(img.data.length);
  for (let i = 0; i < out.length; i += 3) {
    out[i] = table[img.data[i]];
    out[i + 1] = table[256 + img.data[i + 1]];
    out[i + 2] = table[512 + img.data[i + 2]];
  }
  return createRgbImage(img.width, img.height, out);
}

/** Per-band 256-bin histograms, concatenated R, G, B (PIL `Image.histogram()`). */
export function histogramRgb(img: RgbImage): Uint32Array {
  const h = new Uint32Array(768);
  for (let i = 0; i < img.data.length; i += 3) {
    h[img.data[i]]++;
    h[256 + img.data[i + 1]]++;
    h[512 + img.data[i + 2]]++;
  }
  return h;
}

const table = (f: (i: number) => number): number[] => Array.from({ length: 256 }, (_, i) => f(i));

export function invert(img: RgbImage): RgbImage {
  return applyLut(
    img,
    table((i) => 255 - i),
  );
}

/** Keep the `bits` most significant bits (0 → black, 8 → unchanged). */
export function posterize(img: RgbImage, bits: number): RgbImage {
  if (!Number.isInteger(bits) || bits < 0 || bits > 8)
    throw new Error(`posterize bits must be 0..8, got ${bits}`);
  const mask = ~(2 ** (8 - bits) - 1);
  return applyLut(
    img,
    table((i) => i & mask),
  );
}

/** Invert every value ≥ threshold. */
export function solarize(img: RgbImage, threshold = 128): RgbImage {
  return applyLut(
    img,
    table((i) => (i < threshold ? i : 255 - i)),
  );
}

/** timm `solarize_add`: add `add` (saturating at 255) to every value below `threshold`. */
export function solarizeAdd(img: RgbImage, add: number, threshold = 128): RgbImage {
  return applyLut(
    img,
    table((i) => (i < threshold ? Math.min(255, i + add) : i)),
  );
}

/** `ImageOps.autocontrast(img)` with cutoff 0: stretch each band's [lo, hi] to [0, 255], truncating. */
export function autocontrast(img: RgbImage): RgbImage {
  const hist = histogramRgb(img);
  const lut: number[] = [];
  for (let b = 0; b < 3; b++) {
    const h = hist.subarray(b * 256, b * 256 + 256);
    let lo = 0;
    while (lo < 255 && h[lo] === 0) lo++;
    let hi = 255;
    while (hi > 0 && h[hi] === 0) hi--;
    if (hi <= lo) {
      for (let i = 0; i < 256; i++) lut.push(i);
      continue;
    }
    const scale = 255 / (hi - lo);
    const offset = -lo * scale;
    for (let i = 0; i < 256; i++) {
      const v = Math.trunc(i * scale + offset);
      lut.push(Math.min(255, Math.max(0, v)));
    }
  }
  return applyLut(img, lut);
}

/** `ImageOps.equalize(img)`: per band, the cumulative histogram with PIL's integer step rule. */
export function equalize(img: RgbImage): RgbImage {
  const hist = histogramRgb(img);
  const lut: number[] = [];
  for (let b = 0; b < 3; b++) {
    const h = hist.subarray(b * 256, b * 256 + 256);
    const nonzero: number[] = [];
    for (let i = 0; i < 256; i++) if (h[i] !== 0) nonzero.push(h[i]);
    const identity = (): void => {
      for (let i = 0; i < 256; i++) lut.push(i);
    };
    if (nonzero.length <= 1) {
      identity();
      continue;
    }
    const total = nonzero.reduce((a, c) => a + c, 0);
    const step = Math.floor((total - nonzero[nonzero.length - 1]) / 256);
    if (step === 0) {
      identity();
      continue;
    }
    let n = Math.floor(step / 2);
    for (let i = 0; i < 256; i++) {
      lut.push(Math.floor(n / step));
      n += h[i];
    }
  }
  return applyLut(img, lut);
}
