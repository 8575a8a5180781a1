// CRFR-P: Covering a Random Facial Region, then Proportional masking — exactly SPEC §3.4.
import type { SeededRng } from '../random/seededRng.js';
import { chooseCoveredRegion, trimOversizedRegion } from './coveredRegion.js';
import { type DrawnMasks, LabelMaskStrategy, type SampleMask } from './maskStrategy.js';
import type { PatchLabels } from './patchLabels.js';
import { countOnes, groupMembership } from './patchMembership.js';
import { fixUpMaskCount, maskProportionally } from './proportionalMasking.js';
import { REGION_GROUPS } from './regionGroups.js';

export class CrfrPMasking extends LabelMaskStrategy {
  readonly name = 'crfr-p' as const;

  protected drawBatch(labels: readonly PatchLabels[], nMask: number, rng: SeededRng): DrawnMasks {
    const covered = chooseCoveredRegion(rng, this.options.region);
    // The other 7 groups, still in the fixed order.
    const order = REGION_GROUPS.filter((g) => g.index !== covered.index);
    const frs = labels.map((l) => groupMembership(l, covered));
    const samples = labels.map((l, i): SampleMask => {
      const fr = frs[i]!;
      const trimmed = trimOversizedRegion(fr, nMask, rng);
      if (trimmed) return { mask: trimmed, fr: trimmed.slice(), extreme: true };
      const N = fr.length;
      const frSize = countOnes(fr);
      const ratio = (nMask - frSize) / (N - frSize);
      const mask = fr.slice();
      maskProportionally(l, order, fr.slice(), mask, ratio, rng);
      fixUpMaskCount(mask, fr, nMask, rng);
      return { mask, fr, extreme: false };
    });
    return { region: covered.name, samples };
  }
}
