// SimSiam (SPEC §4.3, used by every official script): L = −0.5 · mean_i cos(f_on,i, f_tg,i), target detached.
import {
  div,
  maximum,
  mul,
  mulScalar,
  reduceMean,
  reduceSum,
  scalarLike,
  sqrt,
  stopGradient,
  type Tensor,
} from '../../graph/index.js';

/** F.cosine_similarity(a, b, dim=-1) with eps 1e-8: a·b / max(‖a‖‖b‖, eps). */
export function cosineSimilarity(a: Tensor, b: Tensor): Tensor {
  const dot = reduceSum(mul(a, b), -1);
  const na = sqrt(reduceSum(mul(a, a), -1));
  const nb = sqrt(reduceSum(mul(b, b), -1));
  return div(dot, maximum(mul(na, nb), scalarLike(dot, 1e-8)));
}

export function simsiamLoss(online: Tensor, target: Tensor): Tensor {
  return mulScalar(reduceMean(cosineSimilarity(online, stopGradient(target))), -0.5);
}
