// Reading one pre-training sample: the face decoded to RGB at the model's input size, and its parsing map.
import { readFileSync } from 'node:fs';
import { decodeNpy } from '../../io/npy.js';
import { resizeRgb } from '../image/resize.js';
import type { RgbImage } from '../image/rgbImage.js';
import { type ParsingMap, parsingMapFromNpy } from '../masking/parsingMap.js';
import { decodeImage } from '../media/decodeImage.js';

/**
 * ToTensor → Resize((size, size), bicubic) of the official transform: a no-op for the 224² crops the face
 * pipeline writes; other sizes are resized on the 8-bit image (PIL-style bicubic).
 */
export async function readFace(path: string, size: number): Promise<RgbImage> {
  const { image } = await decodeImage(path);
  return image.width === size && image.height === size ? image : resizeRgb(image, size, size, 'bicubic');
}

export function readParsingMap(path: string, size: number): ParsingMap {
  const map = parsingMapFromNpy(decodeNpy(readFileSync(path), path), path);
  if (map.height !== size || map.width !== size)
    throw new Error(
      `${path}: parsing map is ${map.width}x${map.height}, the model input is ${size}x${size}; re-run the face parser at ${size} px`,
    );
  return map;
}
