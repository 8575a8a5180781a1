// torch.nn.utils.clip_grad_norm_ (norm type 2): coef = min(max_norm / (‖g‖ + 1e-6), 1), every gradient × coef.
import { add, div, minimum, mul, reduceSum, scalarLike, sqrt, type Tensor } from '../../graph/index.js';

export function clipGradNorm(
  grads: readonly Tensor[],
  maxNorm: number,
): { grads: Tensor[]; totalNorm: Tensor } {
  if (grads.length === 0) throw new Error('clipGradNorm: no gradients');
  let sq: Tensor | null = null;
  for (const g of grads) {
    const s = reduceSum(mul(g, g));
    sq = sq ? add(sq, s) : s;
  }
  const total = sqrt(sq!);
  const coef = minimum(
    div(scalarLike(total, maxNorm), add(total, scalarLike(total, 1e-6))),
    scalarLike(total, 1),
  );
  return { grads: grads.map((g) => mul(g, coef)), totalNorm: total };
}
