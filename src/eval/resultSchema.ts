/**
 * The JSON result file of an evaluation run (`schema: 'fsvfm.eval/1'`). Units are explicit: every rate is a
 * fraction in [0, 1] (the official printouts' % values are derived when writing them); NaN is written as
 * null (JSON has no NaN) and means "undefined for this input", e.g. AUC of a single-class set.
 */

import type { GroupAucSummary } from './groupAuc.js';
import type { BinarySummary } from './summary.js';
import type { NoFacePolicy, VideoAggregation } from './videoAggregation.js';

export const RESULT_SCHEMA = 'fsvfm.eval/1';

export interface EvaluatedSet {
  /** Data set / subset name, e.g. `Celeb-DF-v2`, `DiFF_T2I`, `MCIO:M`. */
  name: string;
  level: 'frame' | 'video';
  summary: BinarySummary;
  /** Video-level only: how frames became videos. */
  video?: { aggregation: VideoAggregation; noFace: NoFacePolicy; dropped: number; abstained: number };
  /** AUC within each person's own samples, next to the pooled `summary.auc` (when a person id was given). */
  perPerson?: GroupAucSummary;
  /** Per-class score histograms for the report (`bins` + 1 edges over [0, 1]). */
  histogram?: { edges: number[]; real: number[]; fake: number[] };
}

export interface EvaluationResult {
  schema: typeof RESULT_SCHEMA;
  createdAt: string;
  /** `dfd-cross-dataset`, `diff-unseen`, `fas-mcio`, or free text. */
  protocol: string;
  model?: { name?: string; checkpoint?: string; sha256?: string };
  sets: EvaluatedSet[];
  notes?: string[];
}

/** Histogram of the scores of each class over [0, 1] (scores outside are clamped into the end bins). */
export function scoreHistogram(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  bins = 20,
): { edges: number[]; real: number[]; fake: number[] } {
  const edges = Array.from({ length: bins + 1 }, (_, i) => i / bins);
  const real = new Array<number>(bins).fill(0);
  const fake = new Array<number>(bins).fill(0);
  for (let i = 0; i < scores.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(scores[i] * bins)));
    (labels[i] === 1 ? real : fake)[b]++;
  }
  return { edges, real, fake };
}

/** JSON text with NaN/±Infinity written as null. */
export function serializeResult(result: EvaluationResult): string {
  return `${JSON.stringify(result, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}
