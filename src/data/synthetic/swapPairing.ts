// Which identity lends its face to which target in `fsvfm fakes --kind swap`. Pairs never share an
// identity, and every choice follows from the run seed and the target's name (independent of run order).
import { SeededRng } from '../random/seededRng.js';
import { identityOf, sampleSeed } from './fakeNaming.js';

/**
 * random: each sample draws a source identity uniformly among the others.
 * cycle: identities are put in a seeded random order; the k-th sample of an identity takes the
 * (k+1)-th identity after it in that ring, so every identity lends its face about equally often.
 */
export type PairingRule = 'random' | 'cycle';
export const PAIRING_RULES: readonly PairingRule[] = ['random', 'cycle'];

export class SwapPairing {
  private readonly byIdentity = new Map<string, string[]>();
  private readonly ring: string[];
  private readonly position = new Map<string, number>();

  constructor(
    relPaths: readonly string[],
    private readonly rule: PairingRule,
    private readonly seed: number,
  ) {
    for (const p of relPaths) {
      const id = identityOf(p);
      const list = this.byIdentity.get(id);
      if (list) list.push(p);
      else this.byIdentity.set(id, [p]);
    }
    if (this.byIdentity.size < 2)
      throw new Error(
        `face swap needs images of at least 2 identities (video ids, the name up to "_frame_"); found ${this.byIdentity.size}`,
      );
    this.ring = new SeededRng(sampleSeed(seed, 'identity-ring')).shuffle([...this.byIdentity.keys()].sort());
    for (const [i, id] of this.ring.entries()) this.position.set(id, i);
  }

  get identities(): number {
    return this.byIdentity.size;
  }

  /**
   * The source image for sample `k` of target `relPath`. `attempt` > 0 gives the fallback choices used
   * when an earlier source had no usable face (the next identity in the ring, or a fresh random draw).
   */
  sourceFor(relPath: string, k: number, attempt = 0): string {
    const id = identityOf(relPath);
    const rng = new SeededRng(sampleSeed(this.seed, 'pair', relPath, k, ...(attempt ? [attempt] : [])));
    let sourceId: string;
    if (this.rule === 'cycle') {
      const m = this.ring.length;
      const step = 1 + ((k + attempt) % (m - 1));
      sourceId = this.ring[(this.position.get(id)! + step) % m]!;
    } else {
      const others = this.ring.filter((x) => x !== id);
      sourceId = rng.choice(others);
    }
    return rng.choice(this.byIdentity.get(sourceId)!);
  }
}
