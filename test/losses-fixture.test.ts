import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lossChecks } from '../src/verify/lossChecks.js';
import { verifyFixtures } from '../src/verify/verifyFixtures.js';
import { needsOracle, ORACLE_DIR } from './oracle-fixtures.js';

test('contrastive losses reproduce pretrain_losses.json and fsadapter_realanchor_losses.json', {
  skip: needsOracle,
}, async () => {
  const report = await verifyFixtures(ORACLE_DIR, { suites: [{ name: 'losses', checks: lossChecks }] });
  assert.deepEqual(Object.keys(report.checks).sort(), ['fsadapter_realanchor_losses', 'pretrain_losses']);
  assert.deepEqual(report.skipReasons, {});
  for (const [stem, r] of Object.entries(report.results))
    assert.ok(r.pass, `${stem}: ${r.detail ?? ''} (worst ${r.worstAbsErr}, ${r.tolerance})`);
});
