import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  argmaxPrediction,
  balancedAccuracyScore,
  predictionsFromProbabilities,
} from '../src/eval/accuracy.js';
import { averagePrecision } from '../src/eval/ap.js';
import { mannWhitneyAuc, rocAuc, trapezoidAuc } from '../src/eval/auc.js';
import { brentq } from '../src/eval/brentq.js';
import { EER_METHODS, equalErrorRate } from '../src/eval/eer.js';
import { npInterp } from '../src/eval/npInterp.js';
import { numpySum } from '../src/eval/pairwiseSum.js';
import { rocCurve } from '../src/eval/roc.js';
import { complementScores } from '../src/eval/scores.js';
import { summarizeBinary } from '../src/eval/summary.js';
import { tprAtFpr } from '../src/eval/tprAtFpr.js';

test('sklearn documentation example: ROC points, AUC 0.75, AP 0.8333', () => {
  const set = { labels: [1, 1, 0, 0], scores: [0.1, 0.4, 0.35, 0.8], scoreOf: 'fake' as const };
  // fake is positive: y_pos = [0, 0, 1, 1]
  const roc = rocCurve(set);
  assert.deepEqual(Array.from(roc.fpr), [0, 0, 0.5, 0.5, 1]);
  assert.deepEqual(Array.from(roc.tpr), [0, 0.5, 0.5, 1, 1]);
  assert.deepEqual(Array.from(roc.thresholds), [1.8, 0.8, 0.4, 0.35, 0.1]);
  assert.equal(rocAuc(set), 0.75);
  assert.equal(averagePrecision(set), 0.8333333333333333);
});

test('drop_intermediate removes collinear points and keeps the end points', () => {
  const set = {
    labels: [1, 1, 1, 0, 0, 0],
    scores: [0.9, 0.8, 0.7, 0.3, 0.2, 0.1],
    scoreOf: 'real' as const,
  };
  const roc = rocCurve(set);
  // the first threshold always stays (sklearn keeps index 0 of the curve before prepending (0, 0))
  assert.deepEqual(Array.from(roc.fpr), [0, 0, 0, 1]);
  assert.deepEqual(Array.from(roc.tpr), [0, 1 / 3, 1, 1]);
  const full = rocCurve(set, { dropIntermediate: false, firstThreshold: 'inf' });
  assert.equal(full.fpr.length, 7);
  assert.equal(full.thresholds[0], Number.POSITIVE_INFINITY);
});

test('all scores tied: one ROC segment, AUC 0.5, EER 0.5 by every method', () => {
  const set = { labels: [0, 1, 0, 1, 1], scores: [0.3, 0.3, 0.3, 0.3, 0.3], scoreOf: 'real' as const };
  const roc = rocCurve(set);
  assert.deepEqual(Array.from(roc.fpr), [0, 1]);
  assert.deepEqual(Array.from(roc.tpr), [0, 1]);
  assert.equal(rocAuc(set), 0.5);
  for (const m of EER_METHODS) {
    const { eer } = equalErrorRate(set, m);
    assert.ok(m === 'nearest' ? eer === 0 || eer === 1 : Math.abs(eer - 0.5) < 1e-12, `${m}: ${eer}`);
  }
  // tie → class 0 (fake) for the argmax rule
  assert.deepEqual(
    Array.from(predictionsFromProbabilities({ ...set, scores: [0.5, 0.5, 0.5, 0.5, 0.5] })),
    [0, 0, 0, 0, 0],
  );
});

test('perfectly separable: AUC 1, EER 0, TPR@FPR=1% = 1, accuracy 1', () => {
  const set = { labels: [0, 0, 0, 1, 1], scores: [0.9, 0.8, 0.7, 0.2, 0.1], scoreOf: 'fake' as const };
  assert.equal(rocAuc(set), 1);
  for (const m of EER_METHODS) assert.equal(equalErrorRate(set, m).eer, 0, m);
  assert.equal(tprAtFpr(set), 1);
  const s = summarizeBinary(set);
  assert.equal(s.accuracy, 1);
  assert.equal(s.balancedAccuracy, 1);
  assert.equal(s.hter.hter, 0);
});

test('single-class sets: AUC/EER/ROC are NaN (documented policy), accuracies still defined, no exception', () => {
  const set = { labels: [1, 1, 1], scores: [0.2, 0.6, 0.9], scoreOf: 'real' as const };
  assert.ok(Number.isNaN(rocAuc(set)));
  for (const m of EER_METHODS) assert.ok(Number.isNaN(equalErrorRate(set, m).eer));
  assert.ok(Number.isNaN(rocCurve(set).fpr[1]));
  const s = summarizeBinary(set);
  assert.ok(Number.isNaN(s.auc));
  assert.equal(s.accuracy, 2 / 3);
  assert.equal(s.balancedAccuracy, 2 / 3); // recall of the only true class
  assert.equal(s.counts.fake, 0);
  assert.ok(Number.isNaN(averagePrecision({ ...set, scoreOf: 'fake' }))); // no positive sample
});

test('invalid input is rejected with a clear message', () => {
  assert.throws(
    () => rocAuc({ labels: [0, 1], scores: [0.1, Number.NaN], scoreOf: 'fake' }),
    /score #1 is NaN/,
  );
  assert.throws(() => rocAuc({ labels: [0, 2], scores: [0.1, 0.2], scoreOf: 'fake' }), /label #1 is 2/);
  assert.throws(
    () => rocAuc({ labels: [0, 1, 1], scores: [0.1, 0.2], scoreOf: 'fake' }),
    /3 labels but 2 scores/,
  );
  assert.throws(() => rocAuc({ labels: [], scores: [], scoreOf: 'fake' }), /no samples/);
  assert.throws(
    () => summarizeBinary({ labels: [0, 1], scores: [0.1, Number.POSITIVE_INFINITY], scoreOf: 'real' }),
    /finite/,
  );
});

test('AUC and EER do not depend on the score convention; trapezoid AUC equals the Mann-Whitney AUC', () => {
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const labels = Array.from({ length: 300 }, () => (rand() < 0.4 ? 1 : 0));
  const pReal = labels.map((y) => Math.round((0.35 * y + 0.65 * rand()) * 50) / 50); // coarse ⇒ many ties
  const real = { labels, scores: pReal, scoreOf: 'real' as const };
  const fake = { labels, scores: complementScores(pReal), scoreOf: 'fake' as const };
  assert.ok(Math.abs(rocAuc(real) - rocAuc(fake)) < 1e-12);
  assert.ok(Math.abs(rocAuc(real) - mannWhitneyAuc(labels, pReal)) < 1e-12);
  for (const m of ['fsfm-brent', 'intersect'] as const) {
    assert.ok(Math.abs(equalErrorRate(real, m).eer - equalErrorRate(fake, m).eer) < 1e-9, m);
  }
  assert.ok(Math.abs(equalErrorRate(real, 'fsfm-brent').eer - equalErrorRate(real, 'intersect').eer) < 1e-9);
});

test('nearest EER picks the first ROC vertex minimising |FNR − FPR|', () => {
  const set = {
    labels: [0, 0, 1, 0, 1, 1],
    scores: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
    scoreOf: 'real' as const,
  };
  const roc = rocCurve(set);
  const r = equalErrorRate(set, 'nearest');
  const k = Array.from(roc.fpr).indexOf(r.eer);
  assert.ok(k >= 0);
  assert.equal(r.threshold, roc.thresholds[k]);
  for (let j = 0; j < roc.fpr.length; j++) {
    assert.ok(Math.abs(1 - roc.tpr[k] - roc.fpr[k]) <= Math.abs(1 - roc.tpr[j] - roc.fpr[j]));
  }
});

test('np.interp semantics on repeated x take the last point; brentq finds roots like SciPy', () => {
  const xp = [0, 0.5, 0.5, 1];
  const fp = [0, 0.2, 0.8, 1];
  assert.equal(npInterp(0.5, xp, fp), 0.8);
  assert.equal(npInterp(0.25, xp, fp), 0.1);
  assert.equal(npInterp(0.75, xp, fp), 0.9);
  assert.equal(npInterp(1, xp, fp), 1);
  const root = brentq((x) => x * x - 2, 0, 2);
  assert.ok(Math.abs(root - Math.SQRT2) < 4e-12);
  assert.throws(() => brentq((x) => x + 1, 0, 1), /different signs/);
});

test('NumPy pairwise summation order differs from a naive sum where it should', () => {
  const v = Array.from({ length: 300 }, (_, i) => 0.1 * (i % 7) + 1e-3 / (i + 1));
  let naive = 0;
  for (const x of v) naive += x;
  assert.ok(Math.abs(numpySum(v) - naive) < 1e-10);
  assert.equal(numpySum([1, 2, 3]), 6);
  assert.equal(trapezoidAuc([1, 0.5, 0], [1, 1, 0]), 0.75); // decreasing x is allowed (sklearn direction = -1)
  assert.throws(() => trapezoidAuc([0, 1, 0.5], [0, 1, 1]), /neither increasing nor decreasing/);
});

test('argmax tie rule and balanced accuracy ignore classes that are only predicted', () => {
  assert.equal(argmaxPrediction([0.25, 0.25]), 0);
  assert.equal(argmaxPrediction([0.25, 0.250001]), 1);
  assert.equal(balancedAccuracyScore([0, 0, 0, 0], [0, 1, 1, 0]), 0.5);
  assert.equal(balancedAccuracyScore([0, 0, 1, 1], [0, 1, 1, 1]), 0.75);
});
