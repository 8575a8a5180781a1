// A short soak of a real `fsvfm serve` (the long one: `npm run soak -- --minutes N`, figures in the README).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { needsOracle } from './oracle-fixtures.js';
import { runSoak } from './soak-service.js';

test('soak: mixed clients against fsvfm serve — right answers, documented statuses, no temp file left', {
  skip: needsOracle,
  timeout: 300_000,
}, async () => {
  const report = await runSoak({
    durationMs: 30_000,
    warmupMs: 10_000,
    clients: 4,
    seed: 2,
    // 30 s is too short for the allocator to level off; the long soak holds the 10 % bound
    rssTolerancePct: 25,
  });
  const summary = JSON.stringify(
    { kinds: report.kinds, health: report.health, rss: report.rss, failures: report.failures },
    null,
    1,
  );
  assert.deepEqual(report.failures, [], summary);
  assert.equal(report.tempFilesLeft, 0);
  for (const kind of ['image', 'no-token'] as const) assert.ok(report.kinds[kind].requests > 0, summary);
  assert.ok(report.health.probes > 10, summary);
});
