// InfoNCE (SPEC §4.3, util/loss_contrastive.py InfoNCELoss): S = f_on·f_tgᵀ/τ, L = 2τ·CE(S, [0..B−1]).
import { logSoftmax, mul, mulScalar, stopGradient, type Tensor } from '../../graph/index.js';
import { diagonalCrossEntropy, eye, similarity } from './contrastiveParts.js';

export interface InfoNceOptions {
  /** τ, 0.1 in the official code */
  temperature?: number;
  /**
   * 'all': every target is a candidate. 'positive': the official "negative-free" variant, which multiplies the
   * off-diagonal logits by 0 (they still enter the softmax as 0, not −∞) — kept as written (SPEC §9 #8).
   */
  sample?: 'all' | 'positive';
}

export function infoNceLoss(online: Tensor, target: Tensor, opts: InfoNceOptions = {}): Tensor {
  const tau = opts.temperature ?? 0.1;
  let scores = mulScalar(similarity(online, stopGradient(target)), 1 / tau);
  if ((opts.sample ?? 'all') === 'positive') scores = mul(scores, eye(scores, scores.shape[0]!));
  return mulScalar(diagonalCrossEntropy(logSoftmax(scores, 1)), 2 * tau);
}
