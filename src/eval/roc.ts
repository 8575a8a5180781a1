/**
 * ROC curve with scikit-learn 1.2 `roc_curve` semantics (the version the official results used):
 * one point per distinct score (ties share a point), collinear intermediate points dropped when
 * `dropIntermediate`, a leading (0, 0) point whose threshold is `max score + 1`.
 * Inputs: `yPos[i]` = 1 for the positive class, `score[i]` = evidence for the positive class.
 */
import { type BinaryScores, prepareBinary } from './scores.js';

export interface RocCurve {
  fpr: Float64Array;
  tpr: Float64Array;
  /** Decreasing; the point k predicts positive iff score >= thresholds[k]. */
  thresholds: Float64Array;
}

export interface RocOptions {
  /** Drop points on straight segments (sklearn default true). */
  dropIntermediate?: boolean;
  /** First threshold: sklearn < 1.3 uses `max + 1`, sklearn >= 1.3 uses Infinity. */
  firstThreshold?: 'max+1' | 'inf';
}

/** Cumulative false/true positive counts at each distinct score, highest score first (`_binary_clf_curve`). */
export function binaryClfCurve(
  yPos: ArrayLike<number>,
  score: ArrayLike<number>,
): { fps: Float64Array; tps: Float64Array; thresholds: Float64Array } {
  const n = score.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[b] - score[a]);
  const fps: number[] = [];
  const tps: number[] = [];
  const thr: number[] = [];
  let tp = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k];
    tp += yPos[i] ? 1 : 0;
    // a threshold sits at the last index of each run of equal scores
    if (k === n - 1 || score[order[k + 1]] !== score[i]) {
      tps.push(tp);
      fps.push(k + 1 - tp);
      thr.push(score[i]);
    }
  }
  return { fps: Float64Array.from(fps), tps: Float64Array.from(tps), thresholds: Float64Array.from(thr) };
}

export function rocCurveRaw(
  yPos: ArrayLike<number>,
  score: ArrayLike<number>,
  options: RocOptions = {},
): RocCurve {
  const { dropIntermediate = true, firstThreshold = 'max+1' } = options;
  let { fps, tps, thresholds } = binaryClfCurve(yPos, score);
  if (dropIntermediate && fps.length > 2) {
    const keep: number[] = [0];
    for (let i = 1; i < fps.length - 1; i++) {
      const d2f = fps[i + 1] - fps[i] - (fps[i] - fps[i - 1]);
      const d2t = tps[i + 1] - tps[i] - (tps[i] - tps[i - 1]);
      if (d2f !== 0 || d2t !== 0) keep.push(i);
    }
    keep.push(fps.length - 1);
    fps = Float64Array.from(keep, (i) => fps[i]);
    tps = Float64Array.from(keep, (i) => tps[i]);
    thresholds = Float64Array.from(keep, (i) => thresholds[i]);
  }
  const m = fps.length + 1;
  const fpr = new Float64Array(m);
  const tpr = new Float64Array(m);
  const thr = new Float64Array(m);
  thr[0] = firstThreshold === 'inf' ? Number.POSITIVE_INFINITY : thresholds[0] + 1;
  const nNeg = fps[fps.length - 1];
  const nPos = tps[tps.length - 1];
  for (let k = 1; k < m; k++) {
    // sklearn: fpr = fps / fps[-1] (NaN when there is no negative sample; same for tpr)
    fpr[k] = nNeg > 0 ? fps[k - 1] / nNeg : Number.NaN;
    tpr[k] = nPos > 0 ? tps[k - 1] / nPos : Number.NaN;
    thr[k] = thresholds[k - 1];
  }
  fpr[0] = nNeg > 0 ? 0 : Number.NaN;
  tpr[0] = nPos > 0 ? 0 : Number.NaN;
  return { fpr, tpr, thresholds: thr };
}

/** ROC of a scored set with `scoreOf` as the positive class. Single-class input gives NaN rates (sklearn warns). */
export function rocCurve(set: BinaryScores, options?: RocOptions): RocCurve {
  const { yPos, score } = prepareBinary(set, 'roc');
  return rocCurveRaw(yPos, score, options);
}
