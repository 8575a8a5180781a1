/**
 * Two-class softmax and cross-entropy in float32, arranged like PyTorch's CPU kernels (max subtraction,
 * exp, then multiplication by the reciprocal of the sum). The official scores are float32 softmax outputs;
 * PyTorch's vectorised exp can differ from a correctly rounded one by 1 ulp, so expect agreement to a few
 * float32 ulps (~1e-7), not bit identity, when starting from logits.
 */
const f = Math.fround;

/** softmax(logits)[1] = P(real) in float32. */
export function probRealFloat32(logits: ArrayLike<number>): number {
  if (logits.length !== 2) throw new Error(`softmax: expected 2 logits (fake, real), got ${logits.length}`);
  const a = f(logits[0]);
  const b = f(logits[1]);
  const m = Math.max(a, b);
  const ea = f(Math.exp(f(a - m)));
  const eb = f(Math.exp(f(b - m)));
  const inv = f(1 / f(ea + eb));
  return f(eb * inv);
}

/** −log_softmax(logits)[target] in float32 (x − max − log Σ exp(x − max)). */
export function crossEntropyFloat32(logits: ArrayLike<number>, target: 0 | 1): number {
  const a = f(logits[0]);
  const b = f(logits[1]);
  const m = Math.max(a, b);
  const lse = f(Math.log(f(f(Math.exp(f(a - m))) + f(Math.exp(f(b - m))))));
  const x = target === 1 ? b : a;
  return -f(f(x - m) - lse);
}

/** Mean cross-entropy over a batch, accumulated in float32 (`nn.CrossEntropyLoss()` with mean reduction). */
export function meanCrossEntropyFloat32(
  logits: ArrayLike<ArrayLike<number>>,
  targets: ArrayLike<number>,
): number {
  let sum = 0;
  for (let i = 0; i < logits.length; i++)
    sum = f(sum + crossEntropyFloat32(logits[i], targets[i] === 1 ? 1 : 0));
  return f(sum / logits.length);
}
