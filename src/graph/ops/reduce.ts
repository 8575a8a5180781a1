// Reductions over axes (ReduceSum / ReduceMean / ReduceMax).
import { apply1, type OpDef } from '../op.js';
import { normAxis, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { cast } from './cast.js';
import { equal } from './compare.js';
import { div, mul, mulScalar } from './elementwise.js';
import { expand, reshape } from './shapeOps.js';
import { requireFloat } from './util.js';

interface ReduceAttrs {
  axes: number[];
  keepdims: boolean;
}

function reducedShape(shape: Shape, axes: readonly number[], keepdims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepdims) out.push(1);
  });
  return out;
}

/** The gradient of a reduction, broadcast back to the input shape. */
function spread(g: Tensor, x: Tensor, attrs: ReduceAttrs): Tensor {
  const kept = attrs.keepdims ? g : reshape(g, reducedShape(x.shape, attrs.axes, true));
  return expand(kept, x.shape);
}

function reduction(
  name: string,
  onnxOp: string,
  axesAsInput: boolean,
  gradRule: (x: Tensor, y: Tensor, g: Tensor, a: ReduceAttrs) => Tensor,
): OpDef<ReduceAttrs> {
  return {
    name,
    infer: ([x], a) => {
      requireFloat(name, x!);
      return [{ dtype: x!.dtype, shape: reducedShape(x!.shape, a.axes, a.keepdims) }];
    },
    lower: (n, em) => {
      const x = em.name(n.inputs[0]!);
      const out = em.name(n.outputs[0]!);
      const keepdims = { i: n.attrs.keepdims ? 1 : 0 };
      if (n.attrs.axes.length === 0) em.node('Identity', [x], [out]);
      else if (axesAsInput) em.node(onnxOp, [x, em.int64(n.attrs.axes)], [out], { keepdims });
      else em.node(onnxOp, [x], [out], { axes: { ints: n.attrs.axes }, keepdims });
    },
    grad: (n, [g]) => [g ? gradRule(n.inputs[0]!, n.outputs[0]!, g, n.attrs) : null],
  };
}

function countOf(x: Tensor, axes: readonly number[]): number {
  return axes.reduce((c, a) => c * x.shape[a]!, 1);
}

export const ReduceSumOp = reduction('reduceSum', 'ReduceSum', true, (x, _y, g, a) => spread(g, x, a));
export const ReduceMeanOp = reduction('reduceMean', 'ReduceMean', false, (x, _y, g, a) =>
  mulScalar(spread(g, x, a), 1 / countOf(x, a.axes)),
);
/** Gradient split evenly among the positions that attain the maximum. */
export const ReduceMaxOp = reduction('reduceMax', 'ReduceMax', false, (x, y, g, a) => {
  const hit = cast(equal(x, spread(y, x, a)), x.dtype);
  const count = reduceSum(hit, a.axes, true);
  return mul(spread(g, x, a), div(hit, expand(count, x.shape)));
});

function attrs(
  x: Tensor,
  axes: number | readonly number[] | undefined,
  keepdims: boolean,
  op: string,
): ReduceAttrs {
  const list = axes === undefined ? x.shape.map((_, i) => i) : typeof axes === 'number' ? [axes] : [...axes];
  const norm = [...new Set(list.map((a) => normAxis(op, a, x.rank)))].sort((p, q) => p - q);
  return { axes: norm, keepdims };
}

/** Sum over `axes` (all axes when omitted). */
export const reduceSum = (x: Tensor, axes?: number | readonly number[], keepdims = false): Tensor =>
  apply1(ReduceSumOp, [x], attrs(x, axes, keepdims, 'reduceSum'));
export const reduceMean = (x: Tensor, axes?: number | readonly number[], keepdims = false): Tensor =>
  apply1(ReduceMeanOp, [x], attrs(x, axes, keepdims, 'reduceMean'));
export const reduceMax = (x: Tensor, axes?: number | readonly number[], keepdims = false): Tensor =>
  apply1(ReduceMaxOp, [x], attrs(x, axes, keepdims, 'reduceMax'));
