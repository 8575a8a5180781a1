// Validation of a fine-tuning epoch (engine_finetune.evaluate): plain cross-entropy on hard labels as the mean of
// per-batch means, top-1 accuracy, and the ROC AUC of P(real) over the whole split (SPEC §9 #14).
import type { LabeledSample } from '../../data/folders/imageFolder.js';
import { type EvalTransformName, evalTransform } from '../../data/transforms/evalTransforms.js';
import { rocAucRaw } from '../../eval/auc.js';
import type { NormStats } from '../../io/normStats.js';
import { type DetectorRunner, scoreInBatches } from '../../models/detectorRunner.js';
import type { StateDict } from '../../nn/stateDict.js';
import { type DecodedImageCache, loadBatch } from './imageBatches.js';

export interface FinetuneValidation {
  /** null when there is no validation split */
  valLoss: number | null;
  /** percent; null when the split holds one class only */
  valAuc: number | null;
  /** percent */
  valAcc: number | null;
  /** P(fake) = 1 − P(real) and the labels of the split, for the checkpoint's calibration (absent without a split) */
  scores?: { pFake: number[]; isFake: number[] };
}

export interface ValidationInputs {
  evaluator: DetectorRunner;
  samples: readonly LabeledSample[];
  numClasses: number;
  realIndex: number | null;
  imgSize: number;
  norm: NormStats;
  transform: EvalTransformName;
  cache: DecodedImageCache;
}

/** Cross-entropy of one logits row against `label`, and P(`realIndex`); in float64 as before. */
function scoreRow(row: number[], label: number, realIndex: number) {
  const m = Math.max(...row);
  const lse = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
  return { ce: lse - row[label]!, correct: row.indexOf(m) === label, pReal: Math.exp(row[realIndex]! - lse) };
}

export async function validateFinetune(
  v: ValidationInputs,
  params: StateDict,
  onProgress?: (p: { done: number; total: number }) => void,
): Promise<FinetuneValidation> {
  const { imgSize: S, numClasses: C } = v;
  v.evaluator.setWeights(params);
  const realIdx = v.realIndex ?? 1;
  let batchLossSum = 0;
  let batches = 0;
  let correct = 0;
  const scores: number[] = [];
  const isReal: number[] = [];
  const load = (chunk: readonly LabeledSample[]) =>
    loadBatch(chunk, v.cache, S, (img) => evalTransform(v.transform, img, v.norm, S));
  for await (const { start, packed: b, logits: z } of scoreInBatches(v.evaluator, v.samples, load)) {
    let sum = 0;
    for (let k = 0; k < b.count; k++) {
      const s = scoreRow(Array.from(z.subarray(k * C, (k + 1) * C)), b.labels[k]!, realIdx);
      sum += s.ce;
      if (s.correct) correct++;
      scores.push(s.pReal);
      isReal.push(b.labels[k] === realIdx ? 1 : 0);
    }
    batchLossSum += sum / b.count;
    batches++;
    onProgress?.({ done: Math.min(v.samples.length, start + b.count), total: v.samples.length });
  }
  return {
    valLoss: batchLossSum / batches,
    valAuc: isReal.includes(0) && isReal.includes(1) ? 100 * rocAucRaw(isReal, scores) : null,
    valAcc: (100 * correct) / v.samples.length,
    scores: { pFake: scores.map((p) => 1 - p), isFake: isReal.map((r) => 1 - r) },
  };
}
