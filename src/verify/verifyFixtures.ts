// Runs every comparison that a fixture folder laid out like oracle-v1 supports, one entry per expected file.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkCheckpointDescription } from './checkpointChecks.js';
import type { CheckResult } from './checkResult.js';
import { checkCrfrpFixture } from './crfrpChecks.js';
import { checkDownstreamFixtures } from './downstreamChecks.js';
import { checkLossFixtures } from './lossChecks.js';
import { checkMetricsFixture } from './metricsChecks.js';
import { combine } from './oracle.js';
import { checkPretrainFixtures } from './pretrainChecks.js';

export type CheckStatus = 'pass' | 'fail' | 'skipped';

export interface VerifyReport {
  passed: number;
  failed: number;
  worst: { check: string; worstAbsErr: number; tolerance: string } | null;
  checks: Record<string, CheckStatus>;
  results: Record<string, CheckResult>;
}

/** The stems of the files under `expected/` (a .bin and its .json sidecar are one stem). */
export function expectedStems(dir: string): string[] {
  const names = readdirSync(join(dir, 'expected'));
  return [...new Set(names.map((n) => n.replace(/\.(bin|json)$/, '')))].sort();
}

type Suite = { name: string; run: (dir: string) => Promise<Record<string, CheckResult>> };

const SUITES: Suite[] = [
  {
    name: 'checkpoints',
    run: async (d) => ({ checkpoints_description: await checkCheckpointDescription(d) }),
  },
  { name: 'pre-training', run: checkPretrainFixtures },
  { name: 'losses', run: checkLossFixtures },
  { name: 'downstream models', run: checkDownstreamFixtures },
  { name: 'masking', run: async (d) => ({ crfrp_stats: combine('crfrp_stats', checkCrfrpFixture(d)) }) },
  {
    name: 'metrics',
    run: async (d) => ({
      metrics: combine('metrics', checkMetricsFixture(join(d, 'expected', 'metrics.json'))),
    }),
  },
];

/** Runs all suites; a suite that throws marks its checks failed with the error message. */
export async function verifyFixtures(dir: string, onSuite?: (name: string) => void): Promise<VerifyReport> {
  const stems = expectedStems(dir);
  const byStem = new Map<string, CheckResult[]>();
  for (const suite of SUITES) {
    onSuite?.(suite.name);
    let results: Record<string, CheckResult>;
    try {
      results = await suite.run(dir);
    } catch (err) {
      results = {
        [`${suite.name} (suite error)`]: {
          name: suite.name,
          pass: false,
          worstAbsErr: Number.NaN,
          tolerance: '-',
          detail: err instanceof Error ? err.message : String(err),
        },
      };
    }
    for (const [key, r] of Object.entries(results)) {
      const stem = key.split(':')[0]!;
      byStem.set(stem, [...(byStem.get(stem) ?? []), r]);
    }
  }
  const results: Record<string, CheckResult> = {};
  const checks: Record<string, CheckStatus> = {};
  for (const stem of new Set([...stems, ...byStem.keys()])) {
    const rs = byStem.get(stem);
    if (!rs) {
      checks[stem] = 'skipped';
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
  const vals = Object.values(checks);
  return {
    passed: vals.filter((v) => v === 'pass').length,
    failed: vals.filter((v) => v === 'fail').length,
    worst,
    checks,
    results,
  };
}
