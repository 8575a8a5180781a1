// A checkpoint's calibration entry from the scores of a split it was not trained on: the threshold by a named rule
// (eval/calibrationThreshold.ts), with the split, its counts and its AUC, so the file says how it was made.

import { DEFAULT_EVAL_TRANSFORM, type EvalTransformName } from '../../data/transforms/evalTransforms.js';
import {
  CALIBRATION_RULE_TEXT,
  type CalibrationRule,
  cannotCalibrate,
  chooseThreshold,
} from '../../eval/calibrationThreshold.js';
import type { CalibrationEntry } from '../../io/calibrationFile.js';

export interface CalibrationScores {
  /** P(fake) per sample */
  pFake: number[];
  /** 1 = fake, 0 = real */
  isFake: number[];
  unit: 'images' | 'videos';
}

export interface CalibrationSplit {
  rule: CalibrationRule;
  /** the split in words, e.g. "the validation split" */
  split: string;
  splitPaths?: string[];
  /** ROC AUC on the split (fraction), when the caller already has it */
  auc: number | null;
  /** the eval transform the split's images went through (scans use the default, `resize`: the whole crop) */
  transform?: EvalTransformName;
  epoch?: number;
  iteration?: number;
}

/** The entry, or the reason none can be made (a split with one class). */
export function calibrationEntry(
  scores: CalibrationScores,
  how: CalibrationSplit,
): { entry: CalibrationEntry } | { why: string } {
  const why = cannotCalibrate(scores.isFake);
  if (why) return { why };
  const c = chooseThreshold(scores.pFake, scores.isFake, how.rule);
  const when =
    how.epoch !== undefined
      ? `epoch ${how.epoch}`
      : how.iteration !== undefined
        ? `iteration ${how.iteration}`
        : '';
  const auc = how.auc === null ? '' : `, AUC ${how.auc.toFixed(3)}`;
  // a threshold from inputs framed unlike a scan's (a centre crop) is not the one the scan's scores are built for
  const framing =
    how.transform && how.transform !== DEFAULT_EVAL_TRANSFORM ? `, inputs ${how.transform}` : '';
  return {
    entry: {
      threshold: c.threshold,
      source: `${CALIBRATION_RULE_TEXT[how.rule]} on ${how.split}${when ? ` at ${when}` : ''} (${c.real} real / ${c.fake} fake ${scores.unit}${auc}${framing})`,
      rule: how.rule,
      split: how.split,
      ...(how.splitPaths ? { splitPaths: how.splitPaths } : {}),
      counts: { real: c.real, fake: c.fake, unit: scores.unit },
      auc: how.auc,
      eer: c.eer,
      ...(how.transform ? { transform: how.transform } : {}),
      ...(how.epoch !== undefined ? { epoch: how.epoch } : {}),
      ...(how.iteration !== undefined ? { iteration: how.iteration } : {}),
    },
  };
}
