/**
 * An 8-bit RGB image, rows top to bottom, pixels interleaved R,G,B (what a decoded PNG holds, HWC).
 * Every module of the data layer exchanges images in this form.
 */
export interface RgbImage {
  width: number;
  height: number;
  /** length = width * height * 3 */
  data: Uint8Array;
}

export function createRgbImage(width: number, height: number, data?: Uint8Array): RgbImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new Error(`image size must be positive integers, got ${width}x${height}`);
  }
  const buf = data ?? new Uint8Array(width * height * 3);
  if (buf.length !== width * height * 3) {
    throw new Error(`RGB buffer has ${buf.length} bytes, ${width}x${height} needs ${width * height * 3}`);
  }
  return { width, height, data: buf };
}
