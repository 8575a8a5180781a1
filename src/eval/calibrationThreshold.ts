/**
 * The decision threshold a trained detector ships with, chosen on scores of a split it was not trained on, by a
 * named rule (the detector decides "fake iff P(fake) ≥ threshold"):
 * - `eer-midpoint` (deepfake detection): the equal-error point of the validation ROC. Every threshold between two
 *   neighbouring distinct scores is a candidate; the one minimising |FRR − FAR| wins; where several tie (a split the
 *   detector separates perfectly ties over the whole gap between the classes), the middle of the tied range is taken,
 *   so the threshold sits in the gap rather than on the edge of one class.
 * - `fas-grid-eer` (face anti-spoofing): SPEC §7.4's official grid rule (thresholds 0, 1e-4, …, 1; ties → the
 *   larger threshold on P(live)), run on P(fake) as `gridEerThreshold` does.
 */
import { gridEerThreshold } from './hter.js';

export type CalibrationRule = 'eer-midpoint' | 'fas-grid-eer';

export const CALIBRATION_RULE_TEXT: Record<CalibrationRule, string> = {
  'eer-midpoint': 'EER threshold (|FRR − FAR| minimal; middle of a tied range)',
  'fas-grid-eer': 'EER threshold by the official FAS grid rule (SPEC §7.4)',
};

export interface ChosenThreshold {
  rule: CalibrationRule;
  threshold: number;
  /** (FAR + FRR) / 2 at the threshold */
  eer: number;
  far: number;
  frr: number;
  real: number;
  fake: number;
}

/** Why a split cannot calibrate: both classes are needed. Null when it can. */
export function cannotCalibrate(isFake: readonly number[]): string | null {
  const fake = isFake.filter((y) => y === 1).length;
  const real = isFake.length - fake;
  if (real === 0 || fake === 0)
    return `the split holds ${real} real and ${fake} fake sample(s); an EER threshold needs both classes`;
  return null;
}

function rates(pFake: readonly number[], isFake: readonly number[], t: number) {
  let fa = 0;
  let fr = 0;
  let real = 0;
  let fake = 0;
  for (let i = 0; i < pFake.length; i++) {
    const saysFake = pFake[i]! >= t;
    if (isFake[i] === 1) {
      fake++;
      if (!saysFake) fa++;
    } else {
      real++;
      if (saysFake) fr++;
    }
  }
  return { far: fa / fake, frr: fr / real, real, fake };
}

/** `pFake[i]` is P(fake) of sample i, `isFake[i]` its label (1 = fake, 0 = real). */
export function chooseThreshold(
  pFake: readonly number[],
  isFake: readonly number[],
  rule: CalibrationRule,
): ChosenThreshold {
  if (pFake.length !== isFake.length)
    throw new Error(`calibration: ${pFake.length} scores but ${isFake.length} labels`);
  const why = cannotCalibrate(isFake);
  if (why) throw new Error(`calibration: ${why}`);
  for (const p of pFake)
    if (!(Number.isFinite(p) && p >= 0 && p <= 1))
      throw new Error(`calibration: P(fake) must be in [0, 1], got ${p}`);
  let threshold: number;
  if (rule === 'fas-grid-eer') {
    const g = gridEerThreshold({
      labels: Float64Array.from(isFake, (y) => 1 - y),
      scores: Float64Array.from(pFake),
      scoreOf: 'fake',
    });
    // the official grid ends at 1.1 ("nothing is positive"); a detector threshold lives in [0, 1]
    threshold = Math.min(1, g.threshold);
  } else {
    const s = [...new Set(pFake)].sort((a, b) => a - b);
    // below every score, between each pair of neighbours, above every score (clamped to [0, 1])
    const candidates = [0, ...s.slice(1).map((v, i) => (s[i]! + v) / 2), 1];
    if (s[s.length - 1]! >= 1) candidates.pop();
    let best = Number.POSITIVE_INFINITY;
    let tied: number[] = [];
    for (const t of candidates) {
      const r = rates(pFake, isFake, t);
      const gap = Math.abs(r.frr - r.far);
      if (gap < best - 1e-12) {
        best = gap;
        tied = [t];
      } else if (gap <= best + 1e-12) tied.push(t);
    }
    threshold = (tied[0]! + tied[tied.length - 1]!) / 2;
  }
  const r = rates(pFake, isFake, threshold);
  return { rule, threshold, eer: (r.far + r.frr) / 2, ...r };
}
