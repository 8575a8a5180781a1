// A face-parsing map (LaPa label per pixel), and its validation from a .npy array.
import type { NpyArray } from '../../io/npy.js';
import { LAPA_LABEL_NAMES } from '../parsing/lapaLabels.js';

const LAPA_LABEL_COUNT = LAPA_LABEL_NAMES.length;

export interface ParsingMap {
  height: number;
  width: number;
  /** Row-major labels, length height*width. */
  labels: ArrayLike<number>;
}

const INTEGER_DTYPES = new Set(['int8', 'uint8', 'int16', 'int32', 'int64']);

/**
 * Accepts `[1,H,W]` (what the pretraining pipeline saves) or `[H,W]` integer arrays with labels 0..10;
 * throws an Error naming `source` and what is wrong otherwise.
 */
export function parsingMapFromNpy(arr: NpyArray, source: string): ParsingMap {
  if (!INTEGER_DTYPES.has(arr.dtype)) {
    throw new Error(
      `${source}: parsing map must hold integer labels (int8 as saved by the face parser), got dtype ${arr.dtype}`,
    );
  }
  const shape = arr.shape;
  const squeezed = shape.length === 3 && shape[0] === 1 ? shape.slice(1) : shape;
  if (squeezed.length !== 2 || squeezed[0]! < 1 || squeezed[1]! < 1) {
    throw new Error(`${source}: parsing map must have shape [1,H,W] or [H,W], got [${shape.join(',')}]`);
  }
  const [height, width] = squeezed as [number, number];
  // int64 maps become plain numbers; out-of-range values stay out of range and are rejected below.
  const labels: ArrayLike<number> =
    arr.data instanceof BigInt64Array ? Float64Array.from(arr.data, Number) : arr.data;
  const map: ParsingMap = { height, width, labels };
  assertLabelsInRange(map, source);
  return map;
}

export function assertLabelsInRange(map: ParsingMap, source = 'parsing map'): void {
  if (map.labels.length !== map.height * map.width) {
    throw new Error(`${source}: ${map.labels.length} labels for a ${map.height}x${map.width} map`);
  }
  const labels = map.labels;
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (!(v >= 0 && v < LAPA_LABEL_COUNT) || !Number.isInteger(v)) throw labelError(source, v);
  }
}

function labelError(source: string, v: number): Error {
  return new Error(`${source}: label ${v} is outside the LaPa range 0..${LAPA_LABEL_COUNT - 1}`);
}
