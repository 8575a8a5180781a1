import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { checkMetricsFixture } from '../src/verify/metricsChecks.js';
import { needsOracle, oraclePath, repoRoot } from './oracle-fixtures.js';

const metricsJson = oraclePath('expected/metrics.json');
const skip = needsOracle;

test('every value of metrics.json is reproduced within its tolerance', { skip }, () => {
  const results = checkMetricsFixture(metricsJson);
  const failed = results.filter((r) => !r.pass);
  assert.deepEqual(
    failed.map((r) => `${r.name}: ${r.detail ?? ''} (${r.tolerance})`),
    [],
  );
  // all sections ran (a thrown section would appear as one failed entry, a missing one as a short list)
  assert.ok(results.length >= 250, `only ${results.length} checks ran`);
  for (const prefix of [
    'dfd_frame_metrics',
    'fas_statistic',
    'dfd_video_case.calls',
    'fas_eval_full_ft',
    'fas_eval_fs_adapter',
  ]) {
    assert.ok(
      results.some((r) => r.name.startsWith(prefix)),
      `no check for ${prefix}`,
    );
  }
});

test('official Brent EERs and the float32 video top-1 accuracy come out bit-identical', { skip }, () => {
  const results = checkMetricsFixture(metricsJson);
  const brent = results.filter((r) => r.tolerance.includes('Brent'));
  assert.equal(brent.length, 9);
  for (const r of brent) assert.equal(r.worstAbsErr, 0, r.name);
  const top1 = results.filter((r) => r.name.includes('video_top1_acc'));
  assert.equal(top1.length, 8);
  for (const r of top1) assert.equal(r.worstAbsErr, 0, r.name);
});

test('a missing or broken fixture file gives a failed check, not an exception', () => {
  const r = checkMetricsFixture(path.join(repoRoot, 'no-such-dir', 'metrics.json'));
  assert.equal(r.length, 1);
  assert.equal(r[0].pass, false);
  assert.match(r[0].detail ?? '', /cannot read/);
});
