// CRFR-R: Covering a Random Facial Region, then Random masking (SPEC §3.6, a reconstruction from the paper):
// FR as in CRFR-P, then n_mask − |FR| patches drawn uniformly from the rest; same extreme branch.
import type { SeededRng } from '../random/seededRng.js';
import { chooseCoveredRegion, trimOversizedRegion } from './coveredRegion.js';
import { type DrawnMasks, LabelMaskStrategy, type SampleMask } from './maskStrategy.js';
import type { PatchLabels } from './patchLabels.js';
import { groupMembership } from './patchMembership.js';
import { fixUpMaskCount } from './proportionalMasking.js';

export class CrfrRMasking extends LabelMaskStrategy {
  readonly name = 'crfr-r' as const;

  protected drawBatch(labels: readonly PatchLabels[], nMask: number, rng: SeededRng): DrawnMasks {
    const covered = chooseCoveredRegion(rng, this.options.region);
    const samples = labels.map((l): SampleMask => {
      const fr = groupMembership(l, covered);
      const trimmed = trimOversizedRegion(fr, nMask, rng);
      if (trimmed) return { mask: trimmed, fr: trimmed.slice(), extreme: true };
      const mask = fr.slice();
      // The fix-up's "add visible patches" draw is exactly a uniform fill from the non-FR patches.
      fixUpMaskCount(mask, fr, nMask, rng);
      return { mask, fr, extreme: false };
    });
    return { region: covered.name, samples };
  }
}
