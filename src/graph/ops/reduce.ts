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

/** Node-name prefix of the column sums lowered to matrix-vector products (the step profile lists them apart). */
export const COLUMN_SUM_ROLE = 'ColumnSum';

const spreadSum = (x: Tensor, _y: Tensor, g: Tensor, a: ReduceAttrs) => spread(g, x, a);

/** A float32 sum over every axis but the last, of at least 64 rows. */
function isColumnSum(x: Tensor, axes: readonly number[]): boolean {
  return (
    x.dtype === 'float32' &&
    x.rank >= 2 &&
    axes.length === x.rank - 1 &&
    axes.every((a, i) => a === i) &&
    x.size / x.shape[x.rank - 1]! >= 64
  );
}

function countOf(x: Tensor, axes: readonly number[]): number {
  return axes.reduce((c, a) => c * x.shape[a]!, 1);
}

const plainSum = reduction('reduceSum', 'ReduceSum', true, spreadSum);
export const ReduceSumOp: OpDef<ReduceAttrs> = {
  ...plainSum,
  lower: (n, em) => {
    const x = n.inputs[0]!;
    if (!isColumnSum(x, n.attrs.axes)) return plainSum.lower(n, em);
    // ones[1,M]·X[M,N]: onnxruntime's matrix-vector kernel sums the columns of a ViT step's bias and LayerNorm-
    // parameter gradients ([1576, 384…2048]) 1.2–3.7× faster than its ReduceSum (measured on 2 cores)
    const n0 = x.shape[x.rank - 1]!;
    const m = x.size / n0;
    const rows = em.op('Reshape', [em.name(x), em.int64([m, n0])]);
    const sums = em.tmp('colsum');
    em.node('MatMul', [em.filled(1, [1, m], x.dtype), rows], [sums], {}, '', COLUMN_SUM_ROLE);
    em.node('Reshape', [sums, em.int64(n.outputs[0]!.shape)], [em.name(n.outputs[0]!)]);
  },
};
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
