// SGD with momentum (PyTorch semantics, dampening 0): g ← g + wd·p; buf ← μ·buf + g; p ← p − lr·buf.
import { add, mul, mulScalar, sub, type Tensor } from '../../graph/index.js';

export function sgdUpdate(
  p: Tensor,
  g: Tensor,
  buf: Tensor,
  lr: Tensor,
  momentum: number,
  wd: number,
): { p: Tensor; buf: Tensor } {
  const gd = wd ? add(g, mulScalar(p, wd)) : g;
  const b2 = momentum ? add(mulScalar(buf, momentum), gd) : gd;
  return { p: sub(p, mul(lr, b2)), buf: b2 };
}
