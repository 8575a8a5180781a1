/**
 * One-call evaluation of a scored set: the metrics a report shows, in explicit units (fractions unless a
 * field name ends in `Pct`). Metrics that are undefined for the input (e.g. AUC of a single-class set) are
 * NaN, never an exception; invalid input (NaN score, label not 0/1) throws.
 */
import { accuracyScore, balancedAccuracyScore, predictionsAtThreshold } from './accuracy.js';
import { averagePrecisionRaw } from './ap.js';
import { rocAucRaw } from './auc.js';
import { type BootstrapInterval, bootstrapInterval } from './bootstrap.js';
import { type EerMethod, eerRaw } from './eer.js';
import { type HterResult, hter, type ThresholdSource } from './hter.js';
import { type RocCurve, rocCurveRaw } from './roc.js';
import { type BinaryClass, type BinaryScores, classCounts, prepareBinary } from './scores.js';
import { tprAtFprRaw } from './tprAtFpr.js';

export interface BinarySummary {
  n: number;
  counts: { real: number; fake: number };
  scoreOf: BinaryClass;
  /** ROC AUC, fraction. */
  auc: number;
  eer: number;
  eerMethod: EerMethod;
  /** Average precision with `scoreOf` as the positive class. */
  ap: number;
  /** Accuracy / balanced accuracy at `decisionThreshold` (predict `scoreOf` iff score >= threshold). */
  accuracy: number;
  balancedAccuracy: number;
  decisionThreshold: number;
  hter: HterResult;
  /** TPR (of `scoreOf`) at FPR <= 1%. */
  tprAtFpr1: number;
  roc: { fpr: number[]; tpr: number[]; thresholds: number[] };
  ci?: { auc?: BootstrapInterval; eer?: BootstrapInterval };
}

export interface SummaryOptions {
  eerMethod?: EerMethod;
  decisionThreshold?: number;
  thresholdSource?: ThresholdSource;
  bootstrap?: { resamples?: number; seed?: number; confidence?: number };
}

const plain = (roc: RocCurve) => ({
  fpr: Array.from(roc.fpr),
  tpr: Array.from(roc.tpr),
  thresholds: Array.from(roc.thresholds),
});

export function summarizeBinary(set: BinaryScores, options: SummaryOptions = {}): BinarySummary {
  const { eerMethod = 'fsfm-brent', decisionThreshold = 0.5 } = options;
  const thresholdSource = options.thresholdSource ?? { source: 'fixed', threshold: decisionThreshold };
  const { yPos, score } = prepareBinary(set, 'evaluation');
  const { positives, negatives } = classCounts(yPos);
  const real = set.scoreOf === 'real' ? positives : negatives;
  const pred = predictionsAtThreshold(set, decisionThreshold);
  const summary: BinarySummary = {
    n: score.length,
    counts: { real, fake: score.length - real },
    scoreOf: set.scoreOf,
    auc: rocAucRaw(yPos, score),
    eer: eerRaw(yPos, score, eerMethod).eer,
    eerMethod,
    ap: averagePrecisionRaw(yPos, score),
    accuracy: accuracyScore(set.labels, pred),
    balancedAccuracy: balancedAccuracyScore(set.labels, pred),
    decisionThreshold,
    hter: hter(set, thresholdSource),
    tprAtFpr1: tprAtFprRaw(yPos, score, 0.01),
    roc: plain(rocCurveRaw(yPos, score)),
  };
  if (options.bootstrap) {
    summary.ci = {
      auc: bootstrapInterval(set, { metric: 'auc', ...options.bootstrap }),
      eer: bootstrapInterval(set, { metric: 'eer', eerMethod, ...options.bootstrap }),
    };
  }
  return summary;
}
