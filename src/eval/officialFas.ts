/**
 * The official FAS evaluation (cross_domain_FAS/utils/evaluate.py `eval`) for both the full fine-tuning and
 * the FS-Adapter variants (their eval code is the same). From token-0 logits, video ids and labels it
 * produces `valid_args`: video CE loss, video top-1 accuracy (a float32 average, e.g. 66.80000305175781),
 * EER, HTER (at the EER threshold of the same set, so HTER == EER, SPEC §9 #18), AUC, threshold,
 * ACC@threshold·100 and TPR@FPR=1%.
 */
import { argmaxPrediction } from './accuracy.js';
import { rocAucRaw } from './auc.js';
import { calculateThreshold, getEerStates, getHterAtThr } from './fasStatistics.js';
import { crossEntropyFloat32, probRealFloat32 } from './float32Softmax.js';
import { tprAtFprRaw } from './tprAtFpr.js';

const f = Math.fround;

export interface FasValidArgs {
  video_CE_loss: number;
  video_top1_acc: number;
  EER: number;
  HTER: number;
  AUC: number;
  threshold: number;
  ACC_at_threshold_x100: number;
  TPR_at_FPR_1pct: number;
}

/** The statistic part of `eval` on video-level P(live) and labels. */
export function fasVideoLevelStatistics(
  probList: ArrayLike<number>,
  labelList: ArrayLike<number>,
): Omit<FasValidArgs, 'video_CE_loss' | 'video_top1_acc'> {
  const yPos = Uint8Array.from(labelList, (y) => (y === 1 ? 1 : 0));
  const AUC = rocAucRaw(yPos, probList);
  const { EER, thr } = getEerStates(probList, labelList);
  const acc = calculateThreshold(probList, labelList, thr);
  const HTER = getHterAtThr(probList, labelList, thr);
  return {
    EER,
    HTER,
    AUC,
    threshold: thr,
    ACC_at_threshold_x100: acc * 100,
    TPR_at_FPR_1pct: tprAtFprRaw(yPos, probList, 1 / 100),
  };
}

export interface FasEvalInput {
  /** Token-0 logits per frame: [fake/spoof, real/live]. */
  logits: ArrayLike<ArrayLike<number>>;
  labels: ArrayLike<number>;
  videoIds: ArrayLike<number | string>;
}

export interface FasEvalResult {
  validArgs: FasValidArgs;
  /** What the official code fed its statistics (video order = first appearance). */
  probList: Float64Array;
  labelList: Float64Array;
}

export function officialFasEval(input: FasEvalInput): FasEvalResult {
  const n = input.logits.length;
  if (n === 0) throw new Error('FAS eval: no frames');
  if (input.labels.length !== n || input.videoIds.length !== n) {
    throw new Error(
      `FAS eval: ${n} logits, ${input.labels.length} labels, ${input.videoIds.length} video ids; give one each`,
    );
  }
  const groups = new Map<number | string, { probs: number[]; labels: number[]; outs: ArrayLike<number>[] }>();
  for (let i = 0; i < n; i++) {
    const p = probRealFloat32(input.logits[i]);
    if (Number.isNaN(p)) throw new Error(`FAS eval: logits of frame #${i} give a NaN probability`);
    const id = input.videoIds[i];
    let g = groups.get(id);
    if (!g) {
      g = { probs: [], labels: [], outs: [] };
      groups.set(id, g);
    }
    g.probs.push(p);
    g.labels.push(input.labels[i]);
    g.outs.push(input.logits[i]);
  }
  const probList: number[] = [];
  const labelList: number[] = [];
  let lossSum = 0;
  let top1Sum = 0; // a float32 tensor in the official AverageMeter
  let count = 0;
  for (const g of groups.values()) {
    const k = g.probs.length;
    let ps = 0;
    let ls = 0;
    for (let j = 0; j < k; j++) {
      ps += g.probs[j];
      ls += g.labels[j];
    }
    probList.push(ps / k);
    labelList.push(ls / k);
    // per-video mean of float32 logits and of the integer targets (then .long() truncates)
    let o0 = 0;
    let o1 = 0;
    for (const o of g.outs) {
      o0 = f(o0 + f(o[0]));
      o1 = f(o1 + f(o[1]));
    }
    const out = [f(o0 / k), f(o1 / k)];
    const target = Math.trunc(f(ls / k)) === 1 ? 1 : 0;
    lossSum += crossEntropyFloat32(out, target);
    top1Sum = f(top1Sum + (argmaxPrediction(out) === target ? 100 : 0));
    count++;
  }
  const stats = fasVideoLevelStatistics(probList, labelList);
  return {
    validArgs: { video_CE_loss: lossSum / count, video_top1_acc: f(top1Sum / count), ...stats },
    probList: Float64Array.from(probList),
    labelList: Float64Array.from(labelList),
  };
}
