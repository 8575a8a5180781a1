/**
 * Recomputes every value of the oracle fixture `expected/metrics.json` with the evaluation layer's code and reports
 * per-value pass/fail. Tolerances follow the fixture README: AUC, accuracies, ROC points and FAS grid values
 * exact (abs 1e-12); Brent EER abs 1e-9. Values that start from float32 logits (softmax scores, float32 CE
 * losses) are compared at the float32 level, because PyTorch's vectorised exp is not correctly rounded.
 */
import { readFileSync } from 'node:fs';
import { predictionsFromProbabilities } from '../eval/accuracy.js';
import { rocAucRaw } from '../eval/auc.js';
import { calculate, calculateThreshold, getEerStates, getHterAtThr } from '../eval/fasStatistics.js';
import { probRealFloat32 } from '../eval/float32Softmax.js';
import {
  frameLevelAcc,
  frameLevelAuc,
  frameLevelBalancedAcc,
  frameLevelEer,
  getVideoLevelLabelPred,
  officialFrameMetrics,
  testBinaryVideoFrames,
} from '../eval/officialDfd.js';
import { type FasValidArgs, fasVideoLevelStatistics, officialFasEval } from '../eval/officialFas.js';
import { rocCurveRaw } from '../eval/roc.js';
import { tprAtFprRaw } from '../eval/tprAtFpr.js';
import { videoIdFromFileName } from '../eval/videoAggregation.js';
import { type CheckResult, compareNumbers } from './checkResult.js';

const EXACT = 1e-12;
const BRENT = 1e-9;
/** A few float32 ulps at probability scale. */
const F32 = 1e-6;
const T_EXACT = 'abs 1e-12 (exact)';
const T_BRENT = 'abs 1e-9 (Brent EER)';
const T_F32 = 'abs 1e-6 (float32 from logits)';

interface Vector {
  labels: number[];
  scores: number[];
  y_pred: number[];
}
interface DfdFrameMetrics {
  frame_level_acc: number;
  frame_level_balanced_acc: number;
  frame_level_auc: number;
  frame_level_eer: number;
  roc_fpr: number[];
  roc_tpr: number[];
}
interface FasStatistic {
  get_EER_states: {
    EER: number;
    thr: number;
    n_thresholds: number;
    FAR_at_thr_index: Record<string, number>;
    FRR_at_thr_index: Record<string, number>;
  };
  get_HTER_at_thr: number;
  calculate_threshold_ACC: number;
  'calculate_at_0.5': { APCER: number; NPCER: number; ACER: number; ACC: number };
  roc_auc_score: number;
  tpr_at_fpr_1pct: number;
}
interface FasEvalCase {
  inputs: { logits: number[][]; labels: number[]; videoID: number[]; batch_size: number };
  valid_args: FasValidArgs;
  captured_video_level_inputs: { prob_list: number[]; label_list: number[] };
}
interface DfdCall {
  fn: string;
  args: unknown[];
  result: unknown;
}
interface DfdVideoCase {
  frames_in_loader_order: { file: string; class_index: number; video_name: string; logits: number[] }[];
  test_binary_video_frames_result: Record<string, number>;
  direct_util_metrics: {
    frame_level_acc: number;
    frame_level_balanced_acc: number;
    frame_level_auc: number;
    frame_level_eer: number;
    video_labels: number[];
    video_scores: number[];
    video_hard_preds: boolean[];
    video_level_acc: number;
    video_level_balanced_acc: number;
    video_level_auc: number;
    video_level_eer: number;
  };
  calls: DfdCall[];
}
export interface MetricsFixture {
  vectors: Record<string, Vector>;
  dfd_frame_metrics: Record<string, DfdFrameMetrics>;
  dfd_video_case: DfdVideoCase;
  fas_statistic: Record<string, FasStatistic>;
  fas_eval_full_ft: Record<string, FasEvalCase>;
  fas_eval_fs_adapter: Record<string, FasEvalCase>;
}

const bools = (v: boolean[]) => v.map(Number);

type LevelMetrics<L extends 'frame' | 'video'> = Record<
  `${L}_level_${'acc' | 'balanced_acc' | 'auc' | 'eer'}`,
  number
>;

/** util/metrics.py's four values of one level: accuracies and AUC exact, the Brent EER at its own tolerance. */
function compareLevelMetrics<L extends 'frame' | 'video'>(
  p: string,
  level: L,
  ours: LevelMetrics<L>,
  expected: LevelMetrics<L>,
  out: CheckResult[],
): void {
  for (const metric of ['acc', 'balanced_acc', 'auc', 'eer'] as const) {
    const key = `${level}_level_${metric}` as const;
    const [tol, tolName] = metric === 'eer' ? [BRENT, T_BRENT] : [EXACT, T_EXACT];
    out.push(compareNumbers(`${p}.${key}`, ours[key], expected[key], tol, tolName));
  }
}

/** The scalar metric calls of test_binary_video_frames, by the official function name. */
const OFFICIAL_SCALAR_CALLS: Readonly<
  Record<string, readonly [(labels: number[], values: number[]) => number, number, string]>
> = {
  frame_level_balanced_acc: [frameLevelBalancedAcc, EXACT, T_EXACT],
  video_level_balanced_acc: [frameLevelBalancedAcc, EXACT, T_EXACT],
  frame_level_auc: [frameLevelAuc, EXACT, T_EXACT],
  video_level_auc: [frameLevelAuc, EXACT, T_EXACT],
  frame_level_eer: [frameLevelEer, BRENT, T_BRENT],
  video_level_eer: [frameLevelEer, BRENT, T_BRENT],
};

/** The statistics official FAS eval() reports, compared both from its captured inputs and from the logits. */
const FAS_VALID_KEYS = [
  'EER',
  'HTER',
  'AUC',
  'threshold',
  'ACC_at_threshold_x100',
  'TPR_at_FPR_1pct',
] as const;

function checkVectors(fx: MetricsFixture, out: CheckResult[]): void {
  for (const [name, v] of Object.entries(fx.vectors)) {
    const yPred = predictionsFromProbabilities({ labels: v.labels, scores: v.scores, scoreOf: 'real' });
    out.push(compareNumbers(`vectors.${name}.y_pred (argmax, tie → 0)`, yPred, v.y_pred, 0, 'exact'));

    const d = fx.dfd_frame_metrics[name];
    if (d) {
      const p = `dfd_frame_metrics.${name}`;
      compareLevelMetrics(p, 'frame', officialFrameMetrics(v.labels, v.scores, v.y_pred), d, out);
      const roc = rocCurveRaw(
        v.labels.map((y) => (y === 1 ? 1 : 0)),
        v.scores,
      );
      out.push(compareNumbers(`${p}.roc_fpr`, roc.fpr, d.roc_fpr, EXACT, T_EXACT));
      out.push(compareNumbers(`${p}.roc_tpr`, roc.tpr, d.roc_tpr, EXACT, T_EXACT));
    }

    const s = fx.fas_statistic[name];
    if (s) checkFasStatistic(`fas_statistic.${name}`, v.scores, v.labels, s, out);
  }
}

function checkFasStatistic(
  p: string,
  probs: number[],
  labels: number[],
  s: FasStatistic,
  out: CheckResult[],
): void {
  /** `${p}.${name}`, compared at the exact (1e-12) tolerance. */
  const exact = (name: string, actual: number, expected: number): void => {
    out.push(compareNumbers(`${p}.${name}`, actual, expected, EXACT, T_EXACT));
  };
  const st = getEerStates(probs, labels);
  const e = s.get_EER_states;
  exact('get_EER_states.EER', st.EER, e.EER);
  exact('get_EER_states.thr', st.thr, e.thr);
  out.push(compareNumbers(`${p}.get_EER_states.n_thresholds`, st.FAR.length, e.n_thresholds, 0, 'exact'));
  for (const [idx, far] of Object.entries(e.FAR_at_thr_index))
    exact(`get_EER_states.FAR[${idx}]`, st.FAR[Number(idx)], far);
  for (const [idx, frr] of Object.entries(e.FRR_at_thr_index))
    exact(`get_EER_states.FRR[${idx}]`, st.FRR[Number(idx)], frr);
  exact('get_HTER_at_thr', getHterAtThr(probs, labels, st.thr), s.get_HTER_at_thr);
  exact('calculate_threshold_ACC', calculateThreshold(probs, labels, st.thr), s.calculate_threshold_ACC);
  const c = calculate(probs, labels);
  const ce = s['calculate_at_0.5'];
  exact('calculate_at_0.5.APCER', c.APCER, ce.APCER);
  exact('calculate_at_0.5.NPCER', c.BPCER, ce.NPCER);
  exact('calculate_at_0.5.ACER', c.ACER, ce.ACER);
  exact('calculate_at_0.5.ACC', c.ACC, ce.ACC);
  const yPos = labels.map((y) => (y === 1 ? 1 : 0));
  exact('roc_auc_score', rocAucRaw(yPos, probs), s.roc_auc_score);
  exact('tpr_at_fpr_1pct', tprAtFprRaw(yPos, probs), s.tpr_at_fpr_1pct);
}

const numArray = (v: unknown): number[] =>
  (v as unknown[]).map((x) => (typeof x === 'boolean' ? Number(x) : Number(x)));

function checkDfdVideoCase(c: DfdVideoCase, out: CheckResult[]): void {
  const p = 'dfd_video_case';
  const frames = c.frames_in_loader_order;
  const badIds = frames.filter((f) => videoIdFromFileName(f.file) !== f.video_name);
  out.push({
    name: `${p}.video_name (file name up to the first _frame_)`,
    pass: badIds.length === 0,
    worstAbsErr: 0,
    tolerance: 'exact',
    ...(badIds.length ? { detail: `${badIds.length} mismatches, e.g. ${badIds[0].file}` } : {}),
  });
  const files = frames.map((f) => f.file);
  const sorted = [...files].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  out.push({
    name: `${p}.loader order = lexicographic path order`,
    pass: sorted.every((f, i) => f === files[i]),
    worstAbsErr: 0,
    tolerance: 'exact',
  });

  // every metric call the official function made, recomputed from its exact arguments
  for (const [i, call] of c.calls.entries()) {
    const name = `${p}.calls[${i}].${call.fn}`;
    const a0 = numArray(call.args[0]);
    const scalar = OFFICIAL_SCALAR_CALLS[call.fn];
    if (scalar) {
      const [metric, tol, tolName] = scalar;
      out.push(compareNumbers(name, metric(a0, numArray(call.args[1])), Number(call.result), tol, tolName));
      continue;
    }
    switch (call.fn) {
      case 'get_video_level_label_pred': {
        const v = getVideoLevelLabelPred(a0, call.args[1] as string[], numArray(call.args[2]));
        const [labels, scores, preds] = call.result as unknown[][];
        out.push(compareNumbers(`${name}.labels`, v.videoLabels, numArray(labels), 0, 'exact'));
        out.push(compareNumbers(`${name}.scores`, v.videoScores, numArray(scores), EXACT, T_EXACT));
        out.push(compareNumbers(`${name}.hard_preds`, bools(v.videoHardPreds), numArray(preds), 0, 'exact'));
        break;
      }
      default:
        out.push({
          name,
          pass: false,
          worstAbsErr: Number.NaN,
          tolerance: '-',
          detail: `unknown official call ${call.fn}`,
        });
    }
  }

  // direct util/metrics.py calls on the official float32 scores
  const labels = frames.map((f) => f.class_index);
  const aucCall = c.calls.find((k) => k.fn === 'frame_level_auc');
  const officialScores = aucCall ? numArray(aucCall.args[1]) : frames.map((f) => probRealFloat32(f.logits));
  const ourScores = frames.map((f) => probRealFloat32(f.logits));
  out.push(
    compareNumbers(`${p}.frame scores = float32 softmax(logits)[1]`, ourScores, officialScores, F32, T_F32),
  );
  const yPred = frames.map((f) => (f.logits[1] > f.logits[0] ? 1 : 0));
  const d = c.direct_util_metrics;
  compareLevelMetrics(`${p}.direct`, 'frame', officialFrameMetrics(labels, officialScores, yPred), d, out);
  const v = getVideoLevelLabelPred(
    labels,
    frames.map((f) => videoIdFromFileName(f.file)),
    officialScores,
  );
  const vPred = bools(v.videoHardPreds);
  out.push(compareNumbers(`${p}.direct.video_labels`, v.videoLabels, d.video_labels, 0, 'exact'));
  out.push(compareNumbers(`${p}.direct.video_scores`, v.videoScores, d.video_scores, EXACT, T_EXACT));
  out.push(compareNumbers(`${p}.direct.video_hard_preds`, vPred, bools(d.video_hard_preds), 0, 'exact'));
  compareLevelMetrics(
    `${p}.direct`,
    'video',
    {
      video_level_acc: frameLevelAcc(v.videoLabels, vPred),
      video_level_balanced_acc: frameLevelBalancedAcc(v.videoLabels, vPred),
      video_level_auc: frameLevelAuc(v.videoLabels, v.videoScores),
      video_level_eer: frameLevelEer(v.videoLabels, v.videoScores),
    },
    d,
    out,
  );

  // the whole test_binary_video_frames pipeline from logits (batch size 5 in the fixture)
  const r = testBinaryVideoFrames(
    frames.map((f) => ({ file: f.file, label: f.class_index, logits: f.logits })),
    5,
  );
  const e = c.test_binary_video_frames_result;
  const q = `${p}.test_binary_video_frames(logits)`;
  out.push(compareNumbers(`${q}.loss`, r.loss, e.loss, F32, 'abs 1e-6 (float32 CE)'));
  for (const key of ['frame_balanced_acc', 'frame_auc', 'video_balanced_acc', 'video_auc'] as const) {
    out.push(compareNumbers(`${q}.${key}`, r[key], e[key], EXACT, T_EXACT));
  }
  out.push(compareNumbers(`${q}.frame_eer`, r.frame_eer, e.frame_eer, BRENT, T_BRENT));
  out.push(compareNumbers(`${q}.video_eer`, r.video_eer, e.video_eer, BRENT, T_BRENT));
}

function checkFasEval(variant: string, cases: Record<string, FasEvalCase>, out: CheckResult[]): void {
  for (const [name, c] of Object.entries(cases)) {
    const p = `${variant}.${name}`;
    const cap = c.captured_video_level_inputs;
    const va = c.valid_args;
    // statistic-level parity on the probabilities the official code actually saw
    const s = fasVideoLevelStatistics(cap.prob_list, cap.label_list);
    for (const key of FAS_VALID_KEYS) {
      out.push(compareNumbers(`${p}.captured.${key}`, s[key], va[key], EXACT, T_EXACT));
    }
    out.push(compareNumbers(`${p}.captured.HTER == EER`, s.HTER, s.EER, 0, 'exact'));
    // the whole eval() from logits
    const r = officialFasEval({
      logits: c.inputs.logits,
      labels: c.inputs.labels,
      videoIds: c.inputs.videoID,
    });
    out.push(compareNumbers(`${p}.logits.prob_list`, r.probList, cap.prob_list, F32, T_F32));
    out.push(compareNumbers(`${p}.logits.label_list`, r.labelList, cap.label_list, 0, 'exact'));
    out.push(
      compareNumbers(
        `${p}.logits.video_CE_loss`,
        r.validArgs.video_CE_loss,
        va.video_CE_loss,
        F32,
        'abs 1e-6 (float32 CE)',
      ),
    );
    out.push(
      compareNumbers(
        `${p}.logits.video_top1_acc (float32)`,
        r.validArgs.video_top1_acc,
        va.video_top1_acc,
        0,
        'exact',
      ),
    );
    for (const key of FAS_VALID_KEYS) {
      out.push(compareNumbers(`${p}.logits.${key}`, r.validArgs[key], va[key], EXACT, T_EXACT));
    }
  }
}

/** Recompute every value of metrics.json; never throws for a mismatch (it becomes a failed CheckResult). */
export function checkMetricsFixture(expectedJsonPath: string): CheckResult[] {
  let fx: MetricsFixture;
  try {
    fx = JSON.parse(readFileSync(expectedJsonPath, 'utf8')) as MetricsFixture;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return [
      {
        name: 'metrics.json',
        pass: false,
        worstAbsErr: Number.NaN,
        tolerance: '-',
        detail: `cannot read: ${why}`,
      },
    ];
  }
  const out: CheckResult[] = [];
  const guard = (section: string, fn: () => void) => {
    try {
      fn();
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      out.push({
        name: section,
        pass: false,
        worstAbsErr: Number.NaN,
        tolerance: '-',
        detail: `error: ${why}`,
      });
    }
  };
  guard('vectors', () => checkVectors(fx, out));
  guard('dfd_video_case', () => checkDfdVideoCase(fx.dfd_video_case, out));
  guard('fas_eval_full_ft', () => checkFasEval('fas_eval_full_ft', fx.fas_eval_full_ft, out));
  guard('fas_eval_fs_adapter', () => checkFasEval('fas_eval_fs_adapter', fx.fas_eval_fs_adapter, out));
  return out;
}
