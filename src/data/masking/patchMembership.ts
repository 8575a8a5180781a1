// Patch-level region membership (SPEC §3.3): max-pool of the label indicator over each patch; the facial
// boundary is skin AND (hair OR background) at patch level.
import { LapaLabel as Label } from '../parsing/lapaLabels.js';
import type { ParsingMap } from './parsingMap.js';
import { type PatchLabels, patchLabelSets } from './patchLabels.js';
import { REGION_GROUPS, type RegionGroup } from './regionGroups.js';

const SKIN_BIT = 1 << Label.skin;
const HAIR_OR_BG_BITS = (1 << Label.hair) | (1 << Label.background);

function groupBits(group: RegionGroup): number {
  return group.labels.reduce((bits, l) => bits | (1 << l), 0);
}

/** Membership of one group as a 0/1 vector over the patches. */
export function groupMembership(patchLabels: PatchLabels, group: RegionGroup): Uint8Array {
  const { sets } = patchLabels;
  const out = new Uint8Array(sets.length);
  if (group.rule === 'boundary') {
    for (let k = 0; k < sets.length; k++)
      out[k] = (sets[k]! & SKIN_BIT) !== 0 && (sets[k]! & HAIR_OR_BG_BITS) !== 0 ? 1 : 0;
  } else {
    const bits = groupBits(group);
    for (let k = 0; k < sets.length; k++) out[k] = (sets[k]! & bits) !== 0 ? 1 : 0;
  }
  return out;
}

/** Membership vectors of `groups` (all 8 by default, in order) for one parsing map. */
export function patchMembership(
  map: ParsingMap | PatchLabels,
  patchSize: number,
  groups: readonly RegionGroup[] = REGION_GROUPS,
): Uint8Array[] {
  const labels = 'sets' in map ? map : patchLabelSets(map, patchSize);
  if (labels.grid.patchSize !== patchSize)
    throw new Error(`patch labels were built for patch ${labels.grid.patchSize}, not ${patchSize}`);
  return groups.map((g) => groupMembership(labels, g));
}

export function countOnes(v: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i]!;
  return n;
}
