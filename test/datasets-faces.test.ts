import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { buildFaceDataset } from '../src/data/datasets/buildFaceDataset.js';
import type { FaceDatasetManifest } from '../src/data/datasets/faceDatasetManifest.js';
import { readNpy } from '../src/io/npy.js';
import { discParser, GreenSquareDetector } from './datasets-fakes.js';
import {
  audioOnlyMp4,
  greenSquareImage,
  greenSquareVideo,
  hugePngHeader,
  solidImage,
  tempDir,
  testPatternMp4,
  truncateFile,
} from './media-fixtures.js';

test('pretrain layout: 224² PNG + int8 [1,224,224] parsing map per face, _frame_<idx> names for video', async () => {
  const src = tempDir();
  const out = join(tempDir(), 'ds');
  mkdirSync(join(src, 'id01'));
  await greenSquareImage(join(src, 'id01', 'a.png'), 80, 60, 20, 10, 30);
  greenSquareVideo(join(src, 'clip.avi'), 10);
  const m = await buildFaceDataset({
    inputs: [src],
    outDir: out,
    layout: 'pretrain',
    frames: 4,
    detector: new GreenSquareDetector(),
    parser: discParser,
  });
  assert.equal(m.recipe, 'fsfm-dlib-1.3');
  assert.deepEqual(m.counts, { inputs: 2, ok: 2, error: 0, faces: 5, crops: 5, cached: 0 });
  const names = readdirSync(join(out, 'images')).sort();
  assert.deepEqual(names, [
    'clip_frame_0.png',
    'clip_frame_3.png',
    'clip_frame_6.png',
    'clip_frame_9.png',
    'id01_a.png',
  ]);
  for (const n of names) {
    const meta = await sharp(join(out, 'images', n)).metadata();
    assert.deepEqual([meta.width, meta.height, meta.channels], [224, 224, 3]);
    const map = readNpy(join(out, 'parsing_maps', n.replace('.png', '.npy')));
    assert.equal(map.dtype, 'int8');
    assert.deepEqual(map.shape, [1, 224, 224]);
    // the landmark (box centre) mapped into the crop lands at the crop centre for this symmetric box
    assert.equal(map.data[112 * 224 + 112], 1);
    assert.equal(map.data[0], 0);
  }
  const written = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as FaceDatasetManifest;
  assert.equal(written.entries[0]!.kind, 'video');
  assert.deepEqual(written.entries[1]!.outputs, ['images/id01_a.png', 'parsing_maps/id01_a.npy']);
});

test('one bad input never stops the run: each gets a clear per-file error in the manifest', async () => {
  const src = tempDir();
  const out = join(tempDir(), 'ds');
  await greenSquareImage(join(src, 'good.png'), 80, 60, 20, 10, 30);
  writeFileSync(join(src, 'notes.txt'), 'not media');
  const full = testPatternMp4(join(src, '.full.mp4'), 4, true);
  truncateFile(full, join(src, 'truncated.mp4'), 0.5);
  await greenSquareImage(join(src, 'noface.png'), 80, 60);
  await solidImage(join(src, 'one_pixel.png'), 1, 1);
  hugePngHeader(join(src, 'huge.png'), 30000, 30000);
  audioOnlyMp4(join(src, 'audio_only.mp4'));
  const m = await buildFaceDataset({
    inputs: [src],
    outDir: out,
    layout: 'pretrain',
    detector: new GreenSquareDetector(),
    parser: discParser,
  });
  const byName = new Map(m.entries.map((e) => [e.input.split('/').pop()!, e]));
  assert.equal(m.counts.inputs, 7, 'hidden files are skipped');
  assert.equal(byName.get('good.png')!.status, 'ok');
  const expect: Record<string, RegExp> = {
    'notes.txt': /not an image or video/,
    'truncated.mp4': /truncated or damaged/,
    'noface.png': /no face detected in the image/,
    'one_pixel.png': /no face detected .*tiny image \(1x1\)/,
    'huge.png': /30000x30000 .*over the 100 MP limit/,
    'audio_only.mp4': /has no video stream/,
  };
  for (const [name, re] of Object.entries(expect)) {
    const e = byName.get(name)!;
    assert.equal(e.status, 'error', name);
    assert.match(e.error!, re, name);
    assert.equal(e.crops, 0);
  }
  assert.deepEqual(m.counts, { inputs: 7, ok: 1, error: 6, faces: 1, crops: 1, cached: 0 });
});

test('imagefolder layout: class folders from --class or the parent folder, native-size crops', async () => {
  const src = tempDir();
  const out = join(tempDir(), 'ds');
  mkdirSync(join(src, 'real_youtube'));
  await greenSquareImage(join(src, 'real_youtube', 'x.png'), 80, 60, 20, 10, 30);
  greenSquareVideo(join(src, 'real_youtube', 'v1.avi'), 6);
  const m = await buildFaceDataset({
    inputs: [src],
    outDir: out,
    layout: 'imagefolder',
    frames: 2,
    detector: new GreenSquareDetector(),
  });
  assert.equal(m.counts.error, 0);
  assert.deepEqual(readdirSync(join(out, 'real_youtube')).sort(), [
    'real_youtube_v1_frame_0.png',
    'real_youtube_v1_frame_5.png',
    'real_youtube_x.png',
  ]);
  // 30×30 box → int(39) square, saved at source resolution
  const meta = await sharp(join(out, 'real_youtube', 'real_youtube_x.png')).metadata();
  assert.deepEqual([meta.width, meta.height], [39, 39]);
  const out2 = join(tempDir(), 'ds');
  await buildFaceDataset({
    inputs: [join(src, 'real_youtube', 'x.png')],
    outDir: out2,
    layout: 'imagefolder',
    className: 'fake_demo',
    cropSize: 224,
    detector: new GreenSquareDetector(),
  });
  assert.ok(existsSync(join(out2, 'fake_demo', 'x.png')));
  const lone = join(tempDir(), 'ds');
  const r = await buildFaceDataset({
    inputs: [join(src, 'real_youtube', 'x.png')],
    outDir: lone,
    layout: 'imagefolder',
    detector: new GreenSquareDetector(),
  });
  assert.match(r.entries[0]!.error!, /pass --class/);
});

test('re-running skips finished inputs through the content-addressed cache', async () => {
  const src = tempDir();
  const out = join(tempDir(), 'ds');
  await greenSquareImage(join(src, 'a.png'), 80, 60, 20, 10, 30);
  greenSquareVideo(join(src, 'b.avi'), 5);
  const det = new GreenSquareDetector();
  const opts = {
    inputs: [src],
    outDir: out,
    layout: 'pretrain' as const,
    frames: 3,
    detector: det,
    parser: discParser,
  };
  await buildFaceDataset(opts);
  assert.equal(det.calls, 4);
  const again = await buildFaceDataset(opts);
  assert.equal(det.calls, 4, 'no detection on the second run');
  assert.equal(again.counts.cached, 2);
  assert.equal(again.counts.crops, 4);
  // other options → other cache key → redone
  await buildFaceDataset({ ...opts, frames: 2 });
  assert.equal(det.calls, 4 + 2 + 1);
  // a deleted output invalidates its record
  const rm = (await import('node:fs')).rmSync;
  rm(join(out, 'images', 'a.png'));
  await buildFaceDataset(opts);
  assert.equal(det.calls, 8);
});

test('--all-faces keeps every detection, named _face<k>; default keeps the first (SPEC §9 #21)', async () => {
  const src = tempDir();
  await greenSquareImage(join(src, 'a.png'), 80, 60, 20, 10, 30);
  const one = await buildFaceDataset({
    inputs: [src],
    outDir: join(tempDir(), 'ds'),
    layout: 'imagefolder',
    className: 'real',
    detector: new GreenSquareDetector(true),
  });
  assert.deepEqual([one.counts.faces, one.counts.crops], [2, 1]);
  const all = await buildFaceDataset({
    inputs: [src],
    outDir: join(tempDir(), 'ds'),
    layout: 'imagefolder',
    className: 'real',
    allFaces: true,
    detector: new GreenSquareDetector(true),
  });
  assert.deepEqual(all.entries[0]!.outputs, ['real/a.png', 'real/a_face1.png']);
});

test('an interrupted run writes a partial manifest; the re-run resumes and lists every input', async () => {
  const src = tempDir();
  const out = join(tempDir(), 'ds');
  for (const n of ['a', 'b', 'c']) await greenSquareImage(join(src, `${n}.png`), 80, 60, 20, 10, 30);
  const abort = new AbortController();
  const det = new GreenSquareDetector();
  const first = await buildFaceDataset({
    inputs: [src],
    outDir: out,
    layout: 'imagefolder',
    className: 'real',
    detector: det,
    signal: abort.signal,
    onProgress: () => abort.abort(),
  });
  assert.equal(first.interrupted, true);
  assert.equal(first.entries.length, 1);
  const second = await buildFaceDataset({
    inputs: [src],
    outDir: out,
    layout: 'imagefolder',
    className: 'real',
    detector: det,
  });
  assert.equal(second.interrupted, false);
  assert.deepEqual([second.counts.inputs, second.counts.cached, second.counts.crops], [3, 1, 3]);
  assert.equal(det.calls, 3, 'each image detected once over both runs');
});

test('runs into one folder merge their manifest entries; a different recipe is refused', async () => {
  const a = tempDir();
  const b = tempDir();
  const out = join(tempDir(), 'ds');
  await greenSquareImage(join(a, 'x.png'), 80, 60, 20, 10, 30);
  await greenSquareImage(join(b, 'y.png'), 80, 60, 20, 10, 30);
  const det = new GreenSquareDetector();
  await buildFaceDataset({
    inputs: [a],
    outDir: out,
    layout: 'imagefolder',
    className: 'real_a',
    detector: det,
  });
  const m = await buildFaceDataset({
    inputs: [b],
    outDir: out,
    layout: 'imagefolder',
    className: 'fake_b',
    detector: det,
  });
  assert.deepEqual(
    m.entries.map((e) => e.outputs[0]),
    ['real_a/x.png', 'fake_b/y.png'],
  );
  await assert.rejects(
    buildFaceDataset({
      inputs: [b],
      outDir: out,
      layout: 'imagefolder',
      className: 'fake_b',
      recipe: 'fsfm-dlib-1.5',
      detector: det,
    }),
    /made with recipe fsfm-dlib-1\.3; mixing recipes/,
  );
});

test('--fps samples by video time', async () => {
  const src = tempDir();
  greenSquareVideo(join(src, 'v.avi'), 25); // 1 s at 25 fps
  const m = await buildFaceDataset({
    inputs: [src],
    outDir: join(tempDir(), 'ds'),
    layout: 'imagefolder',
    className: 'real',
    fps: 5,
    detector: new GreenSquareDetector(),
  });
  assert.deepEqual(
    m.entries[0]!.outputs,
    [0, 5, 10, 15, 20].map((i) => `real/v_frame_${i}.png`),
  );
});
