import type { RgbImage } from '../image/rgbImage.js';
import { roundHalfEven } from '../masking/roundHalfEven.js';

/** Per-channel mean/std in [0, 1] pixel units, RGB order (SPEC §2.6). */
export interface NormStats {
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
}

/** Constants hard-coded in the official code (SPEC §2.6). */
export const VGGFACE2_NORM: NormStats = {
  mean: [0.5482207536697388, 0.42340534925460815, 0.3654651641845703],
  std: [0.2789176106452942, 0.2438540756702423, 0.23493893444538116],
};
export const FFPP_YOUTUBE_NORM: NormStats = {
  mean: [0.532625138759613, 0.4048449993133545, 0.3708747327327728],
  std: [0.25850796699523926, 0.21054500341415405, 0.20785294473171234],
};
export const IMAGENET_NORM: NormStats = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

/**
 * torchvision `ToTensor` + `Normalize`: CHW float32, `(v/255 − mean)/std`, each step rounded to float32
 * as torch computes it (so the result is bit-identical to the reference).
 */
export function toTensorNormalized(img: RgbImage, norm: NormStats, out?: Float32Array): Float32Array {
  const plane = img.width * img.height;
  const dst = out ?? new Float32Array(plane * 3);
  if (dst.length !== plane * 3)
    throw new Error(`output buffer holds ${dst.length} floats, need ${plane * 3}`);
  const f32 = Math.fround;
  for (let c = 0; c < 3; c++) {
    const m = f32(norm.mean[c]);
    const s = f32(norm.std[c]);
    // 256-entry table: the result depends only on the byte value
    const table = new Float32Array(256);
    for (let v = 0; v < 256; v++) table[v] = f32(f32(f32(v / 255) - m) / s);
    const base = c * plane;
    for (let i = 0; i < plane; i++) dst[base + i] = table[img.data[i * 3 + c]];
  }
  return dst;
}

/** `min(255, round(255·mean))` per channel: timm's fill colour for geometric augmentations. */
export function meanFillColor(norm: NormStats): [number, number, number] {
  const r = (x: number): number => Math.min(255, roundHalfEven(255 * x));
  return [r(norm.mean[0]), r(norm.mean[1]), r(norm.mean[2])];
}
