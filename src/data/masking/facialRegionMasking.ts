// Facial-region (parsing-guided) masking without a covered region (SPEC §3.6, a reconstruction): every
// region group loses the same fraction r of its patches (priority partition as in CRFR-P), then the
// exact-count fix-up. FR is empty, so the SFR loss is off.
import type { SeededRng } from '../random/seededRng.js';
import { type DrawnMasks, LabelMaskStrategy, regionlessDraw } from './maskStrategy.js';
import type { PatchLabels } from './patchLabels.js';
import { fixUpMaskCount, maskProportionally } from './proportionalMasking.js';
import { REGION_GROUPS } from './regionGroups.js';

export class FacialRegionMasking extends LabelMaskStrategy {
  readonly name = 'facial-region' as const;

  protected drawBatch(labels: readonly PatchLabels[], nMask: number, rng: SeededRng): DrawnMasks {
    return regionlessDraw(labels, (l) => {
      const N = l.grid.count;
      const mask = new Uint8Array(N);
      maskProportionally(l, REGION_GROUPS, new Uint8Array(N), mask, this.options.maskRatio, rng);
      fixUpMaskCount(mask, new Uint8Array(N), nMask, rng);
      return mask;
    });
  }
}
