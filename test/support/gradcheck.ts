// Central finite differences in float64 against the engine's reverse-mode gradients.
import { compile, Graph, grad, type HostTensor, type Tensor } from '../../src/graph/index.js';

export interface GradCheckInput {
  shape: number[];
  /** values; random in [-1, 1] (seeded) when omitted */
  values?: number[];
  /** no gradient checked for this input (e.g. int64 indices, masks) */
  fixed?: HostTensor;
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}

/**
 * Builds f(inputs) in float64, compares d f / d input (reverse mode) with central differences.
 * Returns the worst relative error max|a−n| / max(1, |n|) over all checked elements.
 */
export async function gradCheck(
  inputs: GradCheckInput[],
  f: (xs: Tensor[]) => Tensor,
  opts: { h?: number; seed?: number } = {},
): Promise<number> {
  const h = opts.h ?? 1e-6;
  const rnd = seeded(opts.seed ?? 7);
  const g = new Graph();
  const xs = inputs.map((inp, i) =>
    inp.fixed ? g.input(`x${i}`, inp.fixed.dtype, inp.fixed.shape) : g.input(`x${i}`, 'float64', inp.shape),
  );
  const y = f(xs);
  const diff = inputs.map((inp, i) => (inp.fixed ? null : xs[i]!)).filter((t): t is Tensor => t !== null);
  const grads = grad(y, diff);
  const outputs: Record<string, Tensor> = { y };
  grads.forEach((gt, i) => {
    outputs[`g${i}`] = gt;
  });
  const exe = await compile(outputs);
  const fwd = await compile({ y });
  const values = inputs.map((inp) =>
    inp.fixed
      ? inp.fixed.data
      : Float64Array.from(inp.values ?? Array.from({ length: inp.shape.reduce((a, b) => a * b, 1) }, rnd)),
  );
  const feeds = () =>
    Object.fromEntries(
      values.map((v, i) => [`x${i}`, { dtype: xs[i]!.dtype, shape: [...xs[i]!.shape], data: v }]),
    ) as Record<string, HostTensor>;
  const analytic = await exe.run(feeds());
  let worst = 0;
  let k = 0;
  for (let i = 0; i < inputs.length; i++) {
    if (inputs[i]!.fixed) continue;
    const v = values[i] as Float64Array;
    const ga = analytic[`g${k++}`]!.data as Float64Array;
    for (let j = 0; j < v.length; j++) {
      const orig = v[j]!;
      v[j] = orig + h;
      const yp = ((await fwd.run(feeds())).y!.data as Float64Array).reduce((a, b) => a + b, 0);
      v[j] = orig - h;
      const ym = ((await fwd.run(feeds())).y!.data as Float64Array).reduce((a, b) => a + b, 0);
      v[j] = orig;
      const num = (yp - ym) / (2 * h);
      worst = Math.max(worst, Math.abs(ga[j]! - num) / Math.max(1, Math.abs(num)));
    }
  }
  return worst;
}
