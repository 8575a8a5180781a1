/**
 * Writers for the official result files (SPEC §7, §8) so numbers can be compared with the published ones:
 * - DfD `test_results.txt` (stdout of main_test_DfD.py): per data set a header and the FRAME-LEVEL /
 *   VIDEO-LEVEL lines of `test_binary_video_frames` (balanced acc and AUC in %, EER a fraction, 3 decimals);
 * - DiFF / label-file `test_results.txt`: the FRAME-LEVEL line of `test()` with Acc first;
 * - FAS `performance.csv`: `Run, HTER, AUC, TPR@FPR=1%`, one line per run (values ×100, Python repr), then
 *   `Mean` and `Std dev` (population std, NumPy arithmetic).
 * Files are written atomically (temp file in the same folder, then rename).
 */
import { numpySum } from './pairwiseSum.js';
import { pyFixed, pyRepr } from './pythonFormat.js';

export interface DfdDatasetResult {
  dataset: string;
  images: number;
  /** `test_binary_video_frames` output, official units (balanced acc / AUC in %, EER fraction). */
  frame: { balancedAcc: number; auc: number; eer: number; loss: number };
  video: { balancedAcc: number; auc: number; eer: number };
}

const f3 = (x: number) => pyFixed(x, 3);

/**
 * A `test_results.txt` body: the preamble, then per data set the header the official test scripts print before its
 * FRAME-LEVEL metrics and the metric lines of that protocol.
 */
function testResultsBody<R extends { dataset: string; images: number }>(
  results: readonly R[],
  preamble: readonly string[],
  metricLines: (result: R) => string[],
): string {
  const lines = [...preamble];
  for (const r of results) {
    lines.push(
      '',
      '',
      `--Metrics of the network testing on the ${r.dataset} dataset with ${r.images} test imgs--`,
      '*[------FRAME-LEVEL------] ',
      ...metricLines(r),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Body of a DfD `test_results.txt`; `preamble` lines (job dir, printed args) go first when given. */
export function formatDfdTestResults(
  results: readonly DfdDatasetResult[],
  preamble: readonly string[] = [],
): string {
  return testResultsBody(results, preamble, (r) => [
    `Balanced_Acc ${f3(r.frame.balancedAcc)} Auc ${f3(r.frame.auc)} EER ${f3(r.frame.eer)} loss ${f3(r.frame.loss)}`,
    '*[------VIDEO-LEVEL------] ',
    `Balanced_Acc ${f3(r.video.balancedAcc)} Auc ${f3(r.video.auc)} EER ${f3(r.video.eer)}`,
  ]);
}

export interface ImageLevelResult {
  dataset: string;
  images: number;
  /** Official units: acc, balanced acc, AUC in %; EER fraction. */
  acc: number;
  balancedAcc: number;
  auc: number;
  eer: number;
  loss: number;
}

/** Body of a DiFF (or label-file) `test_results.txt`: image-level metrics per subset. */
export function formatImageLevelTestResults(
  results: readonly ImageLevelResult[],
  preamble: readonly string[] = [],
): string {
  return testResultsBody(results, preamble, (r) => [
    `Acc ${f3(r.acc)} Balanced_Acc ${f3(r.balancedAcc)} Auc ${f3(r.auc)} EER ${f3(r.eer)} loss ${f3(r.loss)}`,
  ]);
}

export interface FasRunResult {
  /** Fractions of the selected (min-HTER) evaluation of the run; written ×100 like the official file. */
  hter: number;
  auc: number;
  tprAtFpr1: number;
}

const npMean = (v: number[]) => numpySum(v) / v.length;
const npStd = (v: number[]) => {
  const m = npMean(v);
  return Math.sqrt(numpySum(v.map((x) => (x - m) * (x - m))) / v.length);
};

/** `performance.csv` of the FAS scripts. */
export function formatFasPerformanceCsv(runs: readonly FasRunResult[]): string {
  if (runs.length === 0) throw new Error('performance.csv: no runs to write');
  const cols = [
    runs.map((r) => r.hter * 100.0),
    runs.map((r) => r.auc * 100.0),
    runs.map((r) => r.tprAtFpr1 * 100.0),
  ];
  const lines = ['Run, HTER, AUC, TPR@FPR=1%'];
  runs.forEach((_, i) => {
    lines.push(`${i},${cols.map((c) => pyRepr(c[i])).join(',')}`);
  });
  lines.push(`Mean,${cols.map((c) => pyRepr(npMean(c))).join(',')}`);
  lines.push(`Std dev,${cols.map((c) => pyRepr(npStd(c))).join(',')}`);
  return `${lines.join('\n')}\n`;
}
