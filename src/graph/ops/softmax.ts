// Softmax and LogSoftmax along one axis.
import { apply1, type OpDef } from '../op.js';
import { normAxis, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { mul, sub } from './elementwise.js';
import { MatMulOp, MatMulTransposedOp } from './matmul.js';
import { reduceSum } from './reduce.js';
import { exp } from './unary.js';
import { requireFloat } from './util.js';

function softmaxLike(
  name: string,
  onnxOp: string,
  gradRule: (y: Tensor, g: Tensor, axis: number) => Tensor,
): OpDef<{ axis: number }> {
  return {
    name,
    infer: ([x]) => {
      requireFloat(name, x!);
      return [{ dtype: x!.dtype, shape: x!.shape }];
    },
    lower: (n, em) =>
      em.node(onnxOp, [em.name(n.inputs[0]!)], [em.name(n.outputs[0]!)], { axis: { i: n.attrs.axis } }),
    grad: (n, [g]) => [g ? gradRule(n.outputs[0]!, g, n.attrs.axis) : null],
  };
}

export const SoftmaxOp = softmaxLike('softmax', 'Softmax', (y, g, axis) =>
  mul(y, sub(g, rowDot(y, g, axis))),
);

/**
 * Σⱼ gᵢⱼ·yᵢⱼ, the row sums in softmax's gradient. When the probabilities P only feed O = P·V (attention), so that
 * g = dO·Vᵀ, they equal Σ_d dOᵢ_d·Oᵢ_d: a product over […, T, head_dim] instead of one over […, T, T].
 */
function rowDot(y: Tensor, g: Tensor, axis: number): Tensor {
  const pair = axis === y.rank - 1 ? attentionOutput(y, g) : null;
  return pair ? reduceSum(mul(pair.dOut, pair.out), -1, true) : reduceSum(mul(g, y), axis, true);
}

/**
 * The O = y·V whose gradient dO gave g = dO·Vᵀ, if g is exactly such a product. Then Σⱼ gᵢⱼ·yᵢⱼ = Σ_d dOᵢ_d·Oᵢ_d
 * whatever else reads y: a consumer that adds gradient makes g a sum, and the rule does not fire.
 */
function attentionOutput(y: Tensor, g: Tensor): { out: Tensor; dOut: Tensor } | null {
  const back = g.node;
  if (back?.op !== MatMulTransposedOp || !sameShape(g.shape, y.shape)) return null;
  const flags = back.attrs as { transA: boolean; transB: boolean };
  if (flags.transA || !flags.transB) return null;
  const [dOut, v] = back.inputs as [Tensor, Tensor];
  const forward = y.graph.nodes.find((n) => n.op === MatMulOp && n.inputs[0] === y && n.inputs[1] === v);
  const out = forward?.outputs[0];
  return out && sameShape(out.shape, dOut.shape) ? { out, dOut } : null;
}
export const LogSoftmaxOp = softmaxLike('logSoftmax', 'LogSoftmax', (y, g, axis) =>
  sub(g, mul(exp(y), reduceSum(g, axis, true))),
);

export const softmax = (x: Tensor, axis = -1): Tensor =>
  apply1(SoftmaxOp, [x], { axis: normAxis('softmax', axis, x.rank) });
export const logSoftmax = (x: Tensor, axis = -1): Tensor =>
  apply1(LogSoftmaxOp, [x], { axis: normAxis('logSoftmax', axis, x.rank) });
