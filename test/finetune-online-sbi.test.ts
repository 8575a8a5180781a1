import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { type LoadedSbiPairs, loadSbiPairs, type SbiPairsJob } from '../src/data/loaders/sbiPairsJob.js';
import { LoaderPool } from '../src/data/loaders/workerPool.js';
import { SeededRng } from '../src/data/random/seededRng.js';
import { outlineFromParsingMap, outlinePoints } from '../src/data/synthetic/faceOutline.js';
import { onlineSelfBlend } from '../src/data/synthetic/onlineSelfBlend.js';
import { encodeNpy } from '../src/io/npy.js';
import { loadStateDict } from '../src/models/loadStateDict.js';
import { type FinetuneOptions, finetune } from '../src/train/finetune/index.js';
import { outlineSourceOf } from '../src/train/finetune/onlineSbiFaces.js';
import { ckpt, SKIP_REASON, writePng } from './protocol-fixtures.js';
import { scratchDir } from './scratchDir.js';
import { texturedImage } from './synthetic-fixtures.js';

const SIDE = 224;

/** A LaPa map of an upright face: an elliptic skin region with two brow bands in its upper part. */
function faceMap(side: number): Int8Array {
  const labels = new Int8Array(side * side);
  const cx = side / 2;
  const cy = side * 0.52;
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++) {
      const u = (x - cx) / (side * 0.3);
      const v = (y - cy) / (side * 0.4);
      if (u * u + v * v > 1) continue;
      const brow = y >= side * 0.36 && y < side * 0.4 && Math.abs(x - cx) > side * 0.05;
      labels[y * side + x] = brow ? (x < cx ? 2 : 3) : 1;
    }
  return labels;
}

let root = '';
let maps = '';

before(async () => {
  root = scratchDir('fsvfm-online-sbi-');
  maps = path.join(root, 'maps');
  mkdirSync(maps, { recursive: true });
  const map = encodeNpy({ dtype: 'int8', shape: [1, SIDE, SIDE], data: faceMap(SIDE) });
  for (let i = 0; i < 4; i++) {
    const face = texturedImage(SIDE, SIDE, 10 + i, [i * 10, 0, 20]);
    await writePng(path.join(root, 'data', 'train', 'real', `face${i}.png`), face.data);
    writeFileSync(path.join(maps, `face${i}.npy`), map);
  }
  // a pre-made fake: online SBI leaves it out (it only names the fake class)
  const other = texturedImage(SIDE, SIDE, 99);
  await writePng(path.join(root, 'data', 'train', 'fake_sbi', 'face0_sbi0.png'), other.data);
});

test('the hull without the forehead keeps only points at or below the brows', () => {
  const o = outlineFromParsingMap({ width: SIDE, height: SIDE, labels: faceMap(SIDE) });
  assert.equal(o.browTop, Math.ceil(SIDE * 0.36));
  const all = outlinePoints(o, true);
  const low = outlinePoints(o, false);
  assert.ok(low.length < all.length && low.every((q) => q[1] >= o.browTop!));
});

test('an online self-blend is reproducible from its generator, changes the face only, and keeps the size', () => {
  const img = texturedImage(64, 64, 4);
  const small = faceMap(64);
  const o = outlineFromParsingMap({ width: 64, height: 64, labels: small });
  const a = onlineSelfBlend(img, o, new SeededRng(7));
  const b = onlineSelfBlend(img, o, new SeededRng(7));
  assert.deepEqual(a.fake.data, b.fake.data);
  assert.deepEqual(a.real.data, b.real.data);
  assert.equal(a.fake.width, 64);
  assert.notDeepEqual(a.fake.data, a.real.data);
  assert.ok([0.25, 0.5, 0.75, 1].includes(a.params.blendRatio));
  assert.ok(a.params.perturbed === 'source' || a.params.perturbed === 'target');
  // the other draws differ
  const c = onlineSelfBlend(img, o, new SeededRng(8));
  assert.notDeepEqual(c.fake.data, a.fake.data);
});

test('a worker thread makes the same pairs as the main thread (JPEG and jitter included)', async () => {
  const job: SbiPairsJob = {
    kind: 'sbi-pairs',
    items: [0, 1].map((i) => ({
      image: path.join(root, 'data', 'train', 'real', `face${i}.png`),
      outline: { kind: 'parsing-map' as const, path: path.join(maps, `face${i}.npy`) },
      seed: 100 + i,
    })),
    sbi: {},
    post: { jitterProb: 1, jpegProb: 1, jpegQuality: [40, 60] },
  };
  const inline = await loadSbiPairs(job);
  const pool = new LoaderPool(1);
  try {
    const threaded = (await pool.run(job)) as LoadedSbiPairs;
    for (let i = 0; i < 2; i++) {
      assert.deepEqual(Buffer.from(threaded.fakes[i]!.data), Buffer.from(inline.fakes[i]!.data));
      assert.deepEqual(Buffer.from(threaded.reals[i]!.data), Buffer.from(inline.reals[i]!.data));
    }
  } finally {
    await pool.close();
  }
});

const bitsEqual = (a: Float32Array, b: Float32Array) =>
  a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

const opts = (): Omit<FinetuneOptions, 'outputDir'> => ({
  dataPath: [path.join(root, 'data')],
  finetune: ckpt('pretrain-online.pth'),
  model: 'custom',
  numHeads: 3,
  trainable: 'fs-adapter',
  batchSize: 4,
  epochs: 2,
  warmupEpochs: 1,
  blr: 0.05,
  aa: null,
  mixup: 0,
  cutmix: 0,
  onlineSbi: true,
  sbiMaps: [maps],
  wholeJitter: 0.5,
  workers: 1,
  runtime: { threads: 2 },
});

test('online SBI: an interrupted run resumed from checkpoint-last.pth ends bit-identical to an uninterrupted one', {
  skip: SKIP_REASON,
}, async () => {
  const logs: string[] = [];
  const straight = await finetune(
    { ...opts(), outputDir: path.join(root, 'straight') },
    { onLog: (l) => logs.push(l) },
  );
  assert.equal(straight.epochsDone, 2);
  assert.ok(
    logs.some((l) => /online SBI: 4 real faces.*1 pre-made fake/.test(l)),
    logs.join('\n'),
  );
  const args = readFileSync(path.join(root, 'straight', 'log.txt'), 'utf8');
  assert.equal(args.trim().split('\n').length, 2);
  const ctl = new AbortController();
  let steps = 0;
  // 2 steps per epoch (4 faces + 4 fresh fakes, batch 4): stop in the middle of the second epoch
  const cut = await finetune(
    { ...opts(), outputDir: path.join(root, 'cut') },
    {
      signal: ctl.signal,
      onStep: () => {
        if (++steps === 3) ctl.abort();
      },
    },
  );
  assert.equal(cut.interrupted, true);
  const resumed = await finetune({ ...opts(), outputDir: path.join(root, 'cut'), resume: cut.last! });
  assert.equal(resumed.interrupted, false);
  const a = (await loadStateDict(straight.last!)).stateDict;
  const b = (await loadStateDict(resumed.last!)).stateDict;
  for (const [k, t] of a) assert.ok(bitsEqual(t.data, b.get(k)!.data), `${k} differs after resume`);
  // another worker count gives the same run: the blends do not depend on where they are made
  const inline = await finetune({ ...opts(), workers: 0, epochs: 2, outputDir: path.join(root, 'inline') });
  const c = (await loadStateDict(inline.last!)).stateDict;
  for (const [k, t] of a) assert.ok(bitsEqual(t.data, c.get(k)!.data), `${k} differs without workers`);
});

test('--online_sbi needs an even batch', async () => {
  await assert.rejects(
    finetune({ ...opts(), batchSize: 3, outputDir: path.join(root, 'odd') }),
    /--online_sbi pairs each real face with its fake: --batch_size must be even, got 3/,
  );
});

test('listed images with --jpeg_prob: an interrupted run resumed ends bit-identical to an uninterrupted one', {
  skip: SKIP_REASON,
}, async () => {
  const listed = { ...opts(), onlineSbi: false, jpegProb: 0.5, jpegQuality: [30, 90] as const, batchSize: 2 };
  const straight = await finetune({ ...listed, outputDir: path.join(root, 'jpeg-straight') });
  const ctl = new AbortController();
  let steps = 0;
  const cut = await finetune(
    { ...listed, outputDir: path.join(root, 'jpeg-cut') },
    {
      signal: ctl.signal,
      onStep: () => {
        if (++steps === 3) ctl.abort();
      },
    },
  );
  assert.equal(cut.interrupted, true);
  const resumed = await finetune({ ...listed, outputDir: path.join(root, 'jpeg-cut'), resume: cut.last! });
  const a = (await loadStateDict(straight.last!)).stateDict;
  const b = (await loadStateDict(resumed.last!)).stateDict;
  for (const [k, t] of a) assert.ok(bitsEqual(t.data, b.get(k)!.data), `${k} differs after resume`);
});

test('a face with a landmark sidecar instead of a parsing map blends too', async () => {
  const dir = path.join(root, 'sidecar');
  mkdirSync(dir, { recursive: true });
  const image = path.join(dir, 'face.png');
  await writePng(image, texturedImage(SIDE, SIDE, 21).data);
  // 468 points on an ellipse around the face centre
  const landmarks = Array.from({ length: 468 }, (_, i) => {
    const a = (2 * Math.PI * i) / 468;
    return [SIDE / 2 + SIDE * 0.3 * Math.cos(a), SIDE / 2 + SIDE * 0.4 * Math.sin(a)];
  });
  writeFileSync(path.join(dir, 'face.landmarks.json'), JSON.stringify({ landmarks }));
  const outline = outlineSourceOf(image, []);
  assert.equal(outline?.kind, 'landmarks');
  const r = await loadSbiPairs({
    kind: 'sbi-pairs',
    items: [{ image, outline: outline!, seed: 5 }],
    sbi: {},
    post: { jitterProb: 0, jpegProb: 0, jpegQuality: [40, 100] },
  });
  assert.notDeepEqual(Buffer.from(r.fakes[0]!.data), Buffer.from(r.reals[0]!.data));
});
