// Facial-region (parsing-guided) masking without a covered region (SPEC §3.6, a reconstruction): every
// region group loses the same fraction r of its patches (priority partition as in CRFR-P), then the
// exact-count fix-up. FR is empty, so the SFR loss is off.
import type { SeededRng } from '../random/seededRng.js';
import {
  labelsOf,
  type MaskBatch,
  type MaskOptions,
  type MaskStrategy,
  runStrategy,
  type SampleMask,
} from './maskStrategy.js';
import type { ParsingMap } from './parsingMap.js';
import type { PatchLabels } from './patchLabels.js';
import { fixUpMaskCount, maskProportionally } from './proportionalMasking.js';
import { REGION_GROUPS } from './regionGroups.js';

export class FacialRegionMasking implements MaskStrategy {
  readonly name = 'facial-region' as const;
  constructor(readonly options: Readonly<MaskOptions>) {}

  generate(maps: readonly ParsingMap[], rng: SeededRng): MaskBatch {
    return this.generateFromLabels(labelsOf(maps, this.options.patchSize), rng);
  }

  generateFromLabels(labels: readonly PatchLabels[], rng: SeededRng): MaskBatch {
    return runStrategy(this.name, this.options, labels, (nMask) => {
      const samples = labels.map((l): SampleMask => {
        const N = l.grid.count;
        const fr = new Uint8Array(N);
        const mask = new Uint8Array(N);
        maskProportionally(l, REGION_GROUPS, new Uint8Array(N), mask, this.options.maskRatio, rng);
        fixUpMaskCount(mask, fr, nMask, rng);
        return { mask, fr, extreme: false };
      });
      return { region: null, samples };
    });
  }
}
