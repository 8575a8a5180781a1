// Where the shared oracle fixtures are, and the one rule for tests that need them: when the folder is absent such a
// test is skipped with the reason, unless FSVFM_REQUIRE_FIXTURES=1 (CI sets it), which turns the absence into a failing
// test of every file that imports this module.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

export const repoRoot = resolve(import.meta.dirname, '..');

/** `FSVFM_FIXTURES` names another set; the default is `../shared/fixtures/oracle-v1` beside the repository. */
export const ORACLE_DIR = resolve(
  process.env.FSVFM_FIXTURES ?? join(repoRoot, '../shared/fixtures/oracle-v1'),
);

export const oraclePath = (...parts: string[]): string => join(ORACLE_DIR, ...parts);

export const HAVE_ORACLE = ['checkpoints', 'expected', 'inputs'].every((d) =>
  existsSync(join(ORACLE_DIR, d)),
);

const ABSENT = `oracle fixtures not found at ${ORACLE_DIR}`;

/** The `skip` option of a test that needs the fixtures: false when they are there, else why it is skipped. */
export const needsOracle: string | false = HAVE_ORACLE ? false : ABSENT;

if (!HAVE_ORACLE && process.env.FSVFM_REQUIRE_FIXTURES === '1') {
  test('the oracle fixtures are present (FSVFM_REQUIRE_FIXTURES=1)', () => {
    assert.fail(`${ABSENT}; FSVFM_REQUIRE_FIXTURES=1 makes their absence a failure`);
  });
}
