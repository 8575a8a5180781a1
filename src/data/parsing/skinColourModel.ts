import type { RgbImage } from '../image/rgbImage.js';
import type { Point2 } from './polygonFill.js';

/** Robust skin colour statistics in YCbCr: per-channel median and spread (scaled MAD, floored). */
export interface SkinColourModel {
  median: readonly [number, number, number];
  spread: readonly [number, number, number];
}

/** Floors on the spread so that a very uniform sample does not make every other pixel "not skin". */
const MIN_SPREAD: readonly [number, number, number] = [12, 4, 4];

export function rgbToYCbCr(r: number, g: number, b: number): [number, number, number] {
  return [
    0.299 * r + 0.587 * g + 0.114 * b,
    128 - 0.168736 * r - 0.331264 * g + 0.5 * b,
    128 + 0.5 * r - 0.418688 * g - 0.081312 * b,
  ];
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Samples discs of `radius` px around `centres` (cheeks, forehead) and summarises their colour. */
export function sampleSkinColour(
  img: RgbImage,
  centres: ReadonlyArray<Point2>,
  radius: number,
): SkinColourModel {
  const channels: [number[], number[], number[]] = [[], [], []];
  const r2 = radius * radius;
  for (const [cx, cy] of centres) {
    for (let y = Math.floor(cy - radius); y <= Math.ceil(cy + radius); y++) {
      for (let x = Math.floor(cx - radius); x <= Math.ceil(cx + radius); x++) {
        if (x < 0 || y < 0 || x >= img.width || y >= img.height) continue;
        if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 > r2) continue;
        const o = (y * img.width + x) * 3;
        const ycc = rgbToYCbCr(img.data[o], img.data[o + 1], img.data[o + 2]);
        for (let c = 0; c < 3; c++) channels[c].push(ycc[c]);
      }
    }
  }
  if (channels[0].length === 0)
    throw new Error('skin colour sample is empty: the sample points lie outside the image');
  const med = channels.map(median) as [number, number, number];
  const spread = channels.map((vals, c) =>
    Math.max(MIN_SPREAD[c], 1.4826 * median(vals.map((v) => Math.abs(v - med[c])))),
  ) as [number, number, number];
  return { median: med, spread };
}

/**
 * Normalised colour distance to the skin model (≈ standard deviations). Luminance counts half as much as
 * chroma, because shading changes brightness across a face far more than it changes hue.
 */
export function skinDistance(model: SkinColourModel, r: number, g: number, b: number): number {
  const [y, cb, cr] = rgbToYCbCr(r, g, b);
  const dy = (y - model.median[0]) / (2 * model.spread[0]);
  const dcb = (cb - model.median[1]) / model.spread[1];
  const dcr = (cr - model.median[2]) / model.spread[2];
  return Math.sqrt(dy * dy + dcb * dcb + dcr * dcr);
}
