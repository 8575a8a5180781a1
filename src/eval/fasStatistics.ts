/**
 * The official FAS statistics (cross_domain_FAS/utils/statistic.py), reproduced exactly.
 * Inputs are video-level `probs` = P(live) and `labels` (1 = live, 0 = spoof; compared with ==, so averaged
 * labels other than 0/1 count as neither class, as in NumPy). Decision: live iff prob >= thr.
 * Degenerate denominators follow the official rules (no live sample: FRR = 1; no spoof sample: FAR = 1).
 */

export interface ConfusionCounts {
  tn: number;
  fn: number;
  fp: number;
  tp: number;
}

/** `eval_state`: counts with "live" predicted iff prob >= thr. */
function checkInputs(probs: ArrayLike<number>, labels: ArrayLike<number>): void {
  if (probs.length !== labels.length)
    throw new Error(`FAS statistics: ${probs.length} probs but ${labels.length} labels`);
  for (let i = 0; i < probs.length; i++) {
    if (Number.isNaN(probs[i]))
      throw new Error(`FAS statistics: prob #${i} is NaN; every video needs a finite score`);
  }
}

export function evalState(probs: ArrayLike<number>, labels: ArrayLike<number>, thr: number): ConfusionCounts {
  checkInputs(probs, labels);
  const c = { tn: 0, fn: 0, fp: 0, tp: 0 };
  for (let i = 0; i < probs.length; i++) {
    const live = probs[i] >= thr;
    if (labels[i] === 0) live ? c.fp++ : c.tn++;
    else if (labels[i] === 1) live ? c.tp++ : c.fn++;
  }
  return c;
}

export interface FasRates {
  /** Attack presentation classification error rate (spoof accepted as live) = FAR. */
  APCER: number;
  /** Bona fide presentation classification error rate (live rejected), called NPCER in the official code = FRR. */
  BPCER: number;
  ACER: number;
  ACC: number;
}

/** `calculate`: APCER/NPCER/ACER/ACC at the fixed threshold 0.5. */
export function calculate(probs: ArrayLike<number>, labels: ArrayLike<number>, thr = 0.5): FasRates {
  const { tn, fn, fp, tp } = evalState(probs, labels, thr);
  const APCER = fp + tn === 0 ? 1.0 : fp / (fp + tn);
  const BPCER = fn + tp === 0 ? 1.0 : fn / (fn + tp);
  return { APCER, BPCER, ACER: (APCER + BPCER) / 2.0, ACC: (tp + tn) / labels.length };
}

/** `calculate_threshold`: accuracy at `thr` (fraction). */
export function calculateThreshold(probs: ArrayLike<number>, labels: ArrayLike<number>, thr: number): number {
  const { tn, tp } = evalState(probs, labels, thr);
  return (tp + tn) / labels.length;
}

/** `get_threshold`: 0.0 + i*1.0/grid for i = 0..grid, then 1.1 (10 002 values for grid 10 000). */
export function thresholdGrid(gridDensity = 10000): Float64Array {
  const out = new Float64Array(gridDensity + 2);
  for (let i = 0; i <= gridDensity; i++) out[i] = 0.0 + (i * 1.0) / gridDensity;
  out[gridDensity + 1] = 1.1;
  return out;
}

export interface EerStates {
  EER: number;
  /** The chosen grid threshold: minimal |FRR − FAR|, the largest threshold among ties (`<=`). */
  thr: number;
  FRR: Float64Array;
  FAR: Float64Array;
}

function farFrr(c: ConfusionCounts): [number, number] {
  if (c.fn + c.tp === 0) return [c.fp / (c.fp + c.tn), 1.0];
  if (c.fp + c.tn === 0) return [1.0, c.fn / (c.fn + c.tp)];
  return [c.fp / (c.fp + c.tn), c.fn / (c.fn + c.tp)];
}

/** `get_EER_states`: scan the grid and keep the (last) threshold with minimal |FRR − FAR|. */
export function getEerStates(
  probs: ArrayLike<number>,
  labels: ArrayLike<number>,
  gridDensity = 10000,
): EerStates {
  checkInputs(probs, labels);
  const grid = thresholdGrid(gridDensity);
  const FAR = new Float64Array(grid.length);
  const FRR = new Float64Array(grid.length);
  // counts at every grid point from one sort: live-predicted = #probs >= thr
  const live: number[] = [];
  const spoof: number[] = [];
  for (let i = 0; i < probs.length; i++) {
    if (labels[i] === 1) live.push(probs[i]);
    else if (labels[i] === 0) spoof.push(probs[i]);
  }
  live.sort((a, b) => a - b);
  spoof.sort((a, b) => a - b);
  let minDist = 1.0;
  let best: [number, number, number] | undefined;
  let li = 0;
  let si = 0;
  for (let g = 0; g < grid.length; g++) {
    const thr = grid[g];
    while (li < live.length && live[li] < thr) li++;
    while (si < spoof.length && spoof[si] < thr) si++;
    const c = { tp: live.length - li, fn: li, fp: spoof.length - si, tn: si };
    const [far, frr] = farFrr(c);
    FAR[g] = far;
    FRR[g] = frr;
    const dist = Math.abs(frr - far);
    if (dist <= minDist) {
      minDist = dist;
      best = [far, frr, thr];
    }
  }
  if (best === undefined) return { EER: Number.NaN, thr: Number.NaN, FRR, FAR };
  return { EER: (best[0] + best[1]) / 2.0, thr: best[2], FRR, FAR };
}

/** `get_HTER_at_thr`: (FAR + FRR) / 2 at `thr`. */
export function getHterAtThr(probs: ArrayLike<number>, labels: ArrayLike<number>, thr: number): number {
  const [far, frr] = farFrr(evalState(probs, labels, thr));
  return (far + frr) / 2.0;
}
