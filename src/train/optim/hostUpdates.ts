// The optimizer, clipping, accumulation and EMA as fused single-pass loops over the host arrays, in place. A step
// graph then only has to return gradients: one pass over 7 arrays here replaces ~14 full-size elementwise ops (and
// three full-size output copies) in the graph, which dominates large-model steps. Every operation is a float32
// operation in PyTorch 1.13's order. AdamW, EMA and the clipping norm run as WebAssembly SIMD kernels: directly on
// arrays that share a Float32Arena (what GraphTrainer's host placement sets up), through a copy window otherwise.
import type { AdamWConfig } from './adamw.js';
import { Float32Arena, sharedArena } from './float32Arena.js';

const f = Math.fround;

/** Elements per array per copy window (4 arrays × 4 MiB) for arrays outside an arena. */
const WINDOW = 1 << 20;
let copyBuffers: { arena: Float32Arena; views: Float32Array[] } | null = null;

function copyWindow(): { arena: Float32Arena; views: Float32Array[] } {
  if (copyBuffers) return copyBuffers;
  const arena = Float32Arena.create(4 * WINDOW);
  if (!arena) throw new Error('cannot reserve 16 MiB of WebAssembly memory for the optimizer kernels');
  copyBuffers = { arena, views: [0, 1, 2, 3].map(() => arena.alloc(WINDOW)) };
  return copyBuffers;
}

/**
 * p, m, v updated in place; scalars as computed by `adamwScalars` (float64 on the host, like Python floats; the kernel
 * takes them as float32, as PyTorch's float32 kernels do).
 */
export function adamwInPlace(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  s: { decay: number; stepSize: number; bc2Sqrt: number },
  cfg: AdamWConfig,
  gradScale = 1,
): void {
  const n = p.length;
  if (g.length !== n || m.length !== n || v.length !== n)
    throw new Error(`adamw: lengths differ (p ${n}, g ${g.length}, m ${m.length}, v ${v.length})`);
  const run = (
    k: Float32Arena,
    pp: Float32Array,
    gg: Float32Array,
    mm: Float32Array,
    vv: Float32Array,
    len: number,
  ) =>
    k.kernels.adamw(
      pp.byteOffset,
      gg.byteOffset,
      mm.byteOffset,
      vv.byteOffset,
      len,
      s.decay,
      cfg.beta1,
      1 - cfg.beta1,
      cfg.beta2,
      1 - cfg.beta2,
      s.bc2Sqrt,
      cfg.eps,
      s.stepSize,
      gradScale,
      gradScale !== 1 ? 1 : 0,
    );
  const shared = sharedArena(p, g, m, v);
  if (shared) {
    run(shared, p, g, m, v, n);
    return;
  }
  const w = copyWindow();
  const [wp, wg, wm, wv] = w.views as [Float32Array, Float32Array, Float32Array, Float32Array];
  for (let start = 0; start < n; start += WINDOW) {
    const end = Math.min(n, start + WINDOW);
    const len = end - start;
    wp.set(p.subarray(start, end));
    wg.set(g.subarray(start, end));
    wm.set(m.subarray(start, end));
    wv.set(v.subarray(start, end));
    run(w.arena, wp, wg, wm, wv, len);
    p.set(wp.subarray(0, len), start);
    m.set(wm.subarray(0, len), start);
    v.set(wv.subarray(0, len), start);
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
  const shared = sharedArena(teacher, student);
  if (shared) {
    shared.kernels.ema(teacher.byteOffset, student.byteOffset, teacher.length, mF, om);
    return;
  }
  for (let i = 0; i < teacher.length; i++) teacher[i] = f(f(teacher[i]! * mF) + f(student[i]! * om));
}

/** clip_grad_norm_: the global L2 norm of all gradients and the factor min(max / (norm + 1e-6), 1). */
export function clipCoefficient(
  grads: readonly Float32Array[],
  maxNorm: number,
): { totalNorm: number; coef: number } {
  let sq = 0;
  for (const g of grads) {
    const shared = sharedArena(g);
    if (shared) sq += shared.kernels.sumsq(g.byteOffset, g.length);
    else for (let i = 0; i < g.length; i++) sq += g[i]! * g[i]!;
  }
  const totalNorm = f(Math.sqrt(sq));
  return { totalNorm, coef: Math.min(f(maxNorm / f(totalNorm + 1e-6)), 1) };
}
