// Small traced building blocks shared by the contrastive losses.
import {
  constantFilled,
  matmul,
  mul,
  neg,
  reduceMean,
  reduceSum,
  type Tensor,
  transpose,
} from '../../graph/index.js';

/** The n×n identity as a constant of `like`'s graph and float dtype. */
export function eye(like: Tensor, n: number): Tensor {
  const t = constantFilled(like, like.dtype, [n, n], 0);
  const data = t.value as Float32Array | Float64Array;
  for (let i = 0; i < n; i++) data[i * n + i] = 1;
  return t;
}

/** a·bᵀ for a [N,d], b [M,d]. */
export function similarity(a: Tensor, b: Tensor): Tensor {
  return matmul(a, transpose(b));
}

/** Mean over rows of −logp[i,i]: cross-entropy of square logits against the labels 0..N−1. */
export function diagonalCrossEntropy(logProbs: Tensor): Tensor {
  const n = logProbs.shape[0]!;
  return neg(reduceMean(reduceSum(mul(logProbs, eye(logProbs, n)), 1)));
}
