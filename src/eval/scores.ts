/**
 * Score and label conventions of the evaluation layer.
 *
 * Labels always follow the official convention: 0 = fake / spoof / attack, 1 = real / live / bona fide.
 * Scores say which class they are the probability of. The official code scores P(real) = softmax[1];
 * this project's public API reports P(fake) (= P(attack) for FAS). ROC quantities are computed with the
 * class named by `scoreOf` as the positive class, so AUC and EER mean the same thing either way. Feeding
 * P(real) with `scoreOf: 'real'` reproduces the official functions bit for bit.
 */
export type BinaryClass = 'fake' | 'real';

/** Official class index of each class (ImageFolder order: fake_* < real_*). */
export const CLASS_INDEX: Readonly<Record<BinaryClass, 0 | 1>> = { fake: 0, real: 1 };

export interface BinaryScores {
  /** 0 = fake/spoof, 1 = real/live (official convention). */
  labels: ArrayLike<number>;
  /** One score per sample, higher = more likely `scoreOf`. */
  scores: ArrayLike<number>;
  /** The class whose probability `scores` holds. */
  scoreOf: BinaryClass;
}

/** Throws a clear Error for empty inputs, length mismatches, non-finite scores or labels other than 0/1. */
export function validateBinaryInputs(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  what = 'scores',
): void {
  if (labels.length !== scores.length) {
    throw new Error(`${what}: ${labels.length} labels but ${scores.length} scores; give one score per label`);
  }
  if (labels.length === 0) throw new Error(`${what}: no samples to evaluate`);
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (!Number.isFinite(s)) {
      throw new Error(
        `${what}: score #${i} is ${s}; scores must be finite numbers (a NaN usually means a failed forward pass or an empty video)`,
      );
    }
    const y = labels[i];
    if (y !== 0 && y !== 1)
      throw new Error(`${what}: label #${i} is ${y}; labels must be 0 (fake/spoof) or 1 (real/live)`);
  }
}

/** 1 where the sample belongs to `positive`, else 0. */
export function positiveIndicator(labels: ArrayLike<number>, positive: BinaryClass): Uint8Array {
  const want = CLASS_INDEX[positive];
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) out[i] = labels[i] === want ? 1 : 0;
  return out;
}

/** Validated float64 copies of a scored set, with the positive-class indicator for ROC quantities. */
export function prepareBinary(set: BinaryScores, what?: string): { yPos: Uint8Array; score: Float64Array } {
  validateBinaryInputs(set.labels, set.scores, what);
  return { yPos: positiveIndicator(set.labels, set.scoreOf), score: Float64Array.from(set.scores) };
}

/** Counts of each class; metrics that need both classes return NaN when one is missing. */
export function classCounts(yPos: ArrayLike<number>): { positives: number; negatives: number } {
  let positives = 0;
  for (let i = 0; i < yPos.length; i++) positives += yPos[i] ? 1 : 0;
  return { positives, negatives: yPos.length - positives };
}

/** P(real) ↔ P(fake). Not bit-exact against an official P(real): only use it to change the public convention. */
export function complementScores(scores: ArrayLike<number>): Float64Array {
  const out = new Float64Array(scores.length);
  for (let i = 0; i < scores.length; i++) out[i] = 1 - scores[i];
  return out;
}
