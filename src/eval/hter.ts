/**
 * Half total error rate with a declared threshold source, so that a report always says where its threshold
 * came from (SPEC §9 #18):
 * - `fixed`: a given threshold (e.g. 0.5);
 * - `dev`: the EER threshold (official FAS grid rule) of a separate development set;
 * - `test-oracle`: the EER threshold of the evaluated set itself, the official FAS protocol (HTER = EER,
 *   optimistic by construction).
 * Decision: predict `scoreOf` iff score >= threshold. FAR = attacks (fake/spoof) accepted as real,
 * FRR = real rejected; each is averaged over its own class.
 */
import { getEerStates } from './fasStatistics.js';
import { type BinaryScores, validateBinaryInputs } from './scores.js';

export type ThresholdSource =
  | { source: 'fixed'; threshold: number }
  | { source: 'dev'; dev: BinaryScores }
  | { source: 'test-oracle' };

export interface HterResult {
  hter: number;
  far: number;
  frr: number;
  threshold: number;
  thresholdSource: ThresholdSource['source'];
}

/** Rates at a threshold, with the official degenerate rules (a missing class gives its rate 1.0). */
export function errorRatesAt(set: BinaryScores, threshold: number): { far: number; frr: number } {
  validateBinaryInputs(set.labels, set.scores, 'HTER');
  let fakes = 0;
  let reals = 0;
  let fakeAccepted = 0;
  let realRejected = 0;
  for (let i = 0; i < set.scores.length; i++) {
    const predictedPositive = set.scores[i] >= threshold;
    const predictedReal = set.scoreOf === 'real' ? predictedPositive : !predictedPositive;
    if (set.labels[i] === 1) {
      reals++;
      if (!predictedReal) realRejected++;
    } else {
      fakes++;
      if (predictedReal) fakeAccepted++;
    }
  }
  return { far: fakes === 0 ? 1.0 : fakeAccepted / fakes, frr: reals === 0 ? 1.0 : realRejected / reals };
}

/**
 * EER threshold by the official FAS grid rule, for either score convention. With P(real) it is exactly
 * `get_EER_states`; with P(fake) the same grid is scanned with "fake iff score >= thr".
 */
export function gridEerThreshold(set: BinaryScores, gridDensity = 10000): { eer: number; threshold: number } {
  validateBinaryInputs(set.labels, set.scores, 'EER threshold');
  if (set.scoreOf === 'real') {
    const st = getEerStates(set.scores, set.labels, gridDensity);
    return { eer: st.EER, threshold: st.thr };
  }
  // P(fake): relabel so that "positive" (label 1 in the official routine) is fake
  const flipped = Float64Array.from(set.labels, (y) => 1 - y);
  const st = getEerStates(set.scores, flipped, gridDensity);
  return { eer: st.EER, threshold: st.thr };
}

export function hter(set: BinaryScores, thresholdSource: ThresholdSource): HterResult {
  let threshold: number;
  switch (thresholdSource.source) {
    case 'fixed':
      threshold = thresholdSource.threshold;
      if (!Number.isFinite(threshold))
        throw new Error(`HTER: the fixed threshold must be a finite number, got ${threshold}`);
      break;
    case 'dev':
      if (thresholdSource.dev.scoreOf !== set.scoreOf) {
        throw new Error(
          `HTER: dev scores are P(${thresholdSource.dev.scoreOf}) but test scores are P(${set.scoreOf}); use one convention`,
        );
      }
      threshold = gridEerThreshold(thresholdSource.dev).threshold;
      break;
    case 'test-oracle':
      threshold = gridEerThreshold(set).threshold;
      break;
    default:
      throw new Error(`HTER: unknown threshold source ${JSON.stringify(thresholdSource)}`);
  }
  const { far, frr } = errorRatesAt(set, threshold);
  return { hter: (far + frr) / 2.0, far, frr, threshold, thresholdSource: thresholdSource.source };
}
