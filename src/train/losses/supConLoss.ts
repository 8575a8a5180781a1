// SupCon (SPEC §4.3 reference formula, util/loss_contrastive.py SupConLoss, contrast_mode 'all'), written so the
// positive mask may be computed inside the graph from labels fed at run time.
import {
  add,
  cast,
  constantFilled,
  div,
  equal,
  exp,
  less,
  log,
  mul,
  mulScalar,
  neg,
  reduceMax,
  reduceMean,
  reduceSum,
  reshape,
  scalarLike,
  stopGradient,
  sub,
  type Tensor,
  transpose,
  where,
} from '../../graph/index.js';
import { eye, similarity } from './contrastiveParts.js';

export interface SupConOptions {
  /** τ (official default 0.07) */
  temperature?: number;
  /** τ_base: the loss is scaled by τ/τ_base (official default 0.07) */
  baseTemperature?: number;
}

/** The float dtype of a feature tensor. */
export function floatDtype(t: Tensor): 'float32' | 'float64' {
  if (t.dtype !== 'float32' && t.dtype !== 'float64')
    throw new Error(`contrastive features must be float, got ${t}`);
  return t.dtype;
}

/** [N,d] (one view) or [N,V,d] → the view-major stack [V·N, d] (torch.cat(torch.unbind(f, 1), 0)). */
export function stackViews(features: Tensor): { stacked: Tensor; n: number; views: number } {
  if (features.rank === 2) return { stacked: features, n: features.shape[0]!, views: 1 };
  if (features.rank !== 3)
    throw new Error(`contrastive features must be [N,d] or [N,V,d], got [${features.shape}]`);
  const [n, v, d] = features.shape as [number, number, number];
  return { stacked: reshape(transpose(features, [1, 0, 2]), [v * n, d]), n, views: v };
}

/** mask.repeat(V, V): an [N,N] mask tiled to [V·N, V·N]. */
export function tileMask(mask: Tensor, views: number): Tensor {
  if (views === 1) return mask;
  const n = mask.shape[0]!;
  const ones = constantFilled(mask, mask.dtype, [views, 1, views, 1], 1);
  return reshape(mul(reshape(mask, [1, n, 1, n]), ones), [views * n, views * n]);
}

/**
 * ℓ_ij = z_i·z_j/τ − max_j(z_i·z_j/τ) (max over all j including i, detached), the log-probability
 * log p_ij = ℓ_ij − log(Σ_{a ∈ denominator(i)} e^{ℓ_ia} + 1e-6).
 */
export function shiftedLogProbs(z: Tensor, denominatorMask: Tensor, temperature: number): Tensor {
  const scores = mulScalar(similarity(z, z), 1 / temperature);
  const logits = sub(scores, stopGradient(reduceMax(scores, 1, true)));
  const denom = reduceSum(mul(exp(logits), denominatorMask), 1, true);
  return sub(logits, log(add(denom, scalarLike(denom, 1e-6))));
}

/** max(count, 1) as SupCon writes it: counts below 1e-6 become 1. */
export function guardedCount(count: Tensor): Tensor {
  return where(less(count, scalarLike(count, 1e-6)), scalarLike(count, 1), count);
}

/**
 * SupCon with an explicit positive mask [N,N] (float; 1 where j is a positive of i). Self pairs are removed from
 * both the positives and the denominator; the loss is the mean over all V·N anchors of
 * −(τ/τ_base)·Σ_{p∈P(i)} log p_ip / max(|P(i)|, 1).
 */
export function supConFromMask(features: Tensor, mask: Tensor, opts: SupConOptions = {}): Tensor {
  const tau = opts.temperature ?? 0.07;
  const base = opts.baseTemperature ?? 0.07;
  const { stacked, views } = stackViews(features);
  const m = stacked.shape[0]!;
  const notSelf = sub(scalarLike(stacked, 1), eye(stacked, m));
  const positives = mul(tileMask(cast(mask, stacked.dtype), views), notSelf);
  const logProbs = shiftedLogProbs(stacked, notSelf, tau);
  const meanLogProbPos = div(reduceSum(mul(positives, logProbs), 1), guardedCount(reduceSum(positives, 1)));
  return mulScalar(neg(reduceMean(meanLogProbPos)), tau / base);
}

/** [N,N] mask of equal labels (labels [N], any dtype) as 1.0/0.0 of `dtype`. */
export function sameLabelMask(labels: Tensor, dtype: 'float32' | 'float64' = 'float32'): Tensor {
  const n = labels.shape[0]!;
  return cast(equal(reshape(labels, [n, 1]), reshape(labels, [1, n])), dtype);
}

/**
 * SupConLoss: supervised with `labels` [N], or unsupervised (SimCLR form: the other views of the same sample are
 * the positives) without. τ=0.1 with τ_base=0.07 is what `--cl_loss SimCLR` would have used (reference only).
 */
export function supConLoss(features: Tensor, opts: SupConOptions & { labels?: Tensor } = {}): Tensor {
  const n = features.shape[0]!;
  const mask = opts.labels ? sameLabelMask(opts.labels, floatDtype(features)) : eye(features, n);
  return supConFromMask(features, mask, opts);
}
