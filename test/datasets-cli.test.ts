import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { greenSquareImage, tempDir } from './media-fixtures.js';

const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8' });

test('fsvfm doctor exits 1 on errors and prints the class-id order', async () => {
  const root = tempDir();
  mkdirSync(join(root, 'real_a'));
  mkdirSync(join(root, 'fake_b'));
  await greenSquareImage(join(root, 'real_a', 'x.png'), 8, 8);
  const r = cli('doctor', root);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /\[0\] fake_b: 0 images/);
  assert.match(r.stdout, /\[1\] real_a: 1 images/);
  assert.match(r.stdout, /fake_b: class folder has no images/);
});

test('bad arguments are user errors, not stack traces', () => {
  const missing = cli('faces', '/no/such/input', '--out', join(tempDir(), 'o'));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /input \/no\/such\/input does not exist/);
  const recipe = cli('faces', 'test', '--out', join(tempDir(), 'o'), '--recipe', 'square');
  assert.equal(recipe.status, 2);
  assert.match(recipe.stderr, /unknown crop recipe "square"/);
  const doc = cli('doctor', '/no/such/dir');
  assert.equal(doc.status, 2);
  assert.doesNotMatch(doc.stderr, /at .*\.ts:\d+/);
});
