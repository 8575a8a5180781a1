// INFERENCE ONLY (no gradient rule): LayerNorm(x + skip) that also returns the sum x + skip, as one
// com.microsoft:SkipLayerNormalization node. A pre-norm block reads its residual sum twice (the norm and the next
// residual), so onnxruntime 1.30's own fusion, which wants a single-consumer Add, never fires on our graphs.
import { apply, type OpDef } from '../op.js';
import { fmt } from '../shape.js';
import { ShapeError } from '../shapeError.js';
import type { Tensor } from '../tensor.js';

export const SkipLayerNormOp: OpDef<{ eps: number }> = {
  name: 'skipLayerNorm',
  infer: ([x, skip, w, b]) => {
    if (x!.dtype !== 'float32' || x!.rank !== 3 || fmt(x!.shape) !== fmt(skip!.shape))
      throw new ShapeError(
        'skipLayerNorm',
        `needs two float32 [B, T, D] inputs of one shape, got ${x} and ${skip}`,
      );
    const d = x!.shape[2]!;
    if (w!.rank !== 1 || w!.shape[0] !== d || b!.rank !== 1 || b!.shape[0] !== d)
      throw new ShapeError(
        'skipLayerNorm',
        `weight and bias must be [${d}], got ${fmt(w!.shape)}, ${fmt(b!.shape)}`,
      );
    return [
      { dtype: 'float32', shape: x!.shape },
      { dtype: 'float32', shape: x!.shape },
    ];
  },
  lower: (node, em) => {
    const [x, skip, w, b] = node.inputs.map((t) => em.name(t)) as [string, string, string, string];
    const [y, sum] = node.outputs.map((t) => em.name(t)) as [string, string];
    // outputs: output, mean, inv_std_var (unused: empty names), input_skip_bias_sum
    em.node(
      'SkipLayerNormalization',
      [x, skip, w, b],
      [y, '', '', sum],
      { epsilon: { f: node.attrs.eps } },
      'com.microsoft',
    );
  },
};

/** [LayerNorm(x + skip), x + skip] over the last axis. */
export function skipLayerNorm(
  x: Tensor,
  skip: Tensor,
  weight: Tensor,
  bias: Tensor,
  eps: number,
): [Tensor, Tensor] {
  const [y, sum] = apply(SkipLayerNormOp, [x, skip, weight, bias], { eps }) as [Tensor, Tensor];
  return [y, sum];
}
