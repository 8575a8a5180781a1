// The "source" side of a self-blended image: colour and frequency changes that leave blending traces
// (colour mismatch, sharpness mismatch) once the copy is pasted back into the original.
import { adjustBrightness, adjustContrast, adjustSharpness } from '../image/enhance.js';
import { hsvToRgb, rgbToHsv } from '../image/hsv.js';
import { resizeRgb } from '../image/resize.js';
import { createRgbImage, type RgbImage } from '../image/rgbImage.js';
import type { SeededRng } from '../random/seededRng.js';
import { blurRgb } from './gaussianBlur.js';

export interface ColourPerturbation {
  /** per-channel additive shift (R, G, B), 0 when not drawn */
  rgbShift: [number, number, number];
  /** hue shift in degrees, saturation and value multipliers */
  hueShiftDeg: number;
  saturationScale: number;
  valueScale: number;
  /** PIL ImageEnhance factors (1 = unchanged) */
  brightness: number;
  contrast: number;
}

export type FrequencyPerturbation =
  | { kind: 'none' }
  | { kind: 'sharpen'; factor: number }
  | { kind: 'blur'; sigma: number }
  | { kind: 'downscale'; factor: number };

const range = (rng: SeededRng, lo: number, hi: number): number => lo + (hi - lo) * rng.uniform();

export interface ColourRanges {
  /** probability of the per-channel RGB shift (default 0.5) */
  shiftProbability?: number;
  /** shift magnitude range in levels, sign drawn per channel (default [0, 20]: uniform in ±20) */
  shiftRange?: readonly [number, number];
}

/** Draws a colour perturbation: RGB shift (p 0.5), HSV shift (p 0.5), brightness/contrast always. */
export function drawColourPerturbation(rng: SeededRng, ranges: ColourRanges = {}): ColourPerturbation {
  const shift = rng.uniform() < (ranges.shiftProbability ?? 0.5);
  const [lo, hi] = ranges.shiftRange ?? [0, 20];
  // the default range keeps the original single draw per channel (uniform in ±hi), so recorded recipes replay
  const level = () => (lo === 0 ? range(rng, -hi, hi) : (rng.uniform() < 0.5 ? -1 : 1) * range(rng, lo, hi));
  const rgbShift: [number, number, number] = shift ? [level(), level(), level()] : [0, 0, 0];
  const hsv = rng.uniform() < 0.5;
  return {
    rgbShift,
    hueShiftDeg: hsv ? range(rng, -10, 10) : 0,
    saturationScale: hsv ? range(rng, 0.85, 1.15) : 1,
    valueScale: hsv ? range(rng, 0.9, 1.1) : 1,
    brightness: range(rng, 0.9, 1.1),
    contrast: range(rng, 0.9, 1.1),
  };
}

/**
 * Draws the frequency change of the original SBI recipe: always one, either a downscale by 2 or 4 and back
 * (nearest down, bilinear up) or a sharpen. A source without one leaves no trace on soft video frames, and such
 * fakes teach a detector nothing. ('none' and 'blur' remain valid recipes for recorded samples.)
 */
export function drawFrequencyPerturbation(rng: SeededRng): FrequencyPerturbation {
  if (rng.uniform() < 0.5) return { kind: 'downscale', factor: rng.uniform() < 0.5 ? 0.5 : 0.25 };
  return { kind: 'sharpen', factor: range(rng, 1.5, 3) };
}

export function applyColourPerturbation(img: RgbImage, p: ColourPerturbation): RgbImage {
  const out = new Uint8Array(img.data.length);
  const hsv = p.hueShiftDeg !== 0 || p.saturationScale !== 1 || p.valueScale !== 1;
  for (let i = 0; i < out.length; i += 3) {
    let r = img.data[i]! + p.rgbShift[0];
    let g = img.data[i + 1]! + p.rgbShift[1];
    let b = img.data[i + 2]! + p.rgbShift[2];
    if (hsv) {
      const c = rgbToHsv(clamp(r), clamp(g), clamp(b));
      let h = (c.h + p.hueShiftDeg) % 360;
      if (h < 0) h += 360;
      [r, g, b] = hsvToRgb(h, Math.min(1, c.s * p.saturationScale), c.v * p.valueScale);
    }
    out[i] = Math.round(clamp(r));
    out[i + 1] = Math.round(clamp(g));
    out[i + 2] = Math.round(clamp(b));
  }
  const shifted = createRgbImage(img.width, img.height, out);
  return adjustContrast(adjustBrightness(shifted, p.brightness), p.contrast);
}

export function applyFrequencyPerturbation(img: RgbImage, p: FrequencyPerturbation): RgbImage {
  switch (p.kind) {
    case 'none':
      return img;
    case 'sharpen':
      return adjustSharpness(img, p.factor);
    case 'blur':
      return blurRgb(img, p.sigma);
    case 'downscale': {
      const w = Math.max(1, Math.round(img.width * p.factor));
      const h = Math.max(1, Math.round(img.height * p.factor));
      return resizeRgb(resizeRgb(img, w, h, 'nearest'), img.width, img.height, 'bilinear');
    }
  }
}

function clamp(v: number): number {
  return v < 0 ? 0 : Math.min(v, 255);
}
