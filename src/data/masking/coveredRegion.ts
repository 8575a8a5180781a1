// Covering a random facial region (the "CRFR" of CRFR-P / CRFR-R): one region per batch, its membership
// is the SFR mask; when it has >= n_mask patches the "extreme" branch trims it (SPEC §3.4).
import type { SeededRng } from '../random/seededRng.js';
import { countOnes } from './patchMembership.js';
import { COVERABLE_REGIONS, type RegionGroup, type RegionName, regionGroup } from './regionGroups.js';

/** One region for the whole batch (SPEC §9 #7), uniform over the 6 coverable groups unless forced. */
export function chooseCoveredRegion(rng: SeededRng, forced?: RegionName): RegionGroup {
  if (forced !== undefined) {
    const g = regionGroup(forced);
    if (!g.coverable)
      throw new Error(
        `region '${forced}' cannot be the covered region (only ${COVERABLE_REGIONS.map((r) => r.name).join(', ')})`,
      );
    return g;
  }
  return COVERABLE_REGIONS[rng.int(COVERABLE_REGIONS.length)]!;
}

/**
 * Extreme branch: the mask is a uniformly random n_mask-subset of FR, and FR becomes that mask.
 * Returns null when |FR| < n_mask (the normal branch applies).
 */
export function trimOversizedRegion(fr: Uint8Array, nMask: number, rng: SeededRng): Uint8Array | null {
  const size = countOnes(fr);
  if (nMask - size >= 1) return null;
  const mask = fr.slice();
  const members: number[] = [];
  for (let k = 0; k < fr.length; k++) if (fr[k] === 1) members.push(k);
  for (const k of rng.sampleWithoutReplacement(members, size - nMask)) mask[k] = 0;
  return mask;
}
