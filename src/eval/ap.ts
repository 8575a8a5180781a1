/**
 * Average precision with scikit-learn 1.2 semantics (`average_precision_score`, binary): the step-wise sum
 * Σ (R_k − R_{k−1}) · P_k over the precision–recall curve, no interpolation. Not used by the official code
 * (SPEC §7.5); provided because detection benchmarks often report it.
 */

import { numpySum } from './pairwiseSum.js';
import { binaryClfCurve } from './roc.js';
import { type BinaryScores, classCounts, prepareBinary } from './scores.js';

/** AP with `scoreOf` as the positive class. NaN when the set has no positive sample (AP undefined). */
export function averagePrecisionRaw(yPos: ArrayLike<number>, score: ArrayLike<number>): number {
  if (classCounts(yPos).positives === 0) return Number.NaN;
  const { fps, tps } = binaryClfCurve(yPos, score);
  const m = tps.length;
  const nPos = tps[m - 1];
  // reversed curve (recall decreasing) followed by the (recall 0, precision 1) end point
  const precision = new Float64Array(m + 1);
  const recall = new Float64Array(m + 1);
  for (let k = 0; k < m; k++) {
    const src = m - 1 - k;
    precision[k] = tps[src] / (tps[src] + fps[src]);
    recall[k] = tps[src] / nPos;
  }
  precision[m] = 1;
  recall[m] = 0;
  const terms = new Float64Array(m);
  for (let k = 0; k < m; k++) terms[k] = (recall[k + 1] - recall[k]) * precision[k];
  return -numpySum(terms);
}

export function averagePrecision(set: BinaryScores): number {
  const { yPos, score } = prepareBinary(set, 'average precision');
  return averagePrecisionRaw(yPos, score);
}
