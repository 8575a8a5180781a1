// The per-domain balanced real/spoof batch sampler of the FAS scripts (SPEC §5.5): every iteration takes one batch of
// real and one of spoof frames from each source domain, from separate shuffled drop-last loaders that start over when
// exhausted; order [d1_real, d1_fake, d2_real, d2_fake, …], labels real = 1, spoof = 0.
import type { LabeledSample } from '../../data/folders/index.js';
import { SeededRng } from '../../data/random/seededRng.js';
import type { FasDomain } from './fasSources.js';

interface Loader {
  samples: LabeledSample[];
  /** passes started so far (the shuffle of pass k is a function of seed, loader and k) */
  pass: number;
  pos: number;
  order: Int32Array;
}

/** JSON-serialisable position of every loader. */
export interface SamplerState {
  loaders: { pass: number; pos: number }[];
}

export class BalancedDomainSampler {
  private readonly loaders: Loader[];

  constructor(
    domains: readonly FasDomain[],
    readonly perClass: number,
    private readonly seed: number,
  ) {
    if (!Number.isInteger(perClass) || perClass < 1)
      throw new Error(`batch per (domain, class) must be ≥ 1, got ${perClass}`);
    this.loaders = domains
      .flatMap((d) => [d.real, d.fake])
      .map((samples, i) => {
        if (samples.length < perClass)
          throw new Error(
            `FAS domain '${domains[i >> 1]!.name}' has ${samples.length} ${i % 2 ? 'fake' : 'real'} image(s), fewer than the batch per class ${perClass}`,
          );
        return { samples, pass: 0, pos: 0, order: this.shuffle(i, 0, samples.length) };
      });
  }

  private shuffle(loader: number, pass: number, n: number): Int32Array {
    return new SeededRng(this.seed * 1_000_003 + loader * 10_007 + pass).randperm(n);
  }

  get batchSize(): number {
    return this.loaders.length * this.perClass;
  }

  /** The next iteration's samples with labels (real 1, spoof 0). */
  next(): LabeledSample[] {
    const out: LabeledSample[] = [];
    this.loaders.forEach((l, i) => {
      if (l.pos + this.perClass > l.samples.length) {
        l.pass++;
        l.pos = 0;
        l.order = this.shuffle(i, l.pass, l.samples.length);
      }
      for (let k = 0; k < this.perClass; k++) {
        const s = l.samples[l.order[l.pos + k]!]!;
        out.push({ path: s.path, label: i % 2 === 0 ? 1 : 0 });
      }
      l.pos += this.perClass;
    });
    return out;
  }

  getState(): SamplerState {
    return { loaders: this.loaders.map((l) => ({ pass: l.pass, pos: l.pos })) };
  }

  setState(s: SamplerState): void {
    if (s.loaders.length !== this.loaders.length) throw new Error('sampler state does not match the domains');
    s.loaders.forEach((st, i) => {
      const l = this.loaders[i]!;
      l.pass = st.pass;
      l.pos = st.pos;
      l.order = this.shuffle(i, st.pass, l.samples.length);
    });
  }
}
