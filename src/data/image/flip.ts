import { createRgbImage, type RgbImage } from './rgbImage.js';

/** Mirror left↔right (PIL `FLIP_LEFT_RIGHT`, torchvision `hflip`). */
export function flipHorizontal(img: RgbImage): RgbImage {
  const { width, height, data } = img;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y++) {
    const row = y * width * 3;
    for (let x = 0; x < width; x++) {
      const s = row + x * 3;
      const d = row + (width - 1 - x) * 3;
      out[d] = data[s];
      out[d + 1] = data[s + 1];
      out[d + 2] = data[s + 2];
    }
  }
  return createRgbImage(width, height, out);
}

/** Rotate by 180° (PIL `ROTATE_180`): exact, no resampling. */
export function rotate180(img: RgbImage): RgbImage {
  const n = img.width * img.height;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const j = (n - 1 - i) * 3;
    out[j] = img.data[i * 3];
    out[j + 1] = img.data[i * 3 + 1];
    out[j + 2] = img.data[i * 3 + 2];
  }
  return createRgbImage(img.width, img.height, out);
}

/** Transpose-based quarter turns (PIL `ROTATE_90` = counter-clockwise, `ROTATE_270` = clockwise). */
export function rotateQuarter(img: RgbImage, counterClockwise: boolean): RgbImage {
  const { width: w, height: h } = img;
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // output is h wide, w high
      const ox = counterClockwise ? y : h - 1 - y;
      const oy = counterClockwise ? w - 1 - x : x;
      const s = (y * w + x) * 3;
      const d = (oy * h + ox) * 3;
      out[d] = img.data[s];
      out[d + 1] = img.data[s + 1];
      out[d + 2] = img.data[s + 2];
    }
  }
  return createRgbImage(h, w, out);
}
