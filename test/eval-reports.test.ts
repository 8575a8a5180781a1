import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { bootstrapInterval, percentileSorted } from '../src/eval/bootstrap.js';
import { renderHtmlReport } from '../src/eval/htmlReport.js';
import {
  formatDfdTestResults,
  formatFasPerformanceCsv,
  formatImageLevelTestResults,
} from '../src/eval/officialReports.js';
import { pyFixed, pyRepr } from '../src/eval/pythonFormat.js';
import {
  type EvaluationResult,
  RESULT_SCHEMA,
  scoreHistogram,
  serializeResult,
} from '../src/eval/resultSchema.js';
import { summarizeBinary } from '../src/eval/summary.js';
import { writeFileAtomic } from '../src/io/atomicWrite.js';
import { scratchDir } from './scratchDir.js';

test('Python float formatting: repr and {:.3f} (half to even on the exact value)', () => {
  assert.deepEqual([100, 1e-5, 0.0001, 1e16, 66.80000305175781, -2.5e-7].map(pyRepr), [
    '100.0',
    '1e-05',
    '0.0001',
    '1e+16',
    '66.80000305175781',
    '-2.5e-07',
  ]);
  assert.deepEqual(
    [pyFixed(0.125, 2), pyFixed(0.375, 2), pyFixed(2.5, 0), pyFixed(81.25000000000001, 3)],
    ['0.12', '0.38', '2', '81.250'],
  );
});

test('DfD / DiFF test_results.txt lines follow the official printout', () => {
  const text = formatDfdTestResults([
    {
      dataset: 'Celeb-DF-v2',
      images: 38,
      frame: {
        balancedAcc: 71.72619047619048,
        auc: 81.25000000000001,
        eer: 0.24999999999989164,
        loss: 0.5403859317302704,
      },
      video: { balancedAcc: 75, auc: 87.5, eer: 0.24999999999988123 },
    },
  ]);
  assert.match(text, /--Metrics of the network testing on the Celeb-DF-v2 dataset with 38 test imgs--/);
  assert.match(
    text,
    /\*\[------FRAME-LEVEL------\] \nBalanced_Acc 71\.726 Auc 81\.250 EER 0\.250 loss 0\.540\n/,
  );
  assert.match(text, /\*\[------VIDEO-LEVEL------\] \nBalanced_Acc 75\.000 Auc 87\.500 EER 0\.250\n/);
  const diff = formatImageLevelTestResults([
    {
      dataset: 'DiFF_T2I',
      images: 10,
      acc: 65,
      balancedAcc: 65,
      auc: 71.75,
      eer: 0.35000000000000003,
      loss: 0.6,
    },
  ]);
  assert.match(diff, /Acc 65\.000 Balanced_Acc 65\.000 Auc 71\.750 EER 0\.350 loss 0\.600/);
});

test('FAS performance.csv: runs ×100, Mean and population Std dev', () => {
  const csv = formatFasPerformanceCsv([
    { hter: 0.05, auc: 0.99, tprAtFpr1: 0.5 },
    { hter: 0.07, auc: 0.97, tprAtFpr1: 0.7 },
  ]);
  const lines = csv.trimEnd().split('\n');
  assert.equal(lines[0], 'Run, HTER, AUC, TPR@FPR=1%');
  assert.equal(lines[1], '0,5.0,99.0,50.0');
  assert.equal(lines[2], `1,${pyRepr(0.07 * 100)},${pyRepr(0.97 * 100)},70.0`);
  assert.match(lines[3], /^Mean,6\.0\d*,98\.0\d*,60\.0$/);
  const [, h, , t] = lines[4].split(',').map(Number);
  assert.ok(Math.abs(h - 1) < 1e-9 && Math.abs(t - 10) < 1e-9, lines[4]);
  assert.throws(() => formatFasPerformanceCsv([]), /no runs/);
});

function sampleResult(): EvaluationResult {
  const labels = [0, 0, 0, 1, 1, 1, 1];
  const scores = [0.9, 0.7, 0.4, 0.3, 0.2, 0.6, 0.05];
  return {
    schema: RESULT_SCHEMA,
    createdAt: '2025-01-01T00:00:00.000Z',
    protocol: 'dfd-cross-dataset',
    model: { name: 'toy <b>' },
    sets: [
      {
        name: 'toy',
        level: 'frame',
        summary: summarizeBinary({ labels, scores, scoreOf: 'fake' }),
        histogram: scoreHistogram(labels, scores, 10),
      },
      {
        name: 'one-class',
        level: 'video',
        summary: summarizeBinary({ labels: [1, 1], scores: [0.1, 0.2], scoreOf: 'fake' }),
      },
    ],
  };
}

test('JSON result writes NaN as null and HTML report is self-contained with inline SVG', () => {
  const result = sampleResult();
  const json = JSON.parse(serializeResult(result));
  assert.equal(json.schema, 'fsvfm.eval/1');
  assert.equal(json.sets[1].summary.auc, null);
  const html = renderHtmlReport(result);
  assert.match(html, /^<!doctype html>/);
  assert.equal((html.match(/<svg /g) ?? []).length, 4);
  assert.match(html, /<polyline points=/);
  assert.match(html, /ROC undefined \(one class\)/);
  assert.match(html, /toy &lt;b&gt;/);
  assert.doesNotMatch(html, /<script|<link|src="http|href="http/);
});

test('bootstrap intervals are seeded, stratified and bracket the estimate', () => {
  const labels = Array.from({ length: 60 }, (_, i) => (i < 25 ? 1 : 0));
  const scores = labels.map((y, i) => (y ? 0.3 : 0.55) + ((i * 37) % 17) / 40);
  const set = { labels, scores, scoreOf: 'fake' as const };
  const a = bootstrapInterval(set, { metric: 'auc', resamples: 200, seed: 3 });
  const b = bootstrapInterval(set, { metric: 'auc', resamples: 200, seed: 3 });
  const c = bootstrapInterval(set, { metric: 'auc', resamples: 200, seed: 4 });
  assert.deepEqual(a, b);
  assert.notDeepEqual([a.low, a.high], [c.low, c.high]);
  assert.ok(a.low <= a.estimate && a.estimate <= a.high && a.high <= 1);
  const e = bootstrapInterval(set, { metric: 'eer', resamples: 100, seed: 1 });
  assert.ok(e.low <= e.estimate && e.estimate <= e.high);
  const single = bootstrapInterval(
    { labels: [1, 1], scores: [0.1, 0.2], scoreOf: 'fake' },
    { metric: 'auc' },
  );
  assert.ok(Number.isNaN(single.low));
  assert.equal(percentileSorted([1, 2, 3, 4], 50), 2.5);
});

test('atomic write leaves only the target file', async () => {
  const dir = scratchDir('fsvfm-eval-');
  const file = path.join(dir, 'performance.csv');
  await writeFileAtomic(file, 'x\n');
  await writeFileAtomic(file, 'y\n');
  assert.equal(readFileSync(file, 'utf8'), 'y\n');
  assert.deepEqual(readdirSync(dir), ['performance.csv']);
});
