/**
 * A single-channel float image (row-major, width × height), values in [0, 1]: the blend masks of the
 * synthetic-fake generators. 0 keeps the target pixel exactly, 1 takes the source pixel.
 */
export interface FloatMask {
  width: number;
  height: number;
  data: Float32Array;
}

export function createFloatMask(width: number, height: number, data?: Float32Array): FloatMask {
  const buf = data ?? new Float32Array(width * height);
  if (buf.length !== width * height)
    throw new Error(`mask buffer has ${buf.length} values, ${width}x${height} needs ${width * height}`);
  return { width, height, data: buf };
}

/** A binary raster (0/1 bytes) as a float mask. */
export function maskFromBinary(width: number, height: number, bits: Uint8Array): FloatMask {
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = bits[i] ? 1 : 0;
  return createFloatMask(width, height, out);
}

/** Pixels with a value above `threshold` as 0/1 bytes. */
export function binaryFromMask(mask: FloatMask, threshold = 0): Uint8Array {
  const out = new Uint8Array(mask.data.length);
  for (let i = 0; i < out.length; i++) out[i] = mask.data[i]! > threshold ? 1 : 0;
  return out;
}

/** Every value multiplied by `k` (the SBI blend ratio). */
export function scaleMask(mask: FloatMask, k: number): FloatMask {
  const out = new Float32Array(mask.data.length);
  for (let i = 0; i < out.length; i++) out[i] = mask.data[i]! * k;
  return createFloatMask(mask.width, mask.height, out);
}
