import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';

const fixtures = resolve('../shared/fixtures/oracle-v1');

test('fsvfm verify-fixtures reproduces every expected file of the shared oracle set', {
  skip: !existsSync(fixtures) && `no fixtures at ${fixtures}`,
}, () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'verify-fixtures', fixtures], {
    encoding: 'utf8',
  });
  const lines = r.stdout.trim().split('\n');
  const summary = JSON.parse(lines[lines.length - 1]!) as {
    passed: number;
    failed: number;
    checks: Record<string, string>;
  };
  const stems = new Set(
    readdirSync(resolve(fixtures, 'expected')).map((n) => n.replace(/\.(bin|json)$/, '')),
  );
  assert.deepEqual(Object.keys(summary.checks).sort(), [...stems].sort(), 'one entry per expected file');
  const notPassing = Object.entries(summary.checks).filter(([, v]) => v !== 'pass');
  assert.deepEqual(notPassing, [], r.stdout);
  assert.equal(summary.failed, 0);
  assert.equal(r.status, 0);
});

test('fsvfm verify-fixtures on a folder that is not a fixture set says so without a stack trace', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'verify-fixtures', 'src'], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /not a fixture folder: 'checkpoints\/' is missing/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});
