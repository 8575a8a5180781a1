// erf lowering. onnxruntime's CPU Erf kernel exists for float32 only, so float64 graphs (used for gradient
// checks) compute erf(x) = 2x/√π ∫₀¹ exp(-(x·s)²) ds by 64-point Gauss–Legendre quadrature, exact to ~1e-16
// on the clamped range |x| ≤ 6 (erf(6) = 1 − 2e-17).
import type { DType } from '../dtype.js';
import type { Emitter } from '../emitter.js';

const NODES = 64;
let cached: { s: Float64Array; w: Float64Array } | null = null;

/** Gauss–Legendre nodes and weights mapped to [0, 1] (Newton iteration on P_n). */
export function gaussLegendre01(n: number): { s: Float64Array; w: Float64Array } {
  const s = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = (n * (x * p1 - p0)) / (x * x - 1);
      const dx = p1 / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    s[i] = (x + 1) / 2;
    w[i] = 1 / ((1 - x * x) * dp * dp);
  }
  return { s, w };
}

export function emitErf(em: Emitter, input: string, output: string, dtype: DType): void {
  if (dtype !== 'float64') {
    em.node('Erf', [input], [output]);
    return;
  }
  cached ??= gaussLegendre01(NODES);
  const sName = em.tmp('glS');
  const wName = em.tmp('glW');
  em.initializer(sName, 'float64', [NODES], cached.s);
  em.initializer(wName, 'float64', [NODES], cached.w);
  const clamped = em.op('Min', [em.op('Max', [input, em.scalar(-6, dtype)]), em.scalar(6, dtype)]);
  const col = em.op('Unsqueeze', [clamped, em.int64([-1])]);
  const xs = em.op('Mul', [col, sName]);
  const integrand = em.op('Exp', [em.op('Neg', [em.op('Mul', [xs, xs])])]);
  const integral = em.op('MatMul', [integrand, wName]);
  em.node('Mul', [em.op('Mul', [integral, clamped]), em.scalar(2 / Math.sqrt(Math.PI), dtype)], [output]);
}
