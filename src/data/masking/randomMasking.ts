// Random patch masking as in MAE (SPEC §3.6): a uniformly random n_mask-subset per sample; FR empty.
import type { SeededRng } from '../random/seededRng.js';
import { LabelMaskStrategy, type SampleMask } from './maskStrategy.js';
import type { PatchLabels } from './patchLabels.js';
import type { RegionName } from './regionGroups.js';

export class RandomMasking extends LabelMaskStrategy {
  readonly name = 'random' as const;

  protected drawBatch(
    labels: readonly PatchLabels[],
    nMask: number,
    rng: SeededRng,
  ): { region: RegionName | null; samples: SampleMask[] } {
    const samples = labels.map((l): SampleMask => {
      const N = l.grid.count;
      const mask = new Uint8Array(N);
      for (const k of rng.sampleWithoutReplacement(rangeOf(N), nMask)) mask[k] = 1;
      return { mask, fr: new Uint8Array(N), extreme: false };
    });
    return { region: null, samples };
  }
}

function rangeOf(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
