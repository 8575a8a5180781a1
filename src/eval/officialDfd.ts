/**
 * The official DfD / DiFF metric functions (fsvfm/util/metrics.py and engine_finetune.test_binary_video_frames)
 * in their own units: AUC and accuracies in %, EER as a fraction (SPEC §9 #30). Inputs use the official
 * convention: labels 1 = real, scores = P(real) = softmax(logits)[1], hard predictions = argmax(logits).
 */
import { accuracyScore, balancedAccuracyScore, predictionsFromLogits } from './accuracy.js';
import { rocAucRaw } from './auc.js';
import { eerRaw } from './eer.js';
import { meanCrossEntropyFloat32, probRealFloat32 } from './float32Softmax.js';
import { validateBinaryInputs } from './scores.js';
import { videoIdFromFileName } from './videoAggregation.js';

const realIndicator = (labels: ArrayLike<number>) => Uint8Array.from(labels, (y) => (y === 1 ? 1 : 0));

export const frameLevelAcc = (labels: ArrayLike<number>, yPred: ArrayLike<number>) =>
  accuracyScore(labels, yPred) * 100;
export const frameLevelBalancedAcc = (labels: ArrayLike<number>, yPred: ArrayLike<number>) =>
  balancedAccuracyScore(labels, yPred) * 100;

/** `roc_auc_score(labels, scores) * 100`; NaN for a single-class set (the official code raises). */
export function frameLevelAuc(labels: ArrayLike<number>, scoresReal: ArrayLike<number>): number {
  validateBinaryInputs(labels, scoresReal, 'frame_level_auc');
  return rocAucRaw(realIndicator(labels), scoresReal) * 100;
}

/** `brentq(1 − x − interp1d(fpr, tpr)(x), 0, 1)` on `roc_curve(labels, scores, pos_label=1)`. */
export function frameLevelEer(labels: ArrayLike<number>, scoresReal: ArrayLike<number>): number {
  validateBinaryInputs(labels, scoresReal, 'frame_level_eer');
  return eerRaw(realIndicator(labels), scoresReal, 'fsfm-brent').eer;
}

export interface OfficialVideoLevel {
  videoNames: string[];
  videoLabels: number[];
  videoScores: number[];
  /** `score >= 0.5`, i.e. predicted real. */
  videoHardPreds: boolean[];
}

/** `get_video_level_label_pred`: group in order of first appearance, mean score, label of the first frame. */
export function getVideoLevelLabelPred(
  frameLabels: ArrayLike<number>,
  videoNames: readonly string[],
  frameScores: ArrayLike<number>,
): OfficialVideoLevel {
  const groups = new Map<string, { label: number; scores: number[] }>();
  for (let i = 0; i < frameLabels.length; i++) {
    const g = groups.get(videoNames[i]);
    if (g) g.scores.push(frameScores[i]);
    else groups.set(videoNames[i], { label: frameLabels[i], scores: [frameScores[i]] });
  }
  const out: OfficialVideoLevel = { videoNames: [], videoLabels: [], videoScores: [], videoHardPreds: [] };
  for (const [name, g] of groups) {
    let sum = 0;
    for (const s of g.scores) sum += s;
    const score = sum / g.scores.length;
    out.videoNames.push(name);
    out.videoLabels.push(g.label);
    out.videoScores.push(score);
    out.videoHardPreds.push(score >= 0.5);
  }
  return out;
}

export interface OfficialFrameMetrics {
  frame_level_acc: number;
  frame_level_balanced_acc: number;
  frame_level_auc: number;
  frame_level_eer: number;
}

export function officialFrameMetrics(
  labels: ArrayLike<number>,
  scoresReal: ArrayLike<number>,
  yPred: ArrayLike<number>,
): OfficialFrameMetrics {
  return {
    frame_level_acc: frameLevelAcc(labels, yPred),
    frame_level_balanced_acc: frameLevelBalancedAcc(labels, yPred),
    frame_level_auc: frameLevelAuc(labels, scoresReal),
    frame_level_eer: frameLevelEer(labels, scoresReal),
  };
}

export interface TestBinaryVideoFramesResult {
  /** Mean of per-batch float32 CE means (not a metric; float32 arithmetic, compare loosely). */
  loss: number;
  frame_balanced_acc: number;
  frame_auc: number;
  frame_eer: number;
  video_balanced_acc: number;
  video_auc: number;
  video_eer: number;
  frameScores: Float64Array;
  frameHardPreds: Uint8Array;
  video: OfficialVideoLevel;
}

export interface DfdFrameRecord {
  file: string;
  /** Class index: 0 = fake, 1 = real. */
  label: number;
  logits: ArrayLike<number>;
}

/**
 * `test_binary_video_frames` on frames given in loader order (class folders sorted, files sorted):
 * float32 softmax scores, argmax predictions, `_frame_` video ids, official frame and video metrics.
 */
export function testBinaryVideoFrames(
  frames: readonly DfdFrameRecord[],
  batchSize = 320,
): TestBinaryVideoFramesResult {
  if (frames.length === 0) throw new Error('test_binary_video_frames: no frames');
  const labels = frames.map((f) => f.label);
  const logits = frames.map((f) => f.logits);
  const frameScores = Float64Array.from(logits, probRealFloat32);
  const frameHardPreds = predictionsFromLogits(logits);
  let lossSum = 0;
  let batches = 0;
  for (let start = 0; start < frames.length; start += batchSize) {
    lossSum += meanCrossEntropyFloat32(
      logits.slice(start, start + batchSize),
      labels.slice(start, start + batchSize),
    );
    batches++;
  }
  const video = getVideoLevelLabelPred(
    labels,
    frames.map((f) => videoIdFromFileName(f.file)),
    frameScores,
  );
  return {
    loss: lossSum / batches,
    frame_balanced_acc: frameLevelBalancedAcc(labels, frameHardPreds),
    frame_auc: frameLevelAuc(labels, frameScores),
    frame_eer: frameLevelEer(labels, frameScores),
    video_balanced_acc: frameLevelBalancedAcc(video.videoLabels, video.videoHardPreds.map(Number)),
    video_auc: frameLevelAuc(video.videoLabels, video.videoScores),
    video_eer: frameLevelEer(video.videoLabels, video.videoScores),
    frameScores,
    frameHardPreds,
    video,
  };
}
