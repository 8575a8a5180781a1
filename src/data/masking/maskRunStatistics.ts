// Statistics of repeated mask generation on a fixed batch: per-patch masking frequencies overall and per
// covered region, FR sizes, extreme-branch counts, masked patches per region group, and invariant violations.
// Used by the fixture check and by `fsvfm mask --runs`.
import type { SeededRng } from '../random/seededRng.js';
import type { MaskStrategy } from './maskStrategy.js';
import type { PatchLabels } from './patchLabels.js';
import { countOnes, groupMembership } from './patchMembership.js';
import { COVERABLE_REGION_NAMES, REGION_GROUPS, type RegionName, regionGroup } from './regionGroups.js';

export interface RegionMapStats {
  runs: number;
  maskCounts: Uint32Array;
  frCounts: Uint32Array;
  frSizes: Set<number>;
  extremeRuns: number;
  /** Per group (8, in order): sum and sum of squares over runs of the masked patches inside its membership. */
  groupMaskedSum: Float64Array;
  groupMaskedSumSq: Float64Array;
}

export interface MapRunStats {
  maskCounts: Uint32Array;
  maskedCountsSeen: Set<number>;
  frSubsetRuns: number;
  /** Runs where FR differs from the covered region's membership (or, in extreme runs, from the mask). */
  frMismatchRuns: number;
  byRegion: Map<RegionName, RegionMapStats>;
}

export interface MaskRunStats {
  runs: number;
  numPatches: number;
  nMask: number;
  regionCounts: Map<RegionName, number>;
  maps: MapRunStats[];
}

function emptyRegionStats(N: number): RegionMapStats {
  return {
    runs: 0,
    maskCounts: new Uint32Array(N),
    frCounts: new Uint32Array(N),
    frSizes: new Set(),
    extremeRuns: 0,
    groupMaskedSum: new Float64Array(REGION_GROUPS.length),
    groupMaskedSumSq: new Float64Array(REGION_GROUPS.length),
  };
}

/** Runs `strategy` `runs` times on the whole batch `labels` (one batch per run), drawing from `rng`. */
export function collectMaskStatistics(
  strategy: MaskStrategy,
  labels: readonly PatchLabels[],
  rng: SeededRng,
  runs: number,
  onRun?: (run: number) => void,
): MaskRunStats {
  const N = labels[0]!.grid.count;
  const members = labels.map((l) => REGION_GROUPS.map((g) => groupMembership(l, g)));
  const maps: MapRunStats[] = labels.map(() => ({
    maskCounts: new Uint32Array(N),
    maskedCountsSeen: new Set<number>(),
    frSubsetRuns: 0,
    frMismatchRuns: 0,
    byRegion: new Map(COVERABLE_REGION_NAMES.map((r) => [r, emptyRegionStats(N)])),
  }));
  const regionCounts = new Map<RegionName, number>(COVERABLE_REGION_NAMES.map((r) => [r, 0]));
  let nMask = 0;
  for (let run = 0; run < runs; run++) {
    const batch = strategy.generateFromLabels(labels, rng);
    nMask = batch.nMask;
    if (batch.region) regionCounts.set(batch.region, (regionCounts.get(batch.region) ?? 0) + 1);
    const regionIndex = batch.region ? regionGroup(batch.region).index : -1;
    maps.forEach((st, b) => {
      const mask = batch.masks.subarray(b * N, (b + 1) * N);
      const fr = batch.sfr.subarray(b * N, (b + 1) * N);
      st.maskedCountsSeen.add(countOnes(mask));
      let subset = true;
      for (let k = 0; k < N; k++) {
        st.maskCounts[k]! += mask[k]!;
        if (fr[k] === 1 && mask[k] !== 1) subset = false;
      }
      if (subset) st.frSubsetRuns++;
      if (!batch.region) return;
      const rs = st.byRegion.get(batch.region)!;
      rs.runs++;
      const expected = batch.extreme[b] ? mask : members[b]![regionIndex]!;
      let same = true;
      for (let k = 0; k < N; k++) {
        rs.maskCounts[k]! += mask[k]!;
        rs.frCounts[k]! += fr[k]!;
        if (fr[k] !== expected[k]) same = false;
      }
      if (!same) st.frMismatchRuns++;
      rs.frSizes.add(countOnes(fr));
      if (batch.extreme[b]) rs.extremeRuns++;
      members[b]!.forEach((m, g) => {
        let c = 0;
        for (let k = 0; k < N; k++) c += m[k]! & mask[k]!;
        rs.groupMaskedSum[g]! += c;
        rs.groupMaskedSumSq[g]! += c * c;
      });
    });
    onRun?.(run);
  }
  return { runs, numPatches: N, nMask, regionCounts, maps };
}
