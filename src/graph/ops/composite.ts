// Composite functions built from primitive ops (their gradients follow automatically).
import { ShapeError } from '../shapeError.js';
import type { Tensor } from '../tensor.js';
import { cast } from './cast.js';
import { div, maximum, mul, mulScalar } from './elementwise.js';
import { gatherElements } from './gather.js';
import { gemm } from './matmul.js';
import { reduceMean, reduceSum } from './reduce.js';
import { reshape } from './shapeOps.js';
import { logSoftmax } from './softmax.js';
import { neg, sqrt } from './unary.js';
import { scalarLike } from './util.js';

/** y = x·Wᵀ + b for x [..., in], W [out, in] (PyTorch's Linear layout), via one 2-D Gemm. */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor): Tensor {
  const din = x.shape[x.rank - 1]!;
  if (weight.rank !== 2 || weight.shape[1] !== din) {
    throw new ShapeError(
      'linear',
      `weight [${weight.shape}] does not take inputs of width ${din} (input [${x.shape}])`,
    );
  }
  const lead = x.shape.slice(0, -1);
  const y = gemm(reshape(x, [-1, din]), weight, { transB: true }, bias);
  return reshape(y, [...lead, weight.shape[0]!]);
}

/**
 * v / max(‖v‖₂, eps) along `axis` (F.normalize). Written as sqrt(max(‖v‖², eps²)), which is the same value,
 * so that an all-zero v gets PyTorch's finite gradient g/eps instead of 0·(1/0) = NaN from d‖v‖ at 0.
 */
export function l2Normalize(x: Tensor, axis = -1, eps = 1e-12): Tensor {
  const sumSq = reduceSum(mul(x, x), axis, true);
  return div(x, sqrt(maximum(sumSq, scalarLike(sumSq, eps * eps))));
}

/** Mean cross-entropy of logits [N,C] against int64 class ids [N]. */
export function crossEntropy(logits: Tensor, labels: Tensor): Tensor {
  if (logits.rank !== 2 || labels.rank !== 1 || labels.shape[0] !== logits.shape[0]) {
    throw new ShapeError(
      'crossEntropy',
      `needs logits [N,C] and labels [N], got [${logits.shape}] and [${labels.shape}]`,
    );
  }
  const picked = gatherElements(logSoftmax(logits, 1), reshape(labels, [-1, 1]), 1);
  return neg(reduceMean(picked));
}

/** Mean soft-target cross-entropy: mean_i Σ_c −t_ic·log_softmax(z_i)_c (timm SoftTargetCrossEntropy). */
export function softCrossEntropy(logits: Tensor, targets: Tensor): Tensor {
  return neg(reduceMean(reduceSum(mul(targets, logSoftmax(logits, -1)), -1)));
}

/** Inverted dropout with an explicit keep-mask input (1 = keep), so randomness stays outside the graph. */
export function dropout(x: Tensor, keepMask: Tensor, p: number): Tensor {
  if (p <= 0) return x;
  return mulScalar(mul(x, cast(keepMask, x.dtype)), 1 / (1 - p));
}

/** Stochastic depth: per-sample keep-mask [B] (1 = keep), scaled by 1/(1−p) as timm's DropPath does. */
export function dropPath(x: Tensor, keepMask: Tensor, p: number): Tensor {
  if (p <= 0) return x;
  const shape = [x.shape[0]!, ...x.shape.slice(1).map(() => 1)];
  return mulScalar(mul(x, reshape(cast(keepMask, x.dtype), shape)), 1 / (1 - p));
}
