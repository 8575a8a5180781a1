// JPEG round trip of an image (sharp/libvips): the compression a face meets on its way through the web, as a
// training augmentation and as the degradation of a robustness test set.
import sharp from 'sharp';
import { createRgbImage, type RgbImage } from '../image/rgbImage.js';

/** The image encoded as JPEG at `quality` (1–100, 4:2:0 chroma as most encoders) and decoded again. */
export async function jpegReencode(img: RgbImage, quality: number): Promise<RgbImage> {
  if (!(Number.isInteger(quality) && quality >= 1 && quality <= 100))
    throw new Error(`JPEG quality must be an integer in 1..100, got ${quality}`);
  const raw = { width: img.width, height: img.height, channels: 3 as const };
  const jpeg = await sharp(img.data, { raw }).jpeg({ quality }).toBuffer();
  const { data, info } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.width !== img.width || info.height !== img.height || info.channels !== 3)
    throw new Error(`JPEG round trip gave ${info.width}x${info.height}x${info.channels}`);
  return createRgbImage(img.width, img.height, new Uint8Array(data.buffer, data.byteOffset, data.length));
}
