/**
 * Equal error rate on the ROC curve, by a named method:
 * - `fsfm-brent`: the official FS-VFM definition (util/metrics.py): Brent's root of 1 − x − TPR(x), TPR the
 *   linear interpolation of the drop-intermediate ROC. Reproduces SciPy's iterates, so its values match the
 *   official ones to ~1e-16 (the fixture tolerance is 1e-9).
 * - `intersect`: the exact intersection of the ROC polyline with TPR = 1 − FPR (what `fsfm-brent` approximates).
 * - `nearest`: DeepfakeBench style: the FPR of the ROC vertex minimising |FNR − FPR| (first among ties).
 * EER is returned as a fraction. NaN when the set holds only one class.
 */
import { brentq } from './brentq.js';
import { npInterp } from './npInterp.js';
import { type RocCurve, rocCurveRaw } from './roc.js';
import { type BinaryScores, classCounts, prepareBinary } from './scores.js';

export type EerMethod = 'fsfm-brent' | 'intersect' | 'nearest';
export const EER_METHODS: readonly EerMethod[] = ['fsfm-brent', 'intersect', 'nearest'];

export interface EerResult {
  eer: number;
  method: EerMethod;
  /** Score threshold of the ROC vertex used (`nearest` only; the interpolating methods fall between vertices). */
  threshold?: number;
}

export function eerFromRoc(roc: RocCurve, method: EerMethod): EerResult {
  const { fpr, tpr, thresholds } = roc;
  if (Number.isNaN(fpr[fpr.length - 1]) || Number.isNaN(tpr[tpr.length - 1]))
    return { eer: Number.NaN, method };
  switch (method) {
    case 'fsfm-brent':
      return { eer: brentq((x) => 1 - x - npInterp(x, fpr, tpr), 0, 1), method };
    case 'intersect':
      return { eer: intersectAntiDiagonal(fpr, tpr), method };
    case 'nearest': {
      let best = 0;
      let bestDist = Number.POSITIVE_INFINITY;
      for (let k = 0; k < fpr.length; k++) {
        const d = Math.abs(1 - tpr[k] - fpr[k]);
        if (d < bestDist) {
          bestDist = d;
          best = k;
        }
      }
      return { eer: fpr[best], method, threshold: thresholds[best] };
    }
    default:
      throw new Error(`unknown EER method '${method as string}'; use one of ${EER_METHODS.join(', ')}`);
  }
}

/** First crossing of the polyline (fpr, tpr) with y = 1 − x; vertical segments cross at their x. */
function intersectAntiDiagonal(fpr: Float64Array, tpr: Float64Array): number {
  const g = (k: number) => 1 - fpr[k] - tpr[k];
  if (g(0) <= 0) return fpr[0];
  for (let k = 1; k < fpr.length; k++) {
    const gk = g(k);
    if (gk > 0) continue;
    if (gk === 0) return fpr[k];
    const g0 = g(k - 1);
    const dx = fpr[k] - fpr[k - 1];
    if (dx === 0) return fpr[k];
    return fpr[k - 1] + (dx * g0) / (g0 - gk);
  }
  return fpr[fpr.length - 1];
}

export function eerRaw(
  yPos: ArrayLike<number>,
  score: ArrayLike<number>,
  method: EerMethod = 'fsfm-brent',
): EerResult {
  const { positives, negatives } = classCounts(yPos);
  if (positives === 0 || negatives === 0) return { eer: Number.NaN, method };
  return eerFromRoc(rocCurveRaw(yPos, score), method);
}

/** EER (fraction) of a scored set with `scoreOf` as the positive class. */
export function equalErrorRate(set: BinaryScores, method: EerMethod = 'fsfm-brent'): EerResult {
  const { yPos, score } = prepareBinary(set, 'eer');
  return eerRaw(yPos, score, method);
}
