// Random patch masking as in MAE (SPEC §3.6): a uniformly random n_mask-subset per sample; FR empty.
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

export class RandomMasking implements MaskStrategy {
  readonly name = 'random' as const;
  constructor(readonly options: Readonly<MaskOptions>) {}

  generate(maps: readonly ParsingMap[], rng: SeededRng): MaskBatch {
    return this.generateFromLabels(labelsOf(maps, this.options.patchSize), rng);
  }

  generateFromLabels(labels: readonly PatchLabels[], rng: SeededRng): MaskBatch {
    return runStrategy(this.name, this.options, labels, (nMask) => {
      const samples = labels.map((l): SampleMask => {
        const N = l.grid.count;
        const mask = new Uint8Array(N);
        for (const k of rng.sampleWithoutReplacement(rangeOf(N), nMask)) mask[k] = 1;
        return { mask, fr: new Uint8Array(N), extreme: false };
      });
      return { region: null, samples };
    });
  }
}

function rangeOf(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
