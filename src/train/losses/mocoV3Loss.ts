// MoCo v3 (SPEC §4.3): both views re-normalised, S = q·kᵀ/τ, L = 2τ·CE(S, [0..B−1]) (= InfoNCE 'all' on unit vectors).
import { l2Normalize, logSoftmax, mulScalar, stopGradient, type Tensor } from '../../graph/index.js';
import { diagonalCrossEntropy, similarity } from './contrastiveParts.js';

export function mocoV3Loss(online: Tensor, target: Tensor, temperature = 0.1): Tensor {
  const q = l2Normalize(online, 1);
  const k = l2Normalize(stopGradient(target), 1);
  const scores = mulScalar(similarity(q, k), 1 / temperature);
  return mulScalar(diagonalCrossEntropy(logSoftmax(scores, 1)), 2 * temperature);
}
