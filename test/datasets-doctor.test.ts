import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildFaceDataset } from '../src/data/datasets/buildFaceDataset.js';
import { doctorDataset, formatDoctorReport, videoIdOf } from '../src/data/datasets/doctorDataset.js';
import { encodeNpy } from '../src/io/npy.js';
import { discParser, GreenSquareDetector } from './datasets-fakes.js';
import { greenSquareImage, greenSquareVideo, tempDir } from './media-fixtures.js';

test('a freshly built pretrain dataset is clean; broken maps and images are errors', async () => {
  const src = tempDir();
  const out = join(tempDir(), 'ds');
  await greenSquareImage(join(src, 'a.png'), 80, 60, 20, 10, 30);
  await greenSquareImage(join(src, 'b.png'), 80, 60, 30, 10, 30);
  await greenSquareImage(join(src, 'c.png'), 80, 60, 30, 20, 30);
  await buildFaceDataset({
    inputs: [src],
    outDir: out,
    layout: 'pretrain',
    detector: new GreenSquareDetector(),
    parser: discParser,
  });
  const ok = await doctorDataset(out);
  assert.equal(ok.layout, 'pretrain');
  assert.equal(ok.images, 3);
  assert.equal(ok.errors, 0, formatDoctorReport(ok));
  rmSync(join(out, 'parsing_maps', 'a.npy'));
  writeFileSync(
    join(out, 'parsing_maps', 'b.npy'),
    encodeNpy({ dtype: 'int8', shape: [1, 224, 224], data: new Int8Array(224 * 224).fill(11) }),
  );
  writeFileSync(join(out, 'images', 'c.png'), 'garbage');
  writeFileSync(
    join(out, 'parsing_maps', 'zzz.npy'),
    encodeNpy({ dtype: 'uint8', shape: [224, 224], data: new Uint8Array(224 * 224) }),
  );
  const bad = await doctorDataset(out);
  const text = formatDoctorReport(bad);
  assert.match(text, /a\.png: missing parsing map parsing_maps\/a\.npy/);
  assert.match(text, /b\.npy: 50176 labels outside the LaPa range 0\.\.10/);
  assert.match(text, /c\.png: unreadable image/);
  assert.match(text, /zzz\.npy: parsing map without an image/);
  assert.equal(bad.errors, 3);
});

test('imagefolder: class ids by code point, fake_* → 0 / real_* → 1 check, empty classes, frames per video', async () => {
  const root = tempDir();
  const det = new GreenSquareDetector();
  const real = tempDir();
  greenSquareVideo(join(real, 'v1.avi'), 8);
  greenSquareVideo(join(real, 'v2.avi'), 8);
  await buildFaceDataset({
    inputs: [real],
    outDir: join(root, 'train'),
    layout: 'imagefolder',
    className: 'real_youtube',
    frames: 4,
    detector: det,
  });
  const fake = tempDir();
  await greenSquareImage(join(fake, 'f.png'), 80, 60, 20, 10, 30);
  await buildFaceDataset({
    inputs: [fake],
    outDir: join(root, 'train'),
    layout: 'imagefolder',
    className: 'fake_four',
    detector: det,
  });
  const r = await doctorDataset(root);
  assert.equal(r.errors, 0, formatDoctorReport(r));
  assert.equal(r.warnings, 0, formatDoctorReport(r));
  const [f, rl] = r.splits[0]!.classes;
  assert.deepEqual([f!.name, f!.id, rl!.name, rl!.id], ['fake_four', 0, 'real_youtube', 1]);
  assert.deepEqual(rl!.framesPerVideo, { min: 4, max: 4, mean: 4 });
  assert.equal(rl!.videos, 2);

  const wrong = tempDir();
  mkdirSync(join(wrong, 'Real'));
  mkdirSync(join(wrong, 'fake'));
  await greenSquareImage(join(wrong, 'Real', 'x.png'), 8, 8);
  const w = await doctorDataset(wrong);
  assert.match(formatDoctorReport(w), /Real→0, fake→1.*expects fake_\* → 0 and real_\* → 1/);
  assert.match(formatDoctorReport(w), /fake: class folder has no images/);
  assert.equal(w.errors, 1);
});

test('video id is the file name up to the first _frame_', () => {
  assert.equal(videoIdOf('clip_frame_x_frame_7.png'), 'clip');
  assert.equal(videoIdOf('still.png'), 'still.png');
});
