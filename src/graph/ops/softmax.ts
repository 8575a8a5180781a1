// Softmax and LogSoftmax along one axis.
import { apply1, type OpDef } from '../op.js';
import { normAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { mul, sub } from './elementwise.js';
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
  mul(y, sub(g, reduceSum(mul(g, y), axis, true))),
);
export const LogSoftmaxOp = softmaxLike('logSoftmax', 'LogSoftmax', (y, g, axis) =>
  sub(g, mul(exp(y), reduceSum(g, axis, true))),
);

export const softmax = (x: Tensor, axis = -1): Tensor =>
  apply1(SoftmaxOp, [x], { axis: normAxis('softmax', axis, x.rank) });
export const logSoftmax = (x: Tensor, axis = -1): Tensor =>
  apply1(LogSoftmaxOp, [x], { axis: normAxis('logSoftmax', axis, x.rank) });
