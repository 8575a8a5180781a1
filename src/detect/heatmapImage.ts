// Draws a patch-grid map in [0,1] over a face crop as a PNG: bilinear upsampling, a blue→red colour ramp, 50% blend.
import sharp from 'sharp';
import type { RgbImage } from '../data/image/rgbImage.js';

/** Colour ramp (blue → cyan → yellow → red) for t in [0,1]. */
function ramp(t: number): [number, number, number] {
  const stops: [number, number, number][] = [
    [30, 60, 200],
    [40, 200, 220],
    [250, 220, 50],
    [220, 40, 40],
  ];
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i]!;
  const b = stops[i + 1]!;
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

export function overlayHeatmap(crop: RgbImage, map: Float32Array, grid: number, alpha = 0.5): RgbImage {
  const { width: w, height: h } = crop;
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const gy = Math.min(grid - 1, Math.max(0, ((y + 0.5) * grid) / h - 0.5));
    const y0 = Math.floor(gy);
    const y1 = Math.min(grid - 1, y0 + 1);
    const fy = gy - y0;
    for (let x = 0; x < w; x++) {
      const gx = Math.min(grid - 1, Math.max(0, ((x + 0.5) * grid) / w - 0.5));
      const x0 = Math.floor(gx);
      const x1 = Math.min(grid - 1, x0 + 1);
      const fx = gx - x0;
      const v =
        (map[y0 * grid + x0]! * (1 - fx) + map[y0 * grid + x1]! * fx) * (1 - fy) +
        (map[y1 * grid + x0]! * (1 - fx) + map[y1 * grid + x1]! * fx) * fy;
      const c = ramp(v);
      const i = (y * w + x) * 3;
      for (let k = 0; k < 3; k++) out[i + k] = Math.round(crop.data[i + k]! * (1 - alpha) + c[k]! * alpha);
    }
  }
  return { width: w, height: h, data: out };
}

export async function pngDataUri(img: RgbImage): Promise<string> {
  const png = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .png()
    .toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}
