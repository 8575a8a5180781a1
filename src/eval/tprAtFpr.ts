/**
 * TPR at a maximum FPR, the official FAS rule (utils/evaluate.py): on the drop-intermediate ROC, the last
 * TPR whose FPR <= maxFpr, 0 when there is none. The class `scoreOf` is positive (official: live).
 */
import { rocCurveRaw } from './roc.js';
import { type BinaryScores, prepareBinary } from './scores.js';

export function tprAtFprRaw(yPos: ArrayLike<number>, score: ArrayLike<number>, maxFpr = 1 / 100): number {
  const { fpr, tpr } = rocCurveRaw(yPos, score);
  let rate = 0;
  for (let k = 0; k < fpr.length; k++) if (fpr[k] <= maxFpr) rate = tpr[k];
  return rate;
}

export function tprAtFpr(set: BinaryScores, maxFpr = 1 / 100): number {
  const { yPos, score } = prepareBinary(set, 'TPR@FPR');
  return tprAtFprRaw(yPos, score, maxFpr);
}
