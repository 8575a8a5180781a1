// Statistical and exact checks of our CRFR-P against the official one, following the fixture README
// ("CRFR-P (statistical)"): we rerun our implementation on the same 8 maps, one batch per run, and compare.

import { CrfrPMasking } from '../data/masking/crfrP.js';
import {
  collectMaskStatistics,
  type MaskRunStats,
  type RegionMapStats,
} from '../data/masking/maskRunStatistics.js';
import type { MaskStrategy } from '../data/masking/maskStrategy.js';
import { patchLabelSets } from '../data/masking/patchLabels.js';
import { patchMembership } from '../data/masking/patchMembership.js';
import { COVERABLE_REGION_NAMES, REGION_NAMES, type RegionName } from '../data/masking/regionGroups.js';
import { SeededRng } from '../data/random/seededRng.js';
import type { CheckResult } from './checkResult.js';
import {
  bitsFromString,
  type CrfrpFixtureMapStats,
  type CrfrpFixtureStats,
  loadCrfrpFixture,
} from './crfrpFixture.js';

export interface CrfrpCheckOptions {
  /** Our runs (one batch of all 8 maps each); more runs tighten our side of each comparison. */
  runs?: number;
  seed?: number;
  /** The implementation under test (default: our CRFR-P at patch 16, ratio 0.75). */
  strategy?: MaskStrategy;
}

/** Chi-square critical value for 5 degrees of freedom at p = 0.001. */
const CHI2_5DF_P001 = 20.515;

/** Every (covered region, map) that both the fixture's runs and ours reached, with both sides' statistics. */
function forEachSharedRegionMap(
  agg: CrfrpFixtureStats['aggregate'],
  ours: MaskRunStats,
  visit: (
    region: RegionName,
    mapIndex: number,
    theirs: CrfrpFixtureMapStats,
    fixtureRuns: number,
    mine: RegionMapStats,
  ) => void,
): void {
  for (const region of COVERABLE_REGION_NAMES) {
    const theirs = agg.per_region[region];
    if (!theirs || theirs.n_runs === 0) continue;
    theirs.maps.forEach((tm, i) => {
      const om = ours.maps[i]!.byRegion.get(region)!;
      if (om.runs === 0) return;
      visit(region, i, tm, theirs.n_runs, om);
    });
  }
}

/** Worst error, worst error/tolerance and the first five failures of a family of statistical comparisons. */
class ToleranceTally {
  worstErr = 0;
  worstRatio = 0;
  fails = 0;
  compared = 0;
  private readonly firstFails: string[] = [];

  add(err: number, tol: number, failed: boolean, describe: () => string): void {
    this.compared++;
    this.worstErr = Math.max(this.worstErr, err);
    if (tol > 0) this.worstRatio = Math.max(this.worstRatio, err / tol);
    if (!failed) return;
    this.fails++;
    if (this.firstFails.length < 5) this.firstFails.push(describe());
  }

  /** `worst err/tol r` and the first failures, for a CheckResult's detail. */
  summary(): string {
    const list = this.firstFails.length ? `; ${this.firstFails.join('; ')}` : '';
    return `worst err/tol ${this.worstRatio.toFixed(3)}${list}`;
  }
}

export function checkCrfrpFixture(fixtureDir: string, opts: CrfrpCheckOptions = {}): CheckResult[] {
  const runs = opts.runs ?? 2400;
  const seed = opts.seed ?? 20250;
  const { maps, stats } = loadCrfrpFixture(fixtureDir);
  const patchSize = 16;
  const labels = maps.map((m) => patchLabelSets(m, patchSize));
  const results: CheckResult[] = [];

  // 1. Membership of all 8 groups per map, exact.
  let membershipDiff = 0;
  let worstMembership = 0;
  const sizeMismatches: string[] = [];
  labels.forEach((l, i) => {
    const ours = patchMembership(l, patchSize);
    ours.forEach((m, g) => {
      const theirs = bitsFromString(stats.membership[i]![g]!);
      let d = 0;
      let size = 0;
      for (let k = 0; k < m.length; k++) {
        d += m[k] !== theirs[k] ? 1 : 0;
        size += m[k]!;
      }
      membershipDiff += d;
      worstMembership = Math.max(worstMembership, d);
      if (size !== stats.membership_sizes[i]![g])
        sizeMismatches.push(`map ${i} ${REGION_NAMES[g]}: ${size} vs ${stats.membership_sizes[i]![g]}`);
    });
  });
  results.push({
    name: 'crfrp.membership_exact',
    pass: membershipDiff === 0 && sizeMismatches.length === 0,
    worstAbsErr: worstMembership,
    tolerance: 'exact (0 differing patches per map and group)',
    detail: `${membershipDiff} differing patch bits over 8 maps x 8 groups${sizeMismatches.length ? `; sizes: ${sizeMismatches.join(', ')}` : ''}`,
  });

  const strategy = opts.strategy ?? new CrfrPMasking({ patchSize, maskRatio: 0.75 });
  const ours = collectMaskStatistics(strategy, labels, new SeededRng(seed), runs);
  const agg = stats.aggregate;

  // 2. Exactly 147 ones per mask (ours), and the fixture saw only 147.
  const seen = new Set<number>(agg.masked_counts_seen);
  for (const m of ours.maps) for (const c of m.maskedCountsSeen) seen.add(c);
  const worstCount = Math.max(...[...seen].map((c) => Math.abs(c - 147)));
  results.push({
    name: 'crfrp.masked_count_147',
    pass: worstCount === 0,
    worstAbsErr: worstCount,
    tolerance: 'exact (147 ones in every mask)',
    detail: `masked counts seen (ours and fixture): ${[...seen].sort((a, b) => a - b).join(', ')}`,
  });

  // 3. FR ⊆ mask in every run.
  const notSubset = ours.maps.reduce((s, m) => s + (runs - m.frSubsetRuns), 0);
  results.push({
    name: 'crfrp.fr_subset_of_mask',
    pass: notSubset === 0,
    worstAbsErr: notSubset,
    tolerance: 'exact (0 runs with an FR patch left visible)',
    detail: `${runs} runs x ${maps.length} maps`,
  });

  // 4. FR equals the chosen region's membership, or the mask in extreme runs.
  const mismatch = ours.maps.reduce((s, m) => s + m.frMismatchRuns, 0);
  results.push({
    name: 'crfrp.fr_equals_region_membership',
    pass: mismatch === 0,
    worstAbsErr: mismatch,
    tolerance: 'exact (fr = membership of the chosen region; fr = mask in extreme runs)',
  });

  // 5. Extreme branch on exactly the (map, region) pairs where the fixture took it; FR sizes per (map, region).
  const extremeDiff: string[] = [];
  const frSizeDiff: string[] = [];
  let worstFrSize = 0;
  forEachSharedRegionMap(agg, ours, (region, i, tm, fixtureRuns, om) => {
    if (
      tm.extreme_branch_runs > 0 !== om.extremeRuns > 0 ||
      (om.extremeRuns > 0 && om.extremeRuns !== om.runs)
    ) {
      extremeDiff.push(
        `map ${i} ${region}: ours ${om.extremeRuns}/${om.runs}, fixture ${tm.extreme_branch_runs}/${fixtureRuns}`,
      );
    }
    const a = [...om.frSizes].sort((x, y) => x - y);
    const b = [...tm.fr_sizes_seen].sort((x, y) => x - y);
    if (a.join() !== b.join()) {
      frSizeDiff.push(`map ${i} ${region}: ours [${a}] vs fixture [${b}]`);
      worstFrSize = Math.max(worstFrSize, Math.abs((a[0] ?? 0) - (b[0] ?? 0)));
    }
  });
  results.push({
    name: 'crfrp.extreme_branch_cases',
    pass: extremeDiff.length === 0,
    worstAbsErr: extremeDiff.length,
    tolerance: 'exact (same (map, region) pairs take the extreme branch, always)',
    detail: extremeDiff.join('; ') || undefined,
  });
  results.push({
    name: 'crfrp.fr_sizes',
    pass: frSizeDiff.length === 0,
    worstAbsErr: worstFrSize,
    tolerance: 'exact (same FR sizes per (map, region))',
    detail: frSizeDiff.join('; ') || undefined,
  });

  // 6. Per (region, map) patch frequency within 4·sqrt(2·p(1−p)/n), n = fixture runs with that region,
  //    p pooled over both sides.
  const freq = new ToleranceTally();
  forEachSharedRegionMap(agg, ours, (region, i, tm, nf, om) => {
    const no = om.runs;
    for (let k = 0; k < ours.numPatches; k++) {
      const pf = tm.mask_counts[k]! / nf;
      const po = om.maskCounts[k]! / no;
      const p = (tm.mask_counts[k]! + om.maskCounts[k]!) / (nf + no);
      const tol = 4 * Math.sqrt((2 * p * (1 - p)) / nf);
      const err = Math.abs(pf - po);
      freq.add(
        err,
        tol,
        err > tol + 1e-12,
        () => `${region} map ${i} patch ${k}: ${po.toFixed(3)} vs ${pf.toFixed(3)}`,
      );
    }
  });
  results.push({
    name: 'crfrp.patch_frequency',
    pass: freq.fails === 0,
    worstAbsErr: freq.worstErr,
    tolerance: '|ours − fixture| <= 4·sqrt(2·p(1−p)/n) per (region, map, patch)',
    detail: `${freq.fails}/${freq.compared} outside; ${freq.summary()}`,
  });

  // 7. Region-choice histogram uniform over the 6 coverable groups (ours, and the fixture's own).
  const chi2 = (counts: number[]) => {
    const total = counts.reduce((a, b) => a + b, 0);
    const e = total / counts.length;
    return counts.reduce((s, c) => s + (c - e) ** 2 / e, 0);
  };
  const ourCounts = COVERABLE_REGION_NAMES.map((r) => ours.regionCounts.get(r) ?? 0);
  const theirCounts = COVERABLE_REGION_NAMES.map((r) => agg.region_chosen_counts[r] ?? 0);
  const chiOurs = chi2(ourCounts);
  const chiTheirs = chi2(theirCounts);
  results.push({
    name: 'crfrp.region_histogram_uniform',
    pass: chiOurs < CHI2_5DF_P001 && chiTheirs < CHI2_5DF_P001,
    worstAbsErr: Math.max(...ourCounts.map((c) => Math.abs(c / runs - 1 / 6))),
    tolerance: `chi-square vs uniform < ${CHI2_5DF_P001} (5 df, p = 0.001)`,
    detail: `ours [${ourCounts}] chi2 ${chiOurs.toFixed(2)}; fixture [${theirCounts}] chi2 ${chiTheirs.toFixed(2)}`,
  });

  // 8. Per (region, map, group) mean of masked patches inside the group's membership.
  const means = new ToleranceTally();
  forEachSharedRegionMap(agg, ours, (region, i, tm, nf, om) => {
    const no = om.runs;
    for (let g = 0; g < REGION_NAMES.length; g++) {
      const mo = om.groupMaskedSum[g]! / no;
      const vo = Math.max(0, om.groupMaskedSumSq[g]! / no - mo * mo);
      const mf = tm.masked_patches_per_group_mean[g]!;
      const sf = tm.masked_patches_per_group_std[g]!;
      // A group can look constant in the fixture's few runs yet vary a little (the fix-up rarely lands in
      // it), so both sides use the larger of the two variance estimates.
      const v = Math.max(sf * sf, vo);
      const tol = 4 * Math.sqrt(v / nf + v / no) + 1e-5;
      const err = Math.abs(mo - mf);
      means.add(
        err,
        tol,
        err > tol,
        () => `${region} map ${i} ${REGION_NAMES[g]}: ${mo.toFixed(3)} vs ${mf.toFixed(3)}`,
      );
    }
  });
  results.push({
    name: 'crfrp.group_masked_means',
    pass: means.fails === 0,
    worstAbsErr: means.worstErr,
    tolerance:
      '|mean_ours − mean_fixture| <= 4·sqrt(v/n_f + v/n_o) + 1e-5, v = max(sd_f², sd_o²), per (region, map, group)',
    detail: `${means.fails} outside; ${means.summary()}`,
  });
  return results;
}
