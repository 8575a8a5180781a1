// The FS-Adapter real-anchor contrastive loss (SPEC §4.5, RealAnchorConLoss) and its two unused ablations
// (PosOnlySupConLoss, PosNegOnlySupConLoss). Labels are fed at run time, so every "no real sample" branch of the
// official code is a `where` on a count inside the graph: one compiled program serves every batch.
import {
  abs,
  add,
  addScalar,
  cast,
  div,
  equal,
  exp,
  expand,
  less,
  log,
  mul,
  mulScalar,
  neg,
  reduceMean,
  reduceSum,
  relu,
  reshape,
  scalarLike,
  slice,
  sub,
  type Tensor,
  where,
} from '../../graph/index.js';
import { eye, similarity } from './contrastiveParts.js';
import {
  floatDtype,
  guardedCount,
  type SupConOptions,
  shiftedLogProbs,
  stackViews,
  supConFromMask,
  tileMask,
} from './supConLoss.js';

export interface RealAnchorOptions extends SupConOptions {
  /** class index of "real" (1 for DfD/DiFF ImageFolders and FAS; the official class default is 0) */
  realClass: number;
}

/** 1.0 where labels[i] = realClass, else 0.0 ([N] of `dtype`). */
export function realIndicator(
  labels: Tensor,
  realClass: number,
  dtype: 'float32' | 'float64' = 'float32',
): Tensor {
  if (labels.rank !== 1) throw new Error(`labels must be [N], got [${labels.shape}]`);
  return cast(equal(labels, scalarLike(labels, realClass)), dtype);
}

function outer(a: Tensor, b: Tensor): Tensor {
  const n = a.shape[0]!;
  const m = b.shape[0]!;
  return mul(reshape(a, [n, 1]), reshape(b, [1, m]));
}

function checkBatch(features: Tensor, labels: Tensor): void {
  if (labels.shape[0] !== features.shape[0])
    throw new Error(`${labels.shape[0]} labels for ${features.shape[0]} feature rows`);
}

/**
 * RealAnchorConLoss: SupCon whose positives are the real–real pairs; every anchor's denominator holds all other
 * samples, so fakes are pushed away from reals, fake anchors contribute 0 (but count in the mean). A batch without
 * a real sample gives the constant 1e-6 (no gradient).
 */
export function realAnchorConLoss(features: Tensor, labels: Tensor, opts: RealAnchorOptions): Tensor {
  checkBatch(features, labels);
  const real = realIndicator(labels, opts.realClass, floatDtype(features));
  const loss = supConFromMask(features, outer(real, real), opts);
  const noReal = less(reduceSum(real), scalarLike(loss, 0.5));
  return where(noReal, scalarLike(loss, 1e-6), loss);
}

/**
 * PosOnlySupConLoss (ablation): only real–real pairs, both as positives and as the whole denominator (fakes are
 * never pushed). The official per-anchor positive count is Σ_j over the N samples, tiled over the views. 0 when the
 * batch has no real sample.
 */
export function posOnlySupConLoss(features: Tensor, labels: Tensor, opts: RealAnchorOptions): Tensor {
  checkBatch(features, labels);
  const tau = opts.temperature ?? 0.07;
  const base = opts.baseTemperature ?? 0.07;
  const { stacked, n, views } = stackViews(features);
  const real = realIndicator(labels, opts.realClass, floatDtype(features));
  const pairs = mul(outer(real, real), sub(scalarLike(real, 1), eye(real, n)));
  const tiled = tileMask(pairs, views);
  const logProbs = shiftedLogProbs(stacked, tiled, tau);
  const counts = reshape(expand(reshape(reduceSum(pairs, 1), [1, n]), [views, n]), [views * n]);
  const meanLogProbPos = div(reduceSum(mul(tiled, logProbs), 1), guardedCount(counts));
  const loss = mulScalar(neg(reduceMean(meanLogProbPos)), tau / base);
  return where(less(reduceSum(real), scalarLike(loss, 0.5)), scalarLike(loss, 0), loss);
}

/** softplus(x) = log(1 + eˣ), written as relu(x) + log(1 + e^{−|x|}) so it never overflows. */
function softplus(x: Tensor): Tensor {
  return add(relu(x), log(addScalar(exp(neg(abs(x))), 1)));
}

/**
 * PosNegOnlySupConLoss (ablation): mean softplus(z_r·z_f/τ) over all real × fake pairs of view 0; 0 when the batch
 * lacks reals or fakes.
 */
export function posNegOnlySupConLoss(features: Tensor, labels: Tensor, opts: RealAnchorOptions): Tensor {
  checkBatch(features, labels);
  const tau = opts.temperature ?? 0.07;
  const z =
    features.rank === 3
      ? reshape(slice(features, 1, 0, 1), [features.shape[0]!, features.shape[2]!])
      : features;
  const real = realIndicator(labels, opts.realClass, floatDtype(features));
  const pairs = outer(real, sub(scalarLike(real, 1), real));
  const penalties = softplus(mulScalar(similarity(z, z), 1 / tau));
  const count = reduceSum(pairs);
  const loss = div(reduceSum(mul(pairs, penalties)), guardedCount(count));
  return where(equal(count, scalarLike(count, 0)), scalarLike(loss, 0), loss);
}
