// Masked reconstruction (SPEC §4.1) and the specific-facial-region term (§4.2).
import {
  addScalar,
  div,
  maximum,
  mul,
  powScalar,
  reduceMean,
  reduceSum,
  scalarLike,
  sqrt,
  sub,
  type Tensor,
} from '../../graph/index.js';
import { patchify } from './patchify.js';

export interface ReconstructionLosses {
  /** per-patch MSE e[b,k] against the (normalised) pixel target */
  perPatch: Tensor;
  /** Σ e·M / Σ M over masked patches */
  all: Tensor;
  /** Σ e·FR / Σ FR; defined as 0 when the region is empty in the whole batch (SPEC §9 #5) */
  sfr: Tensor;
}

/** Normalised-pixel target: per patch (t − μ)/√(σ²_unbiased + 1e-6). */
export function normPixTarget(target: Tensor): Tensor {
  const n = target.shape[target.rank - 1]!;
  const mu = reduceMean(target, -1, true);
  const centred = sub(target, mu);
  const varUnbiased = div(reduceSum(mul(centred, centred), -1, true), scalarLike(target, n - 1));
  return div(centred, sqrt(addScalar(varUnbiased, 1e-6)));
}

export function reconstructionLosses(
  images: Tensor,
  pred: Tensor,
  mask: Tensor,
  sfrMask: Tensor,
  patch: number,
  normPix: boolean,
): ReconstructionLosses {
  const raw = patchify(images, patch);
  const target = normPix ? normPixTarget(raw) : raw;
  const perPatch = reduceMean(powScalar(sub(pred, target), 2), -1);
  const one = scalarLike(mask, 1);
  const all = div(reduceSum(mul(perPatch, mask)), maximum(reduceSum(mask), one));
  const sfr = div(reduceSum(mul(perPatch, sfrMask)), maximum(reduceSum(sfrMask), one));
  return { perPatch, all, sfr };
}
