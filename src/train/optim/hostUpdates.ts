// The optimizer, clipping, accumulation and EMA as fused single-pass loops over the host arrays, in place.
// A step graph then only has to return gradients: one pass over 7 arrays here replaces ~14 full-size
// elementwise ops (and three full-size output copies) in the graph, which dominates large-model steps.
// Every intermediate is rounded to float32 with Math.fround, in PyTorch 1.13's operation order.
import type { AdamWConfig } from './adamw.js';

const f = Math.fround;

/** p, m, v updated in place; scalars as computed by `adamwScalars` (float64 on the host, like Python floats). */
export function adamwInPlace(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  s: { decay: number; stepSize: number; bc2Sqrt: number },
  cfg: AdamWConfig,
  gradScale = 1,
): void {
  const decay = f(s.decay);
  const b1 = f(cfg.beta1);
  const b2 = f(cfg.beta2);
  const c1 = f(1 - cfg.beta1);
  const c2 = f(1 - cfg.beta2);
  const bc2 = f(s.bc2Sqrt);
  const eps = f(cfg.eps);
  const step = f(s.stepSize);
  const scale = f(gradScale);
  const scaled = gradScale !== 1;
  for (let i = 0; i < p.length; i++) {
    const gi = scaled ? f(g[i]! * scale) : g[i]!;
    const pd = f(p[i]! * decay);
    const mi = f(f(m[i]! * b1) + f(gi * c1));
    const vi = f(f(v[i]! * b2) + f(f(gi * gi) * c2));
    const denom = f(f(Math.sqrt(vi) / bc2) + eps);
    p[i] = f(pd - f(step * f(mi / denom)));
    m[i] = mi;
    v[i] = vi;
  }
}

/** SGD with momentum (dampening 0) in place: g ← g + wd·p; buf ← μ·buf + g; p ← p − lr·buf. */
export function sgdInPlace(
  p: Float32Array,
  g: Float32Array,
  buf: Float32Array,
  lr: number,
  momentum: number,
  wd: number,
  gradScale = 1,
): void {
  const lrF = f(lr);
  const mu = f(momentum);
  const wdF = f(wd);
  const scale = f(gradScale);
  for (let i = 0; i < p.length; i++) {
    let gi = gradScale !== 1 ? f(g[i]! * scale) : g[i]!;
    if (wd) gi = f(gi + f(p[i]! * wdF));
    const b = momentum ? f(f(buf[i]! * mu) + gi) : gi;
    buf[i] = b;
    p[i] = f(p[i]! - f(lrF * b));
  }
}

/** acc += g (PyTorch's .grad accumulation across micro-batches). */
export function accumulateInPlace(acc: Float32Array, g: Float32Array): void {
  for (let i = 0; i < acc.length; i++) acc[i] = f(acc[i]! + g[i]!);
}

/** θ_t ← m·θ_t + (1 − m)·θ_s (the official `mul_(m).add_((1 − m) * θ_s)`). */
export function emaInPlace(teacher: Float32Array, student: Float32Array, m: number): void {
  const mF = f(m);
  const om = f(1 - m);
  for (let i = 0; i < teacher.length; i++) teacher[i] = f(f(teacher[i]! * mF) + f(student[i]! * om));
}

/** clip_grad_norm_: the global L2 norm of all gradients and the factor min(max / (norm + 1e-6), 1). */
export function clipCoefficient(
  grads: readonly Float32Array[],
  maxNorm: number,
): { totalNorm: number; coef: number } {
  let sq = 0;
  for (const g of grads) for (let i = 0; i < g.length; i++) sq += g[i]! * g[i]!;
  const totalNorm = f(Math.sqrt(sq));
  return { totalNorm, coef: Math.min(f(maxNorm / f(totalNorm + 1e-6)), 1) };
}
