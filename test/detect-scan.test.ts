import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { cropRecipe } from '../src/data/crops/index.js';
import { FaceDetector, type FaceDetectorThread } from '../src/data/faces/index.js';
import { toTensorNormalized } from '../src/data/transforms/normalize.js';
import { aggregateScores, Detector, linkTracks, parseCalibration } from '../src/detect/index.js';
import { compile, Graph } from '../src/graph/index.js';
import { VGGFACE2_STATS } from '../src/io/normStats.js';
import { detectorSpec, detectorWeights, traceDetector } from '../src/models/detectorGraph.js';
import { loadStateDict } from '../src/models/loadStateDict.js';
import { loadStill, repoRoot } from './faces-media.js';
import { needsOracle, oraclePath } from './oracle-fixtures.js';
import { scratchDir } from './scratchDir.js';

const model = oraclePath('checkpoints/finetune-vit.pth');
const pretrain = oraclePath('checkpoints/pretrain-online.pth');
const skip = needsOracle;
const ffmpeg = join(repoRoot, 'node_modules/@ffmpeg-installer/linux-x64/ffmpeg');
const media = join(repoRoot, 'test/fixtures/media');

let detector: Detector;
let dir: string;

before(async () => {
  if (skip) return;
  detector = await Detector.create({ model, numHeads: 3 });
  dir = scratchDir('fsvfm-scan-');
});
after(() => detector?.dispose());

for (const still of ['astronaut.png', 'grace_hopper.jpg']) {
  test(`scanImage(${still}): one face, P(fake) equals the detector graph run directly on the crop`, {
    skip,
  }, async () => {
    const item = await detector.scanImage(join(media, still));
    assert.equal(item.status, 'ok');
    assert.equal(item.frames.length, 1);
    assert.equal(item.frames[0]!.faces.length, 1);
    const p = item.p_fake!;
    assert.ok(p >= 0 && p <= 1);
    assert.equal(item.verdict, p >= 0.5 ? 'fake' : 'real');
    assert.equal(item.model.normalisation.source, 'vggface2');
    assert.match(
      item.model.normalisation.warning ?? '',
      /no pretrain_ds_mean_std\.txt next to .*VGGFace2 statistics mean \[0\.548/,
    );
    assert.equal(item.model.recipe, 'fsfm-dlib-1.3');
    // reference: detect + crop + normalise by hand, run the traced graph with parameters as inputs
    const img = await loadStill(still);
    const faces = await (await FaceDetector.create()).detect(img);
    const cut = cropRecipe('fsfm-dlib-1.3').crop(img, faces[0]!);
    assert.deepEqual(item.frames[0]!.faces[0]!.crop_box, cut.box);
    const crop = cut.image;
    const { stateDict } = await loadStateDict(model);
    const spec = detectorSpec(stateDict, { numHeads: 3 });
    const g = new Graph();
    const t = traceDetector(g, spec, 1);
    const exe = await compile({ p_fake: t.pFake! });
    const feeds: Record<string, Float32Array> = { images: toTensorNormalized(crop, VGGFACE2_STATS) };
    for (const [k, v] of detectorWeights(spec, stateDict)) if (t.paramNames.includes(k)) feeds[k] = v.data;
    const ref = ((await exe.run(feeds)).p_fake!.data as Float32Array)[0]!;
    assert.ok(Math.abs(ref - p) < 1e-5, `scan ${p} vs direct ${ref}`);
  });
}

test('an image without a face abstains; a corrupt file is an error item', { skip }, async () => {
  const gray = join(dir, 'gray.png');
  execFileSync(ffmpeg, [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'color=c=gray:s=160x160',
    '-frames:v',
    '1',
    gray,
  ]);
  const a = await detector.scanImage(gray);
  assert.equal(a.status, 'abstain');
  assert.equal(a.reason, 'no face found');
  assert.equal(a.p_fake, null);
  assert.equal(a.verdict, null);
  const broken = join(dir, 'broken.jpg');
  writeFileSync(broken, Buffer.from('\xff\xd8\xff\xe0 this is not really a jpeg', 'latin1'));
  const e = await detector.scanFile(broken);
  assert.equal(e.status, 'error');
  assert.match(e.reason!, /^unreadable/);
});

test('a face below the minimum size is not scored and the image abstains saying why', { skip }, async () => {
  const d = await Detector.create({ model, numHeads: 3, minFaceSize: 1000 });
  try {
    const item = await d.scanImage(join(media, 'astronaut.png'));
    assert.equal(item.status, 'abstain');
    assert.match(item.reason!, /face too small/);
    assert.equal(item.frames[0]!.faces[0]!.p_fake, null);
  } finally {
    d.dispose();
  }
});

test('scanPath on a folder with mixed files reports one item each, in path order', { skip }, async () => {
  const root = join(dir, 'mixed');
  mkdirSync(join(root, 'sub'), { recursive: true });
  copyFileSync(join(media, 'astronaut.png'), join(root, 'a.png'));
  writeFileSync(join(root, 'notes.txt'), 'hello\n');
  writeFileSync(join(root, 'sub/cut.jpg'), Buffer.alloc(100, 7));
  const items = await detector.scanPath(root, { jobs: 2 });
  assert.deepEqual(
    items.map((i) => [i.input.slice(root.length + 1), i.status]),
    [
      ['a.png', 'ok'],
      ['notes.txt', 'error'],
      ['sub/cut.jpg', 'error'],
    ],
  );
});

/** A folder `name` in the test folder holding copies of `stills` (test media), named to scan in the given order. */
function stillsFolder(name: string, stills: readonly string[]): string {
  const root = join(dir, name);
  mkdirSync(root, { recursive: true });
  for (const [i, still] of stills.entries()) copyFileSync(join(media, still), join(root, `${i}-${still}`));
  return root;
}

/** Four stills, each test image twice: enough for 3 files in flight at once. */
const TWO_OF_EACH = ['astronaut.png', 'grace_hopper.jpg', 'astronaut.png', 'grace_hopper.jpg'];

const withoutTiming = (items: Awaited<ReturnType<Detector['scanPath']>>) =>
  items.map(({ elapsed_ms: _t, ...rest }) => rest);

test('concurrent stills (crops batched across images) score as one at a time does', { skip }, async () => {
  const root = stillsFolder('stills', ['astronaut.png', 'grace_hopper.jpg', 'astronaut.png']);
  const summary = (items: Awaited<ReturnType<Detector['scanPath']>>) =>
    items.map((it) => ({
      input: it.input,
      status: it.status,
      faces: it.frames[0]!.faces.map((f) => ({ box: f.box, crop_box: f.crop_box, p_fake: f.p_fake })),
    }));
  const one = summary(await detector.scanPath(root, { jobs: 1 }));
  const three = summary(await detector.scanPath(root, { jobs: 3 }));
  assert.equal(three.length, 3);
  for (const [k, a] of one.entries()) {
    const b = three[k]!;
    assert.equal(b.input, a.input);
    assert.equal(b.status, 'ok');
    assert.deepEqual(
      b.faces.map((f) => [f.box, f.crop_box]),
      a.faces.map((f) => [f.box, f.crop_box]),
    );
    for (const [j, f] of a.faces.entries()) assert.ok(Math.abs(b.faces[j]!.p_fake! - f.p_fake!) < 1e-6);
  }
});

test('int8: concurrent stills (faces and dlib windows found in the face thread) score exactly as one at a time', {
  skip,
}, async () => {
  const root = stillsFolder('stills-int8', TWO_OF_EACH);
  const int8 = await Detector.create({ model, numHeads: 3, precision: 'int8' });
  try {
    const one = withoutTiming(await int8.scanPath(root, { jobs: 1 }));
    // at most 4 crops queue (half the batch of 8), so each still still runs alone in the batch-1 program
    const three = withoutTiming(await int8.scanPath(root, { jobs: 3 }));
    assert.ok(one.every((it) => it.status === 'ok'));
    assert.deepEqual(three, one);
  } finally {
    int8.dispose();
  }
});

test('a face thread that dies mid-folder costs the overlap, not the scan: its stills are found here instead', {
  skip,
}, async () => {
  const root = stillsFolder('stills-thread-dies', TWO_OF_EACH);
  const detector = await Detector.create({ model, numHeads: 3 });
  try {
    const one = withoutTiming(await detector.scanPath(root, { jobs: 1 }));
    await detector.prepareStills();
    const thread = await (detector as unknown as { faceThread: Promise<FaceDetectorThread> }).faceThread;
    // the thread goes away once the first still is done, as a crashed worker would, with the next ones in flight
    const two = withoutTiming(
      await detector.scanPath(root, {
        jobs: 2,
        onItem: (_item, done) => {
          if (done === 1) void thread.dispose();
        },
      }),
    );
    assert.equal(thread.alive, false);
    assert.ok(one.every((it) => it.status === 'ok'));
    assert.deepEqual(two, one);
  } finally {
    detector.dispose();
  }
});

test('scanVideo: sampled frames, one track, video P(fake) = mean of the frame scores', { skip }, async () => {
  const clip = join(dir, 'clip.mp4');
  execFileSync(ffmpeg, [
    '-v',
    'error',
    '-y',
    '-loop',
    '1',
    '-i',
    join(media, 'grace_hopper.jpg'),
    '-t',
    '2',
    '-r',
    '10',
    '-vf',
    'scale=320:-2',
    '-pix_fmt',
    'yuv420p',
    clip,
  ]);
  const progress: number[] = [];
  const d = await Detector.create({ model, numHeads: 3, onProgress: (p) => progress.push(p.done) });
  try {
    const item = await d.scanVideo(clip, { frames: 6 });
    assert.equal(item.status, 'ok');
    assert.equal(item.media, 'video');
    assert.equal(item.aggregate, 'mean');
    assert.deepEqual(
      item.frames.map((f) => f.index),
      [0, 3, 7, 11, 15, 19],
    );
    assert.equal(item.tracks.length, 1);
    assert.deepEqual(item.tracks[0]!.frames, [0, 3, 7, 11, 15, 19]);
    const scores = item.frames.map((f) => f.p_fake!);
    const mean = scores.reduce((s, v) => s + v, 0) / scores.length;
    assert.ok(Math.abs(item.p_fake! - mean) < 1e-12);
    assert.ok(item.frames[1]!.time_s! > 0.29 && item.frames[1]!.time_s! < 0.31);
    assert.ok(progress.length >= 6);
  } finally {
    d.dispose();
  }
});

test('an aborted signal stops a scan', { skip }, async () => {
  const controller = new AbortController();
  controller.abort(new Error('stop now'));
  await assert.rejects(
    detector.scanImage(join(media, 'astronaut.png'), { signal: controller.signal }),
    /stop now/,
  );
  const late = new AbortController();
  const run = detector.scanPath(media, {
    signal: late.signal,
    onItem: () => late.abort(new Error('stopped after one')),
  });
  await assert.rejects(run, /stopped after one/);
});

test('explanations: attention rollout and masked-reconstruction heatmaps as PNG data URIs', {
  skip,
}, async () => {
  const d = await Detector.create({ model, numHeads: 3, explainWith: pretrain, explainDecoderHeads: 4 });
  try {
    const item = await d.scanImage(join(media, 'astronaut.png'), { explain: true });
    const face = item.frames[0]!.faces[0]!;
    assert.match(face.crop!, /^data:image\/png;base64,/);
    assert.match(face.heatmaps!.attention_rollout!, /^data:image\/png;base64,/);
    assert.match(face.heatmaps!.reconstruction_error!, /^data:image\/png;base64,/);
  } finally {
    d.dispose();
  }
});

test('calibration files, score aggregation and track linking', () => {
  assert.deepEqual(parseCalibration('{"threshold": 0.3, "source": "EER on val"}'), {
    threshold: 0.3,
    source: 'EER on val',
  });
  assert.throws(() => parseCalibration('{"threshold": 3}'), /\[0, 1\]/);
  assert.equal(aggregateScores([0.2, 0.4, 0.9], 'mean'), 0.5);
  assert.equal(aggregateScores([0.2, 0.4, 0.9], 'max'), 0.9);
  const box = (x: number) => ({ x, y: 10, width: 50, height: 50 });
  // two faces swap list order between frames; a third appears far away
  assert.deepEqual(
    linkTracks([
      [box(0), box(200)],
      [box(205), box(4)],
      [box(8), box(500)],
    ]),
    [
      [0, 1],
      [1, 0],
      [0, 2],
    ],
  );
});
