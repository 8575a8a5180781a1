/**
 * Seeded, class-stratified bootstrap confidence intervals for AUC and EER: each replicate resamples the
 * positives and the negatives separately with replacement (so every replicate keeps both classes and the
 * class ratio), recomputes the metric, and the interval is the percentile interval of the replicates
 * (linear interpolation between order statistics, NumPy's default `percentile`). Same seed ⇒ same interval.
 */
import { rocAucRaw } from './auc.js';
import { type EerMethod, eerRaw } from './eer.js';
import { type BinaryScores, classCounts, prepareBinary } from './scores.js';

export type BootstrapMetric = 'auc' | 'eer';

export interface BootstrapOptions {
  metric: BootstrapMetric;
  /** Number of replicates (default 1000). */
  resamples?: number;
  /** Two-sided confidence level (default 0.95). */
  confidence?: number;
  seed?: number;
  eerMethod?: EerMethod;
}

export interface BootstrapInterval {
  metric: BootstrapMetric;
  /** The metric on the full set. */
  estimate: number;
  low: number;
  high: number;
  confidence: number;
  resamples: number;
  seed: number;
  method: 'percentile, class-stratified';
}

/** mulberry32: a small, fast 32-bit generator; enough for resampling indices reproducibly. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** NumPy `percentile(..., method='linear')` of an ascending array. */
export function percentileSorted(sorted: ArrayLike<number>, q: number): number {
  const pos = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function bootstrapInterval(set: BinaryScores, options: BootstrapOptions): BootstrapInterval {
  const { metric, resamples = 1000, confidence = 0.95, seed = 0, eerMethod = 'fsfm-brent' } = options;
  if (!(resamples >= 1) || !Number.isInteger(resamples))
    throw new Error(`bootstrap: resamples must be a positive integer`);
  if (!(confidence > 0 && confidence < 1))
    throw new Error(`bootstrap: confidence must be in (0, 1), got ${confidence}`);
  const { yPos, score } = prepareBinary(set, 'bootstrap');
  const compute = (y: ArrayLike<number>, s: ArrayLike<number>) =>
    metric === 'auc' ? rocAucRaw(y, s) : eerRaw(y, s, eerMethod).eer;
  const estimate = compute(yPos, score);
  const base = {
    metric,
    estimate,
    confidence,
    resamples,
    seed,
    method: 'percentile, class-stratified' as const,
  };
  const { positives, negatives } = classCounts(yPos);
  if (positives === 0 || negatives === 0) return { ...base, low: Number.NaN, high: Number.NaN };
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < score.length; i++) (yPos[i] ? pos : neg).push(score[i]);
  const rand = mulberry32(seed);
  const n = score.length;
  const y = new Uint8Array(n);
  y.fill(1, 0, positives);
  const s = new Float64Array(n);
  const values = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < positives; i++) s[i] = pos[Math.floor(rand() * positives)];
    for (let i = 0; i < negatives; i++) s[positives + i] = neg[Math.floor(rand() * negatives)];
    values[r] = compute(y, s);
  }
  values.sort();
  const tail = ((1 - confidence) / 2) * 100;
  return { ...base, low: percentileSorted(values, tail), high: percentileSorted(values, 100 - tail) };
}
