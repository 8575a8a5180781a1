import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calculate, getEerStates, thresholdGrid } from '../src/eval/fasStatistics.js';
import { gridEerThreshold, hter } from '../src/eval/hter.js';
import { officialFasEval } from '../src/eval/officialFas.js';
import { aggregateVideos, type FrameScore, videoIdFromFileName } from '../src/eval/videoAggregation.js';

test('video id is the file name up to the first _frame_', () => {
  assert.equal(videoIdFromFileName('test/fake_four/clip_frame_x_frame_7.png'), 'clip');
  assert.equal(videoIdFromFileName('C:\\data\\youtube_000_frame_14.png'), 'youtube_000');
  assert.equal(videoIdFromFileName('plain.png'), 'plain.png');
});

const frames: FrameScore[] = [
  { file: 'v/a_frame_2.png', label: 0, score: 0.9 },
  { file: 'v/a_frame_10.png', label: 0, score: 0.1 },
  { file: 'v/a_frame_3.png', label: 0, score: null },
  { file: 'v/b_frame_0.png', label: 1, score: null },
  { file: 'v/c_frame_0.png', label: 1, score: 0.2 },
  { file: 'v/c_frame_1.png', label: 1, score: 0.3 },
  { file: 'v/c_frame_2.png', label: 1, score: 0.7 },
];

test('aggregations mean / max / median / vote over lexicographically ordered frames', () => {
  const by = (agg: 'mean' | 'max' | 'median' | 'vote') =>
    aggregateVideos(frames, { aggregation: agg, scoreOf: 'fake' }).videos.map((v) => [v.videoId, v.score]);
  assert.deepEqual(by('mean'), [
    ['a', (0.1 + 0.9) / 2],
    ['c', (0.2 + 0.3 + 0.7) / 3],
  ]);
  assert.deepEqual(by('max'), [
    ['a', 0.9],
    ['c', 0.7],
  ]);
  assert.deepEqual(by('median'), [
    ['a', 0.5],
    ['c', 0.3],
  ]);
  assert.deepEqual(by('vote'), [
    ['a', 0.5],
    ['c', 1 / 3],
  ]);
});

test('no-face policies: skip drops, as-real/as-fake score, abstain keeps a NaN video', () => {
  const skip = aggregateVideos(frames, { noFace: 'skip', scoreOf: 'fake' });
  assert.deepEqual(skip.dropped, ['b']);
  assert.equal(skip.videos.find((v) => v.videoId === 'a')?.facelessFrames, 1);
  const asFake = aggregateVideos(frames, { noFace: 'as-fake', scoreOf: 'fake' });
  assert.equal(asFake.videos.find((v) => v.videoId === 'b')?.score, 1);
  assert.equal(asFake.videos.find((v) => v.videoId === 'a')?.score, (0.1 + 0.9 + 1) / 3);
  const asReal = aggregateVideos(frames, { noFace: 'as-real', scoreOf: 'fake' });
  assert.equal(asReal.videos.find((v) => v.videoId === 'b')?.score, 0);
  const abstain = aggregateVideos(frames, { noFace: 'abstain', scoreOf: 'fake' });
  const b = abstain.videos.find((v) => v.videoId === 'b');
  assert.ok(b?.abstained && Number.isNaN(b.score));
  assert.deepEqual(abstain.dropped, []);
  assert.throws(
    () => aggregateVideos([{ file: 'x.png', label: 0, score: Number.NaN }], { scoreOf: 'fake' }),
    /use null/,
  );
});

test('FAS grid: 10 002 thresholds i/10000 then 1.1; ties keep the largest threshold', () => {
  const g = thresholdGrid();
  assert.equal(g.length, 10002);
  assert.equal(g[5035], 0.5035); // i/10000, not i*(1/10000) = 0.5035000000000001
  assert.equal(g[10001], 1.1);
  // probs separable anywhere in (0.3, 0.6]: the last threshold with |FRR − FAR| = 0 is 0.6
  const st = getEerStates([0.1, 0.3, 0.6, 0.9], [0, 0, 1, 1]);
  assert.equal(st.EER, 0);
  assert.equal(st.thr, 0.6);
  const c = calculate([0.1, 0.3, 0.6, 0.9], [0, 1, 0, 1]);
  assert.deepEqual(c, { APCER: 0.5, BPCER: 0.5, ACER: 0.5, ACC: 0.5 });
});

test('HTER threshold sources: fixed, dev, test-oracle (= EER on the same set)', () => {
  const test_ = {
    labels: [0, 0, 0, 1, 1, 1],
    scores: [0.1, 0.4, 0.6, 0.35, 0.7, 0.8],
    scoreOf: 'real' as const,
  };
  const oracle = hter(test_, { source: 'test-oracle' });
  assert.equal(oracle.thresholdSource, 'test-oracle');
  assert.equal(oracle.hter, gridEerThreshold(test_).eer);
  const fixed = hter(test_, { source: 'fixed', threshold: 0.5 });
  assert.deepEqual([fixed.far, fixed.frr], [1 / 3, 1 / 3]);
  const dev = { labels: [0, 1], scores: [0.2, 0.9], scoreOf: 'real' as const };
  const fromDev = hter(test_, { source: 'dev', dev });
  assert.equal(fromDev.threshold, gridEerThreshold(dev).threshold);
  // P(fake) scores give the same HTER at the mirrored decision
  const asFake = { ...test_, scores: test_.scores.map((s) => 1 - s), scoreOf: 'fake' as const };
  assert.ok(Math.abs(hter(asFake, { source: 'fixed', threshold: 0.5 }).hter - fixed.hter) < 1e-12);
  assert.throws(() => hter(test_, { source: 'dev', dev: { ...dev, scoreOf: 'fake' } }), /one convention/);
});

test('official FAS eval on a 2-frames-per-video toy: HTER == EER, top-1 is a float32 average', () => {
  const logit = (p: number) => Math.log(p / (1 - p));
  const probs = [0.9, 0.8, 0.2, 0.4, 0.7, 0.3];
  const r = officialFasEval({
    logits: probs.map((p) => [0, logit(p)]),
    labels: [1, 1, 0, 0, 1, 1],
    videoIds: [0, 0, 1, 1, 2, 2],
  });
  assert.equal(r.probList.length, 3);
  assert.deepEqual(Array.from(r.labelList), [1, 0, 1]);
  assert.equal(r.validArgs.HTER, r.validArgs.EER);
  assert.equal(r.validArgs.AUC, 1);
  assert.equal(r.validArgs.video_top1_acc, Math.fround(200 / 3));
});
