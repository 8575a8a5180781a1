// Runs every comparison a fixture folder laid out like oracle-v1 has data for, one entry per expected file. Which
// checks exist follows the set (its generation record, pos_embed.json, checkpoints_description.json and files);
// a check whose files are absent is skipped with the reason, and one check's error fails that check only.

import { checkpointChecks } from './checkpointChecks.js';
import type { CheckResult } from './checkResult.js';
import { checkCrfrpFixture } from './crfrpChecks.js';
import { downstreamChecks } from './downstreamChecks.js';
import { type FixtureCheck, stemOf } from './fixtureCheck.js';
import { FixtureSet } from './fixtureSet.js';
import { lossChecks } from './lossChecks.js';
import { checkMetricsFixture } from './metricsChecks.js';
import { combine } from './oracle.js';
import { pretrainChecks } from './pretrainChecks.js';

export type CheckStatus = 'pass' | 'fail' | 'skipped';

export interface VerifyReport {
  passed: number;
  failed: number;
  skipped: number;
  worst: { check: string; worstAbsErr: number; tolerance: string } | null;
  /** Per expected-file stem. */
  checks: Record<string, CheckStatus>;
  /** The stems that ran. */
  results: Record<string, CheckResult>;
  /** Why a stem, or one part of it (`<stem>:<part>`), did not run. */
  skipReasons: Record<string, string>;
}

export interface FixtureSuite {
  name: string;
  checks: (set: FixtureSet) => FixtureCheck[];
}

export const FIXTURE_SUITES: readonly FixtureSuite[] = [
  { name: 'checkpoints', checks: checkpointChecks },
  { name: 'pre-training', checks: pretrainChecks },
  { name: 'losses', checks: lossChecks },
  { name: 'downstream models', checks: downstreamChecks },
  {
    name: 'masking',
    checks: (set) => [
      {
        id: 'crfrp_stats',
        needs: ['expected/crfrp_stats.json', 'inputs/parsing_maps.bin'],
        run: async () => combine('crfrp_stats', checkCrfrpFixture(set.dir)),
      },
    ],
  },
  {
    name: 'metrics',
    checks: (set) => [
      {
        id: 'metrics',
        needs: ['expected/metrics.json'],
        run: async () => combine('metrics', checkMetricsFixture(set.path('expected/metrics.json'))),
      },
    ],
  },
];

export const NO_CHECK_REASON = 'no check reproduces this file';

function errorResult(name: string, err: unknown): CheckResult {
  return {
    name,
    pass: false,
    worstAbsErr: Number.NaN,
    tolerance: '-',
    detail: err instanceof Error ? err.message : String(err),
  };
}

/**
 * Runs the checks of `suites` on the set in `dir`. With every suite (the default), expected files that no check
 * covers are listed as skipped too.
 */
export async function verifyFixtures(
  dir: string,
  opts: { suites?: readonly FixtureSuite[]; onSuite?: (name: string) => void } = {},
): Promise<VerifyReport> {
  const suites = opts.suites ?? FIXTURE_SUITES;
  const set = new FixtureSet(dir);
  const ran = new Map<string, CheckResult[]>();
  const skipReasons: Record<string, string> = {};
  const stems = new Set<string>(suites === FIXTURE_SUITES ? set.expectedStems() : []);
  for (const suite of suites) {
    opts.onSuite?.(suite.name);
    let checks: FixtureCheck[];
    try {
      checks = suite.checks(set);
    } catch (err) {
      checks = [{ id: `${suite.name} (suite error)`, needs: [], run: () => Promise.reject(err) }];
    }
    for (const check of checks) {
      const stem = stemOf(check.id);
      stems.add(stem);
      const absent = check.needs.filter((f) => !set.has(f));
      if (absent.length > 0) {
        skipReasons[check.id] = `not in this set: ${[...new Set(absent)].join(', ')}`;
        continue;
      }
      let r: CheckResult;
      try {
        r = await check.run();
      } catch (err) {
        r = errorResult(check.id, err);
      }
      ran.set(stem, [...(ran.get(stem) ?? []), r]);
    }
  }
  const results: Record<string, CheckResult> = {};
  const checks: Record<string, CheckStatus> = {};
  for (const stem of [...stems].sort()) {
    const rs = ran.get(stem);
    if (!rs) {
      checks[stem] = 'skipped';
      if (!Object.keys(skipReasons).some((id) => stemOf(id) === stem)) skipReasons[stem] = NO_CHECK_REASON;
      continue;
    }
    const r = rs.length === 1 ? rs[0]! : combine(stem, rs);
    results[stem] = r;
    checks[stem] = r.pass ? 'pass' : 'fail';
  }
  let worst: VerifyReport['worst'] = null;
  for (const [stem, r] of Object.entries(results)) {
    if (Number.isFinite(r.worstAbsErr) && (!worst || r.worstAbsErr > worst.worstAbsErr))
      worst = { check: stem, worstAbsErr: r.worstAbsErr, tolerance: r.tolerance };
  }
  const statuses = Object.values(checks);
  return {
    passed: statuses.filter((v) => v === 'pass').length,
    failed: statuses.filter((v) => v === 'fail').length,
    skipped: statuses.filter((v) => v === 'skipped').length,
    worst,
    checks,
    results,
    skipReasons,
  };
}
