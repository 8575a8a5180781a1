// The one rule for tests that need the oracle fixtures, run on a tiny test file in a child process: absent fixtures
// skip such a test with the reason, and FSVFM_REQUIRE_FIXTURES=1 (set by .ci/run) makes their absence a failure.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './oracle-fixtures.js';
import { scratchDir } from './scratchDir.js';

const dir = scratchDir('fsvfm-oracle-rule-');

const probe = join(dir, 'probe.test.ts');
writeFileSync(
  probe,
  `import { test } from 'node:test';
import { needsOracle } from ${JSON.stringify(pathToFileURL(join(repoRoot, 'test/oracle-fixtures.ts')).href)};
test('needs the fixtures', { skip: needsOracle }, () => {});
test('needs nothing', () => {});
`,
);

function runProbe(env: Record<string, string>): { status: number | null; out: string } {
  // NODE_TEST_CONTEXT would make the child report to this runner instead of running its file
  const { FSVFM_REQUIRE_FIXTURES: _, FSVFM_FIXTURES: __, NODE_TEST_CONTEXT: ___, ...inherited } = process.env;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', probe], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...inherited, ...env },
  });
  return { status: r.status, out: r.stdout + r.stderr };
}

const missing = join(dir, 'no-such-set');

test('absent fixtures: the test that needs them is skipped with the reason, the other runs', () => {
  const r = runProbe({ FSVFM_FIXTURES: missing });
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, new RegExp(`needs the fixtures # SKIP oracle fixtures not found at ${missing}`));
  assert.match(r.out, /^ok \d+ - needs nothing$/m);
  assert.match(r.out, /^# skipped 1$/m);
});

test('FSVFM_REQUIRE_FIXTURES=1 with absent fixtures fails the run and says why', () => {
  const r = runProbe({ FSVFM_FIXTURES: missing, FSVFM_REQUIRE_FIXTURES: '1' });
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, /not ok \d+ - the oracle fixtures are present \(FSVFM_REQUIRE_FIXTURES=1\)/);
  assert.match(r.out, /FSVFM_REQUIRE_FIXTURES=1 makes their absence a failure/);
  assert.match(r.out, /^ok \d+ - needs nothing$/m);
  assert.match(r.out, /^# fail 1$/m);
});

test('FSVFM_REQUIRE_FIXTURES=1 with the fixtures present runs everything', () => {
  const set = join(dir, 'set');
  for (const d of ['checkpoints', 'expected', 'inputs']) mkdirSync(join(set, d), { recursive: true });
  const r = runProbe({ FSVFM_FIXTURES: set, FSVFM_REQUIRE_FIXTURES: '1' });
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /^# pass 2$/m);
  assert.match(r.out, /^# skipped 0$/m);
});
