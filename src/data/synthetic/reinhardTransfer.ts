import { createRgbImage, type RgbImage } from '../image/rgbImage.js';
import { labToRgb, rgbToLab } from './labColour.js';

/** Per-channel Lab mean and standard deviation over the masked pixels of an image. */
export interface LabStats {
  mean: [number, number, number];
  std: [number, number, number];
  pixels: number;
}

export function labStats(img: RgbImage, region: Uint8Array): LabStats {
  const lab = new Float64Array(3);
  const sum = [0, 0, 0];
  const sq = [0, 0, 0];
  let n = 0;
  for (let i = 0; i < region.length; i++) {
    if (!region[i]) continue;
    rgbToLab(img.data[i * 3]!, img.data[i * 3 + 1]!, img.data[i * 3 + 2]!, lab, 0);
    for (let c = 0; c < 3; c++) {
      sum[c]! += lab[c]!;
      sq[c]! += lab[c]! * lab[c]!;
    }
    n++;
  }
  if (n === 0) throw new Error('colour statistics of an empty region');
  const mean = sum.map((s) => s / n) as [number, number, number];
  const std = sq.map((s, c) => Math.sqrt(Math.max(0, s / n - mean[c]! ** 2))) as [number, number, number];
  return { mean, std, pixels: n };
}

/**
 * Reinhard et al. colour transfer in Lab: inside `region`, each channel of `img` is shifted and scaled so its
 * mean and standard deviation match `to` (`from` = the statistics of `img` over the same region). Pixels
 * outside the region are copied. The std ratio is capped so a flat source region does not explode.
 */
export function reinhardTransfer(
  img: RgbImage,
  region: Uint8Array,
  from: LabStats,
  to: LabStats,
  maxGain = 3,
): RgbImage {
  const out = img.data.slice();
  const gain = from.std.map((s, c) => Math.min(maxGain, to.std[c]! / Math.max(s, 1e-6)));
  const lab = new Float64Array(3);
  for (let i = 0; i < region.length; i++) {
    if (!region[i]) continue;
    rgbToLab(img.data[i * 3]!, img.data[i * 3 + 1]!, img.data[i * 3 + 2]!, lab, 0);
    const rgb = labToRgb(
      (lab[0]! - from.mean[0]) * gain[0]! + to.mean[0],
      (lab[1]! - from.mean[1]) * gain[1]! + to.mean[1],
      (lab[2]! - from.mean[2]) * gain[2]! + to.mean[2],
    );
    for (let c = 0; c < 3; c++) {
      const v = Math.round(rgb[c]!);
      out[i * 3 + c] = v < 0 ? 0 : Math.min(v, 255);
    }
  }
  return createRgbImage(img.width, img.height, out);
}
