// The 8 facial region groups of CRFR-P, in their fixed order (SPEC §3.2). The order decides the priority
// partition of the proportional masking, so never reorder this list.
import { LapaLabel as Label } from '../parsing/lapaLabels.js';

export type RegionName =
  | 'eyebrows'
  | 'eyes'
  | 'nose'
  | 'mouth'
  | 'facial_boundary'
  | 'hair'
  | 'facial_skin'
  | 'background';

export interface RegionGroup {
  index: number;
  name: RegionName;
  /** Label ids whose presence anywhere in a patch makes it a member ('any' rule). */
  labels: readonly number[];
  /** 'boundary': member iff the patch holds skin AND (hair OR background). */
  rule: 'any' | 'boundary';
  /** Whether CRFR-P may pick it as the covered region. */
  coverable: boolean;
}

export const REGION_GROUPS: readonly RegionGroup[] = [
  {
    index: 0,
    name: 'eyebrows',
    labels: [Label.rightBrow, Label.leftBrow],
    rule: 'any',
    coverable: true,
  },
  { index: 1, name: 'eyes', labels: [Label.rightEye, Label.leftEye], rule: 'any', coverable: true },
  { index: 2, name: 'nose', labels: [Label.nose], rule: 'any', coverable: true },
  {
    index: 3,
    name: 'mouth',
    labels: [Label.upperLip, Label.innerMouth, Label.lowerLip],
    rule: 'any',
    coverable: true,
  },
  {
    index: 4,
    name: 'facial_boundary',
    labels: [Label.hair, Label.skin, Label.background],
    rule: 'boundary',
    coverable: true,
  },
  { index: 5, name: 'hair', labels: [Label.hair], rule: 'any', coverable: true },
  { index: 6, name: 'facial_skin', labels: [Label.skin], rule: 'any', coverable: false },
  { index: 7, name: 'background', labels: [Label.background], rule: 'any', coverable: false },
];

export const REGION_NAMES: readonly RegionName[] = REGION_GROUPS.map((g) => g.name);

/** The 6 groups CRFR-P chooses from (indices 0..5). */
export const COVERABLE_REGIONS: readonly RegionGroup[] = REGION_GROUPS.filter((g) => g.coverable);

export const COVERABLE_REGION_NAMES: readonly RegionName[] = COVERABLE_REGIONS.map((g) => g.name);

export function regionGroup(name: string): RegionGroup {
  const g = REGION_GROUPS.find((r) => r.name === name);
  if (!g) throw new Error(`unknown region group '${name}' (expected one of ${REGION_NAMES.join(', ')})`);
  return g;
}
