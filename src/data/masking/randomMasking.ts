// Random patch masking as in MAE (SPEC §3.6): a uniformly random n_mask-subset per sample; FR empty.
import type { SeededRng } from '../random/seededRng.js';
import { type DrawnMasks, LabelMaskStrategy, regionlessDraw } from './maskStrategy.js';
import type { PatchLabels } from './patchLabels.js';

export class RandomMasking extends LabelMaskStrategy {
  readonly name = 'random' as const;

  protected drawBatch(labels: readonly PatchLabels[], nMask: number, rng: SeededRng): DrawnMasks {
    return regionlessDraw(labels, (l) => {
      const mask = new Uint8Array(l.grid.count);
      for (const k of rng.sampleWithoutReplacement(rangeOf(l.grid.count), nMask)) mask[k] = 1;
      return mask;
    });
  }
}

function rangeOf(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
