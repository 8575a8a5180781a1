/**
 * Area under a curve by the trapezoid rule with NumPy/sklearn arithmetic (`sklearn.metrics.auc`,
 * `np.trapz`), and ROC AUC as `roc_auc_score` computes it: trapezoid over the drop-intermediate ROC.
 * Both are bit-identical to sklearn 1.2 / NumPy 1.24 for the same float64 inputs.
 */
import { numpySum } from './pairwiseSum.js';
import { type RocCurve, rocCurveRaw } from './roc.js';
import { type BinaryScores, classCounts, prepareBinary } from './scores.js';

/** `sklearn.metrics.auc(x, y)`: x must be monotonic (either direction). */
export function trapezoidAuc(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new Error(`auc: x has ${x.length} points but y has ${y.length}`);
  if (x.length < 2) throw new Error(`auc: at least 2 points are needed, got ${x.length}`);
  let anyDecrease = false;
  let allNonIncreasing = true;
  const terms = new Float64Array(x.length - 1);
  for (let i = 0; i < terms.length; i++) {
    const dx = x[i + 1] - x[i];
    if (dx < 0) anyDecrease = true;
    if (dx > 0) allNonIncreasing = false;
    // np.trapz: d * (y[1:] + y[:-1]) / 2.0, then a pairwise sum
    terms[i] = (dx * (y[i + 1] + y[i])) / 2.0;
  }
  let direction = 1;
  if (anyDecrease) {
    if (!allNonIncreasing) throw new Error('auc: x is neither increasing nor decreasing');
    direction = -1;
  }
  return direction * numpySum(terms);
}

/** ROC AUC of a prepared ROC curve; NaN when the curve is undefined (single class). */
export function rocAucFromCurve(roc: RocCurve): number {
  if (Number.isNaN(roc.fpr[roc.fpr.length - 1]) || Number.isNaN(roc.tpr[roc.tpr.length - 1]))
    return Number.NaN;
  return trapezoidAuc(roc.fpr, roc.tpr);
}

/** `roc_auc_score` for a positive indicator and scores; NaN (sklearn: ValueError) when only one class is present. */
export function rocAucRaw(yPos: ArrayLike<number>, score: ArrayLike<number>): number {
  const { positives, negatives } = classCounts(yPos);
  if (positives === 0 || negatives === 0) return Number.NaN;
  return trapezoidAuc(...xy(rocCurveRaw(yPos, score)));
}

function xy(roc: RocCurve): [Float64Array, Float64Array] {
  return [roc.fpr, roc.tpr];
}

/**
 * ROC AUC as a fraction in [0, 1]; the class `scoreOf` is positive. NaN when the set holds only one class
 * (AUC is undefined there; sklearn raises). Symmetric: AUC(P(fake), fake+) = AUC(P(real), real+).
 */
export function rocAuc(set: BinaryScores): number {
  const { yPos, score } = prepareBinary(set, 'auc');
  return rocAucRaw(yPos, score);
}

/**
 * Exact AUC as the Mann–Whitney probability P(s_pos > s_neg) + ½ P(tie), by sorting (O(n log n)).
 * Equals the trapezoid AUC up to float rounding; useful as an independent check.
 */
export function mannWhitneyAuc(yPos: ArrayLike<number>, score: ArrayLike<number>): number {
  const { positives, negatives } = classCounts(yPos);
  if (positives === 0 || negatives === 0) return Number.NaN;
  const order = Array.from({ length: score.length }, (_, i) => i).sort((a, b) => score[a] - score[b]);
  let rankSumPos = 0;
  let k = 0;
  while (k < order.length) {
    let end = k;
    while (end + 1 < order.length && score[order[end + 1]] === score[order[k]]) end++;
    const midRank = (k + end) / 2 + 1;
    for (let j = k; j <= end; j++) if (yPos[order[j]]) rankSumPos += midRank;
    k = end + 1;
  }
  return (rankSumPos - (positives * (positives + 1)) / 2) / (positives * negatives);
}
