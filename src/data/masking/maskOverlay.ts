// Pictures of a mask: masked patches greyed, the covered (SFR) region tinted, visible patches untouched.
import { createRgbImage, type RgbImage } from '../image/rgbImage.js';
import { LAPA_LABEL_COLOURS } from '../parsing/lapaLabels.js';
import type { ParsingMap } from './parsingMap.js';
import type { PatchGrid } from './patchGrid.js';

const GREY = 128;
const TINT: readonly [number, number, number] = [235, 50, 50];
/** How much of the face shows through a greyed / tinted patch. */
const KEEP_MASKED = 0.3;
const KEEP_TINTED = 0.45;

/**
 * `base` must have the parsing map's size; `mask`/`sfr` are one row (N patches) of a MaskBatch.
 */
export function maskOverlay(
  base: RgbImage,
  mask: ArrayLike<number>,
  sfr: ArrayLike<number>,
  grid: PatchGrid,
): RgbImage {
  const { width, height, data } = base;
  if (width !== grid.cols * grid.patchSize || height !== grid.rows * grid.patchSize) {
    throw new Error(
      `overlay: a ${width}x${height} image does not match the ${grid.rows}x${grid.cols} grid of ${grid.patchSize}-px patches`,
    );
  }
  const out = new Uint8Array(data);
  for (let y = 0; y < height; y++) {
    const rowBase = Math.floor(y / grid.patchSize) * grid.cols;
    for (let x = 0; x < width; x++) {
      const k = rowBase + Math.floor(x / grid.patchSize);
      if (mask[k] !== 1) continue;
      const i = 3 * (y * width + x);
      const tinted = sfr[k] === 1;
      for (let c = 0; c < 3; c++) {
        out[i + c] = tinted
          ? Math.round(KEEP_TINTED * data[i + c]! + (1 - KEEP_TINTED) * TINT[c]!)
          : Math.round(KEEP_MASKED * data[i + c]! + (1 - KEEP_MASKED) * GREY);
      }
    }
  }
  return createRgbImage(width, height, out);
}

/** The parsing map drawn in the LaPa label colours (used when there is no face image). */
export function parsingColourImage(map: ParsingMap): RgbImage {
  const out = new Uint8Array(map.width * map.height * 3);
  for (let i = 0; i < map.labels.length; i++) {
    const colour = LAPA_LABEL_COLOURS[map.labels[i]!] ?? [0, 0, 0];
    out[3 * i] = colour[0];
    out[3 * i + 1] = colour[1];
    out[3 * i + 2] = colour[2];
  }
  return createRgbImage(map.width, map.height, out);
}
