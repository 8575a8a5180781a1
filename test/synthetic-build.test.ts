import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { videoIdFromFrameName } from '../src/data/folders/videoId.js';
import { createRgbImage, type RgbImage } from '../src/data/image/rgbImage.js';
import { buildFakes, FakesInputError, type FakesManifest } from '../src/data/synthetic/index.js';
import { tempDir } from './media-fixtures.js';
import { faceLikeLandmarks, SyntheticFaceDetector, texturedImage } from './synthetic-fixtures.js';

const S = 64;

async function writePng(path: string, img: RgbImage): Promise<void> {
  await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .png()
    .toFile(path);
}

/** a, b, c identities; one all-black image (no face), one text file, one damaged PNG. */
async function realFolder(): Promise<string> {
  const dir = join(tempDir('fsvfm-fakes-'), 'real');
  mkdirSync(dir, { recursive: true });
  await writePng(join(dir, 'a_frame_0.png'), texturedImage(S, S, 1));
  await writePng(join(dir, 'a_frame_4.png'), texturedImage(S, S, 2));
  await writePng(join(dir, 'b_frame_0.png'), texturedImage(S, S, 3, [40, 0, -40]));
  await writePng(join(dir, 'c.png'), texturedImage(S, S, 4, [-40, 0, 40]));
  await sharp(texturedImage(S, S, 4).data, { raw: { width: S, height: S, channels: 3 } })
    .jpeg()
    .toFile(join(dir, 'c_frame_0.jpg')); // same output names as c.png
  await writePng(join(dir, 'dark_frame_0.png'), createRgbImage(S, S));
  writeFileSync(join(dir, 'notes.txt'), 'not a face');
  writeFileSync(join(dir, 'broken_frame_0.png'), Buffer.from('definitely not a png'));
  return dir;
}

const readManifest = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as FakesManifest;

test('SBI folder job: files named by video id, manifest with recipes and problems, resumable', async () => {
  const input = await realFolder();
  const out = join(input, '..', 'dataset');
  const detector = new SyntheticFaceDetector();
  const m = await buildFakes({ inputDir: input, outDir: out, kind: 'sbi', perImage: 2, seed: 5, detector });
  const cls = join(out, 'fake_sbi');
  const pngs = readdirSync(cls)
    .filter((n) => n.endsWith('.png'))
    .sort();
  assert.deepEqual(pngs, [
    'a_frame_0_sbi0.png',
    'a_frame_0_sbi1.png',
    'a_frame_4_sbi0.png',
    'a_frame_4_sbi1.png',
    'b_frame_0_sbi0.png',
    'b_frame_0_sbi1.png',
    'c_frame_0_sbi0.png',
    'c_frame_0_sbi1.png',
  ]);
  assert.deepEqual([...new Set(pngs.map(videoIdFromFrameName))], ['a', 'b', 'c']);
  const onDisk = readManifest(join(cls, 'manifest.json'));
  assert.deepEqual(onDisk, m);
  assert.equal(m.counts.samples, 8);
  assert.equal(m.counts.skipped, 3);
  assert.equal(m.counts.errors, 1);
  const byInput = Object.fromEntries(m.problems.map((p) => [p.input, p]));
  assert.equal(byInput['dark_frame_0.png']?.status, 'skipped');
  assert.match(byInput['dark_frame_0.png']!.reason, /no face/);
  assert.equal(byInput['notes.txt']?.reason, 'not an image file');
  assert.match(byInput['c_frame_0.jpg']!.reason, /would overwrite those of c\.png/);
  assert.equal(byInput['broken_frame_0.png']?.status, 'error');
  const s0 = m.samples.find((s) => s.output === 'a_frame_4_sbi1.png')!;
  assert.deepEqual(s0.sources, ['a_frame_4.png']);
  assert.equal(s0.generator, 'sbi');
  assert.ok('blendRatio' in s0.params);

  // resume: recorded outputs are kept untouched; a deleted one comes back byte-identical
  const before = readFileSync(join(cls, 'a_frame_0_sbi0.png'));
  const mtime = statSync(join(cls, 'b_frame_0_sbi0.png')).mtimeMs;
  rmSync(join(cls, 'a_frame_0_sbi0.png'));
  const again = await buildFakes({
    inputDir: input,
    outDir: out,
    kind: 'sbi',
    perImage: 2,
    seed: 5,
    detector,
  });
  assert.equal(again.counts.samples, 8);
  assert.equal(again.counts.reused, 7);
  assert.deepEqual(readFileSync(join(cls, 'a_frame_0_sbi0.png')), before);
  assert.equal(statSync(join(cls, 'b_frame_0_sbi0.png')).mtimeMs, mtime);
  await assert.rejects(
    buildFakes({ inputDir: input, outDir: out, kind: 'sbi', perImage: 2, seed: 6, detector }),
    (e: unknown) => e instanceof FakesInputError && /other options \(seed 5/.test(e.message),
  );
});

test('same seed, same fakes in a fresh folder; a landmark sidecar replaces detection', async () => {
  const input = await realFolder();
  const lm = faceLikeLandmarks(S, S, 99);
  writeFileSync(join(input, 'c.landmarks.json'), JSON.stringify({ landmarks: lm }));
  const outA = join(input, '..', 'A');
  const outB = join(input, '..', 'B');
  const det = new SyntheticFaceDetector();
  const a = await buildFakes({ inputDir: input, outDir: outA, kind: 'sbi', seed: 3, detector: det });
  const b = await buildFakes({
    inputDir: input,
    outDir: outB,
    kind: 'sbi',
    seed: 3,
    detector: new SyntheticFaceDetector(),
  });
  assert.deepEqual(a.samples, b.samples);
  for (const s of a.samples)
    assert.deepEqual(
      readFileSync(join(outA, 'fake_sbi', s.output)),
      readFileSync(join(outB, 'fake_sbi', s.output)),
    );
  const c = a.samples.find((s) => s.sources[0] === 'c.png')!;
  assert.deepEqual(c.landmarks, ['sidecar']);
  assert.ok(!a.problems.some((p) => p.input.endsWith('.landmarks.json')), 'a sidecar is not a problem');
});

test('swap folder job pairs different identities and records both sources', async () => {
  const input = await realFolder();
  const out = join(input, '..', 'dataset');
  const m = await buildFakes({
    inputDir: input,
    outDir: out,
    kind: 'swap',
    perImage: 2,
    seed: 1,
    pairs: 'cycle',
    detector: new SyntheticFaceDetector(),
  });
  assert.equal(m.pairs, 'cycle');
  assert.equal(m.triangulation, 'delaunay');
  const ok = m.samples;
  assert.equal(ok.length, 8, 'a source without a face is replaced by the next identity');
  for (const s of ok) {
    assert.equal(s.sources.length, 2);
    assert.notEqual(videoIdFromFrameName(s.sources[0]!), videoIdFromFrameName(s.sources[1]!));
    assert.match(s.output, /_swap[01]\.png$/);
  }
  for (const s of ok)
    assert.match(s.sources[1]!, /^(a_frame_[04]\.png|b_frame_0\.png|c\.png|c_frame_0\.jpg)$/);
  assert.equal(m.counts.skipped, 3); // the dark image and c_frame_0.jpg as targets, notes.txt
  assert.equal(m.counts.errors, 1); // the damaged PNG as a target
});

test('bad input: missing, empty or image-less folders and single-identity swaps are clear errors', async () => {
  const root = tempDir('fsvfm-fakes-bad-');
  const detector = new SyntheticFaceDetector();
  const run = (inputDir: string, kind: 'sbi' | 'swap' = 'sbi') =>
    buildFakes({ inputDir, outDir: join(root, 'out'), kind, detector });
  await assert.rejects(run(join(root, 'nope')), /input folder .* does not exist/);
  mkdirSync(join(root, 'empty'));
  await assert.rejects(run(join(root, 'empty')), /no images in .*empty \(looked for \.jpg/);
  mkdirSync(join(root, 'text'));
  writeFileSync(join(root, 'text', 'a.txt'), 'x');
  await assert.rejects(run(join(root, 'text')), /found 1 other files/);
  mkdirSync(join(root, 'one'));
  await writePng(join(root, 'one', 'v_frame_0.png'), texturedImage(S, S, 1));
  await writePng(join(root, 'one', 'v_frame_1.png'), texturedImage(S, S, 2));
  await assert.rejects(run(join(root, 'one'), 'swap'), /at least 2 identities/);
  assert.equal(detector.calls, 0, 'nothing was decoded or detected');
});
