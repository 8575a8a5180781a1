// Host-side index tables for a batch of binary patch masks (1 = masked): a stable ascending argsort of the mask,
// i.e. visible patches first in increasing index, then masked ones (SPEC §1.4.1, §10.2).

export interface MaskIndices {
  /** [B, nKeep] visible patch indices, increasing */
  idsKeep: BigInt64Array;
  /** [B, L] position of each patch in [visible…, masked…] order */
  idsRestore: BigInt64Array;
  nKeep: number;
}

export function maskIndices(
  masks: ArrayLike<number>,
  batch: number,
  numPatches: number,
  nKeep: number,
): MaskIndices {
  const idsKeep = new BigInt64Array(batch * nKeep);
  const idsRestore = new BigInt64Array(batch * numPatches);
  for (let b = 0; b < batch; b++) {
    const order: number[] = [];
    for (let k = 0; k < numPatches; k++) if (!masks[b * numPatches + k]) order.push(k);
    if (order.length !== nKeep) {
      throw new Error(
        `mask row ${b} has ${order.length} visible patches, the encoder keeps ${nKeep}: every row needs exactly ${numPatches - nKeep} masked patches`,
      );
    }
    for (let k = 0; k < numPatches; k++) if (masks[b * numPatches + k]) order.push(k);
    order.forEach((patch, pos) => {
      if (pos < nKeep) idsKeep[b * nKeep + pos] = BigInt(patch);
      idsRestore[b * numPatches + patch] = BigInt(pos);
    });
  }
  return { idsKeep, idsRestore, nKeep };
}
