/**
 * Hard predictions and (balanced) accuracy with scikit-learn semantics. Predictions and labels are class
 * indices in the official convention (0 = fake/spoof, 1 = real/live). Results are fractions; the official
 * DfD printouts multiply by 100 (see officialDfd.ts).
 */
import { type BinaryScores, CLASS_INDEX, validateBinaryInputs } from './scores.js';

/** Official hard prediction `argmax(logits)` for 2 logits: a tie gives class 0 (NumPy/torch take the first max). */
export function argmaxPrediction(logits: ArrayLike<number>): 0 | 1 {
  if (logits.length !== 2) throw new Error(`argmax: expected 2 logits (fake, real), got ${logits.length}`);
  return logits[1] > logits[0] ? 1 : 0;
}

export function predictionsFromLogits(logits: ArrayLike<ArrayLike<number>>): Uint8Array {
  return Uint8Array.from({ length: logits.length }, (_, i) => argmaxPrediction(logits[i]));
}

/**
 * The argmax decision expressed on probabilities: argmax([P(fake), P(real)]), ties → fake (class 0).
 * With P(real) = s this is `argmax([1 − s, s])`, exactly how the fixture's `y_pred` were made.
 */
export function predictionsFromProbabilities(set: BinaryScores): Uint8Array {
  validateBinaryInputs(set.labels, set.scores, 'predictions');
  const out = new Uint8Array(set.scores.length);
  for (let i = 0; i < out.length; i++) {
    const s = set.scores[i];
    const pReal = set.scoreOf === 'real' ? s : 1 - s;
    const pFake = set.scoreOf === 'real' ? 1 - s : s;
    out[i] = pReal > pFake ? 1 : 0;
  }
  return out;
}

/** Predict `scoreOf` iff score >= threshold (the FAS `probs >= thr` rule, and DfD's video `score >= 0.5`). */
export function predictionsAtThreshold(set: BinaryScores, threshold: number): Uint8Array {
  validateBinaryInputs(set.labels, set.scores, 'predictions');
  const pos = CLASS_INDEX[set.scoreOf];
  return Uint8Array.from({ length: set.scores.length }, (_, i) =>
    set.scores[i] >= threshold ? pos : 1 - pos,
  );
}

function checkPairs(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, what: string): void {
  if (yTrue.length !== yPred.length)
    throw new Error(`${what}: ${yTrue.length} labels but ${yPred.length} predictions`);
  if (yTrue.length === 0) throw new Error(`${what}: no samples`);
}

/** `accuracy_score`: fraction of exact matches. */
export function accuracyScore(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkPairs(yTrue, yPred, 'accuracy');
  let correct = 0;
  for (let i = 0; i < yTrue.length; i++) correct += Number(yTrue[i]) === Number(yPred[i]) ? 1 : 0;
  return correct / yTrue.length;
}

/**
 * `balanced_accuracy_score`: mean recall over the classes present in y_true (classes only predicted are
 * ignored, as sklearn does with a warning). With a single true class it is that class's recall.
 */
export function balancedAccuracyScore(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkPairs(yTrue, yPred, 'balanced accuracy');
  const classes = [...new Set(Array.from(yTrue, Number))].sort((a, b) => a - b);
  const recalls: number[] = [];
  for (const c of classes) {
    let total = 0;
    let hit = 0;
    for (let i = 0; i < yTrue.length; i++) {
      if (Number(yTrue[i]) !== c) continue;
      total++;
      if (Number(yPred[i]) === c) hit++;
    }
    recalls.push(hit / total);
  }
  // np.mean of at most a handful of values: sequential sum from 0, then divide
  let sum = 0;
  for (const r of recalls) sum += r;
  return sum / recalls.length;
}
