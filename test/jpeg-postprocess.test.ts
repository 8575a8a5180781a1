import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { jpegReencode } from '../src/data/media/jpegReencode.js';
import { SeededRng } from '../src/data/random/seededRng.js';
import {
  applyPostprocess,
  drawJpegQuality,
  drawPostprocess,
} from '../src/data/transforms/trainingPostprocess.js';
import { evaluate } from '../src/eval/protocols/index.js';
import { ckpt, fixtureFaces, SKIP_REASON, writePng } from './protocol-fixtures.js';
import { scratchDir } from './scratchDir.js';
import { texturedImage } from './synthetic-fixtures.js';

test('JPEG round trip: same size, changed pixels, the same bytes each time; lower quality, larger change', async () => {
  const img = texturedImage(48, 40, 3);
  const q90 = await jpegReencode(img, 90);
  assert.equal(q90.width, 48);
  assert.equal(q90.height, 40);
  assert.deepEqual((await jpegReencode(img, 90)).data, q90.data);
  const err = (a: Uint8Array) => a.reduce((s, v, i) => s + Math.abs(v - img.data[i]!), 0);
  const q20 = await jpegReencode(img, 20);
  assert.ok(err(q90.data) > 0 && err(q20.data) > err(q90.data));
  await assert.rejects(jpegReencode(img, 0), /JPEG quality must be an integer in 1..100, got 0/);
});

test('JPEG draw: within the range, about p of the time, and no draw at p 0', () => {
  const rng = new SeededRng(1);
  const state = JSON.stringify(rng.getState());
  assert.equal(drawJpegQuality(rng, 0, [40, 100]), null);
  assert.equal(JSON.stringify(rng.getState()), state);
  const qs = Array.from({ length: 2000 }, () => drawJpegQuality(rng, 0.5, [40, 100]));
  const drawn = qs.filter((q): q is number => q !== null);
  assert.ok(Math.abs(drawn.length / qs.length - 0.5) < 0.05);
  assert.ok(drawn.every((q) => Number.isInteger(q) && q >= 40 && q <= 100));
  assert.ok(drawn.includes(40) && drawn.includes(100));
});

test('one post-processing draw gives a real face and its fake the same change', async () => {
  const real = texturedImage(32, 32, 5);
  const fake = texturedImage(32, 32, 5);
  const d = drawPostprocess(new SeededRng(4), { jitterProb: 1, jpegProb: 1, jpegQuality: [40, 100] });
  assert.ok(d.jitter && d.jpegQuality !== null);
  assert.deepEqual((await applyPostprocess(real, d)).data, (await applyPostprocess(fake, d)).data);
});

test('eval --jpeg_quality compresses the test images before scoring and says so', {
  skip: SKIP_REASON,
}, async () => {
  const root = scratchDir('fsvfm-eval-jpeg-');
  const faces = fixtureFaces();
  for (let i = 0; i < 4; i++)
    await writePng(
      path.join(root, 'test', i % 2 ? 'fake' : 'real', `vid${i >> 1}_frame_${i}.png`),
      faces[i]!,
    );
  const run = (out: string, jpegQuality?: number) =>
    evaluate({
      protocol: 'dfd',
      checkpoint: ckpt('fsadapter-vit.pth'),
      data: [`fixture=${root}`],
      out: path.join(root, out),
      model: 'custom',
      numHeads: 3,
      batchSize: 4,
      ...(jpegQuality ? { jpegQuality } : {}),
    });
  const plain = await run('plain');
  const q = await run('q30', 30);
  const scores = (f: string) =>
    readFileSync(f, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',').at(-1));
  assert.notDeepEqual(scores(q.files.scores), scores(plain.files.scores));
  const json = JSON.parse(readFileSync(q.files.json, 'utf8')) as { notes: string[] };
  assert.ok(json.notes.some((n) => /JPEG-compressed at quality 30/.test(n)));
});
