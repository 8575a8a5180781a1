// Facial-region (parsing-guided) masking without a covered region (SPEC §3.6, a reconstruction): every
// region group loses the same fraction r of its patches (priority partition as in CRFR-P), then the
// exact-count fix-up. FR is empty, so the SFR loss is off.
import type { SeededRng } from '../random/seededRng.js';
import { LabelMaskStrategy, type SampleMask } from './maskStrategy.js';
import type { PatchLabels } from './patchLabels.js';
import { fixUpMaskCount, maskProportionally } from './proportionalMasking.js';
import { REGION_GROUPS, type RegionName } from './regionGroups.js';

export class FacialRegionMasking extends LabelMaskStrategy {
  readonly name = 'facial-region' as const;

  protected drawBatch(
    labels: readonly PatchLabels[],
    nMask: number,
    rng: SeededRng,
  ): { region: RegionName | null; samples: SampleMask[] } {
    const samples = labels.map((l): SampleMask => {
      const N = l.grid.count;
      const fr = new Uint8Array(N);
      const mask = new Uint8Array(N);
      maskProportionally(l, REGION_GROUPS, new Uint8Array(N), mask, this.options.maskRatio, rng);
      fixUpMaskCount(mask, fr, nMask, rng);
      return { mask, fr, extreme: false };
    });
    return { region: null, samples };
  }
}
