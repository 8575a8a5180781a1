// How many patches a mask removes: n_mask = floor(r·N), used by the generator AND the encoder (SPEC §9 #6),
// so every row has exactly n_mask ones and N − n_mask patches stay visible.

export function maskedPatchCount(maskRatio: number, numPatches: number): number {
  if (!(maskRatio >= 0 && maskRatio < 1)) throw new Error(`mask ratio must be in [0, 1), got ${maskRatio}`);
  // The tiny epsilon keeps e.g. 0.29·100 = 28.999999999999996 at 29 instead of 28.
  return Math.floor(maskRatio * numPatches + 1e-9);
}

/** Throws unless every one of the `rows` rows of `masks` has exactly `nMask` ones. */
export function assertRowCounts(
  masks: Uint8Array,
  rows: number,
  numPatches: number,
  nMask: number,
  what: string,
): void {
  for (let b = 0; b < rows; b++) {
    let n = 0;
    for (let k = b * numPatches; k < (b + 1) * numPatches; k++) n += masks[k]!;
    if (n !== nMask)
      throw new Error(`${what}: sample ${b} has ${n} masked patches, expected exactly ${nMask}`);
  }
}
