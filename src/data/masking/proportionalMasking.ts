// The proportional step of CRFR-P (SPEC §3.4): groups in priority order each claim their not-yet-taken
// patches and mask round-half-even(|cand|·ratio) of them; then an exact-count fix-up.
import type { SeededRng } from '../random/seededRng.js';
import type { PatchLabels } from './patchLabels.js';
import { groupMembership } from './patchMembership.js';
import type { RegionGroup } from './regionGroups.js';
import { roundHalfEven } from './roundHalfEven.js';

export interface GroupAllocation {
  group: RegionGroup;
  /** Patches this group claimed (its members not taken by an earlier group or the covered region). */
  candidates: number;
  /** How many of them were masked. */
  masked: number;
}

/**
 * Masks (sets to 1 in `mask`) round-half-even(|cand|·ratio) (float32 product) random patches of each group of `order`, where
 * cand = members of the group not yet in `taken`; `taken` grows by the whole cand set after each group.
 * Mutates `mask` and `taken`.
 */
export function maskProportionally(
  patchLabels: PatchLabels,
  order: readonly RegionGroup[],
  taken: Uint8Array,
  mask: Uint8Array,
  ratio: number,
  rng: SeededRng,
): GroupAllocation[] {
  const out: GroupAllocation[] = [];
  const ratio32 = Math.fround(ratio);
  for (const group of order) {
    const member = groupMembership(patchLabels, group);
    const cand: number[] = [];
    for (let k = 0; k < member.length; k++) if (member[k] === 1 && taken[k] === 0) cand.push(k);
    // The official code holds ratio and |cand|·ratio in float32 tensors before torch.round (half to even);
    // float32 decides which products are exact ties.
    const n = Math.min(cand.length, roundHalfEven(Math.fround(cand.length * ratio32)));
    for (const k of rng.sampleWithoutReplacement(cand, n)) mask[k] = 1;
    for (const k of cand) taken[k] = 1;
    out.push({ group, candidates: cand.length, masked: n });
  }
  return out;
}

/**
 * Brings `mask` to exactly `nMask` ones: adds random visible patches, or removes random masked patches
 * outside `fr` (the covered region is never unmasked). Mutates `mask`.
 */
export function fixUpMaskCount(mask: Uint8Array, fr: Uint8Array, nMask: number, rng: SeededRng): void {
  let count = 0;
  for (let k = 0; k < mask.length; k++) count += mask[k]!;
  const k2 = nMask - count;
  if (k2 === 0) return;
  const pool: number[] = [];
  if (k2 > 0) {
    for (let k = 0; k < mask.length; k++) if (mask[k] === 0) pool.push(k);
  } else {
    for (let k = 0; k < mask.length; k++) if (mask[k] === 1 && fr[k] === 0) pool.push(k);
  }
  const want = Math.abs(k2);
  if (pool.length < want)
    throw new Error(`mask fix-up needs ${want} patches but only ${pool.length} are eligible`);
  const value = k2 > 0 ? 1 : 0;
  for (const k of rng.sampleWithoutReplacement(pool, want)) mask[k] = value;
}
