// AdamW inside the training graph, in PyTorch 1.13's operation order (torch.optim.AdamW, single-tensor path):
//   p ← p·(1 − lr·wd);  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  p ← p − (lr/bc1) · m / (√v/√bc2 + eps)
// The per-step scalars (decay factor, step size, √bc2) are computed in float64 on the host and fed, as PyTorch
// computes them as Python floats.
import { add, div, mul, mulScalar, scalarLike, sqrt, sub, type Tensor } from '../../graph/index.js';

export interface AdamWConfig {
  beta1: number;
  beta2: number;
  eps: number;
}

export const DEFAULT_ADAMW: AdamWConfig = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };

export interface AdamWScalars {
  /** 1 − lr·wd of the parameter's group */
  decay: Tensor;
  /** lr / (1 − β1^t) of the parameter's group */
  stepSize: Tensor;
  /** √(1 − β2^t) */
  bc2Sqrt: Tensor;
}

export function adamwUpdate(
  p: Tensor,
  g: Tensor,
  m: Tensor,
  v: Tensor,
  s: AdamWScalars,
  cfg: AdamWConfig,
): { p: Tensor; m: Tensor; v: Tensor } {
  const decayed = mul(p, s.decay);
  const m2 = add(mulScalar(m, cfg.beta1), mulScalar(g, 1 - cfg.beta1));
  const v2 = add(mulScalar(v, cfg.beta2), mulScalar(mul(g, g), 1 - cfg.beta2));
  const denom = add(div(sqrt(v2), s.bc2Sqrt), scalarLike(v2, cfg.eps));
  return { p: sub(decayed, mul(s.stepSize, div(m2, denom))), m: m2, v: v2 };
}

/** Host-side scalars for step t (1-based) of a group with learning rate lr and weight decay wd. */
export function adamwScalars(
  lr: number,
  wd: number,
  t: number,
  cfg: AdamWConfig,
): { decay: number; stepSize: number; bc2Sqrt: number } {
  return { decay: 1 - lr * wd, stepSize: lr / (1 - cfg.beta1 ** t), bc2Sqrt: Math.sqrt(1 - cfg.beta2 ** t) };
}
