// The JSON report of `fsvfm mask --runs`: per-patch masking frequencies per map, overall and per covered
// region, the masked counts seen, the FR ⊆ M rate, and how often each region was chosen.
import type { MaskRunStats } from './maskRunStatistics.js';
import { COVERABLE_REGION_NAMES, type RegionName } from './regionGroups.js';

export interface MaskRunMapReport {
  file: string;
  freq: number[];
  /** Frequencies over the runs that covered each region (all zeros when a region was never chosen). */
  freq_by_region: Record<string, number[]>;
  masked_counts: number[];
  fr_subset_rate: number;
}

export interface MaskRunReport {
  strategy: string;
  runs: number;
  num_patches: number;
  n_mask: number;
  maps: MaskRunMapReport[];
  regions_chosen: Record<string, number>;
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

export function maskRunReport(
  stats: MaskRunStats,
  files: readonly string[],
  strategy: string,
): MaskRunReport {
  const regionsChosen: Record<string, number> = {};
  for (const r of COVERABLE_REGION_NAMES) regionsChosen[r] = stats.regionCounts.get(r) ?? 0;
  return {
    strategy,
    runs: stats.runs,
    num_patches: stats.numPatches,
    n_mask: stats.nMask,
    maps: stats.maps.map((m, i) => {
      const byRegion: Record<string, number[]> = {};
      for (const r of COVERABLE_REGION_NAMES as RegionName[]) {
        const rs = m.byRegion.get(r)!;
        byRegion[r] = Array.from(rs.maskCounts, (c) => (rs.runs ? round6(c / rs.runs) : 0));
      }
      return {
        file: files[i]!,
        freq: Array.from(m.maskCounts, (c) => round6(c / stats.runs)),
        freq_by_region: byRegion,
        masked_counts: [...m.maskedCountsSeen].sort((a, b) => a - b),
        fr_subset_rate: stats.runs ? m.frSubsetRuns / stats.runs : 1,
      };
    }),
    regions_chosen: regionsChosen,
  };
}
