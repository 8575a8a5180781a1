// Still-image decoding through sharp (libvips): EXIF orientation applied, alpha dropped, any colour
// space (grey, CMYK, 16-bit) converted to 8-bit sRGB, with a pixel limit checked before decoding.
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { createRgbImage, type RgbImage } from '../image/rgbImage.js';

export interface DecodeImageOptions {
  /** Largest accepted width × height, checked from the header before any pixel is decoded. */
  maxPixels?: number;
}

export interface DecodedImage {
  image: RgbImage;
  /** Container format as sharp names it: jpeg, png, webp, tiff, ... */
  format: string;
  /** Non-fatal remarks, e.g. an image too small to hold a face. */
  warnings: string[];
}

/** 100 megapixels: a 10000×10000 scan decodes (300 MB), a 30000×30000 one is refused. */
export const DEFAULT_MAX_PIXELS = 100_000_000;
/** Below this side length no detector finds a face; such images decode but are flagged. */
export const TINY_IMAGE_SIDE = 16;

export async function decodeImage(
  input: string | Buffer,
  opts: DecodeImageOptions = {},
): Promise<DecodedImage> {
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  const name = typeof input === 'string' ? input : 'image buffer';
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw new Error(`${name}: not an image sharp can read (${errorText(err)})`);
  }
  const { width, height } = meta;
  if (!width || !height) throw new Error(`${name}: image header has no size`);
  if (width * height > maxPixels) {
    throw new Error(
      `${name}: image is ${width}x${height} (${((width * height) / 1e6).toFixed(0)} MP), over the ${(maxPixels / 1e6).toFixed(0)} MP limit; downscale it first`,
    );
  }
  let raw: { data: Buffer; info: OutputInfo };
  try {
    // removeAlpha drops the alpha channel as PIL's convert('RGB') and cv2.imread do (no compositing).
    raw = await sharp(input, { limitInputPixels: false, failOn: 'error' })
      .rotate()
      .toColourspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new Error(`${name}: image data is damaged or truncated (${errorText(err)})`);
  }
  const { info } = raw;
  if (info.channels !== 3) throw new Error(`${name}: decoded to ${info.channels} channels, expected RGB`);
  const data = new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength);
  const warnings: string[] = [];
  if (info.width < TINY_IMAGE_SIDE || info.height < TINY_IMAGE_SIDE) {
    warnings.push(`tiny image (${info.width}x${info.height}): too small to contain a detectable face`);
  }
  return { image: createRgbImage(info.width, info.height, data), format: meta.format ?? 'unknown', warnings };
}

function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}
