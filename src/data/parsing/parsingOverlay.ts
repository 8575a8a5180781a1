import sharp from 'sharp';
import type { RgbImage } from '../image/rgbImage.js';
import { LAPA_LABEL_COLOURS } from './lapaLabels.js';

/**
 * PNG of the crop with each non-background label blended in its colour (`alpha` = label weight), for looking
 * at parsing results. The map must match the crop pixel for pixel.
 */
export async function parsingOverlayPng(crop: RgbImage, map: Int8Array, alpha = 0.55): Promise<Buffer> {
  const { width, height, data } = crop;
  if (map.length !== width * height)
    throw new Error(`parsing map has ${map.length} pixels, the crop ${width * height}`);
  const out = new Uint8Array(data);
  for (let i = 0; i < map.length; i++) {
    const label = map[i];
    if (label <= 0) continue;
    const colour = LAPA_LABEL_COLOURS[label];
    if (!colour) throw new Error(`parsing map holds label ${label} at pixel ${i}; LaPa ids are 0..10`);
    for (let c = 0; c < 3; c++)
      out[3 * i + c] = Math.round((1 - alpha) * data[3 * i + c] + alpha * colour[c]);
  }
  return sharp(out, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}
