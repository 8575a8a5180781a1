// How spread out a batch of features is, the collapse check of SimSiam (Chen & He 2021, §4.1): the contrastive loss
// alone cannot tell "the target's features collapsed to one point" from "online and target agree on spread-out
// features" — both sit at the loss floor. Traced into the step graph on the target's projector output, so it costs a
// few elementwise ops on a [B, d] tensor and no extra forward pass; not part of the loss (no gradient flows).
import {
  l2Normalize,
  mul,
  mulScalar,
  reduceMean,
  reduceSum,
  sqrt,
  stopGradient,
  sub,
  type Tensor,
} from '../../graph/index.js';

export interface FeatureSpread {
  /**
   * mean over the d dimensions of the (population) std across the batch of the L2-normalised rows: 0 when every
   * row is the same vector, about 1/sqrt(d) for rows spread uniformly over the sphere
   */
  std: Tensor;
  /** mean cosine between the rows of two different samples: 1 when collapsed, about 0 when spread; null for B < 2 */
  cos: Tensor | null;
}

/** The spread of the rows of `x` ([B, d]) after L2 normalisation. */
export function featureSpread(x: Tensor): FeatureSpread {
  const [batch] = x.shape;
  if (x.shape.length !== 2 || batch === undefined)
    throw new Error(`featureSpread expects [B, d] features, got [${x.shape.join(', ')}]`);
  const f = l2Normalize(stopGradient(x), -1);
  const centred = sub(f, reduceMean(f, 0, true));
  const std = reduceMean(sqrt(reduceMean(mul(centred, centred), 0)));
  if (batch < 2) return { std, cos: null };
  // Σ_{i≠j} f_i·f_j = ‖Σ_i f_i‖² − Σ_i ‖f_i‖²: the off-diagonal of the Gram matrix without forming it
  const s = reduceSum(f, 0);
  const offDiagonal = sub(reduceSum(mul(s, s)), reduceSum(mul(f, f)));
  return { std, cos: mulScalar(offDiagonal, 1 / (batch * (batch - 1))) };
}
