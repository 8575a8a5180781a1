// BYOL (SPEC §4.3): L = mean_i (2 − 2·f_on,i·f_tg,i) on already unit-norm features; the target is detached.
import {
  addScalar,
  mul,
  mulScalar,
  reduceMean,
  reduceSum,
  stopGradient,
  type Tensor,
} from '../../graph/index.js';

export function byolLoss(online: Tensor, target: Tensor): Tensor {
  const dot = reduceSum(mul(online, stopGradient(target)), -1);
  return reduceMean(addScalar(mulScalar(dot, -2), 2));
}
