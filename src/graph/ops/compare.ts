// Comparisons (bool results, no gradient), logical ops and Where.
import { apply1, type OpDef } from '../op.js';
import { broadcastShapes } from '../shape.js';
import { ShapeError } from '../shapeError.js';
import type { Tensor } from '../tensor.js';
import { sumTo } from './elementwise.js';
import { requireSameDtype, scalarLike } from './util.js';

function comparison(name: string, onnxOp: string): OpDef<null> {
  return {
    name,
    infer: ([a, b]) => {
      requireSameDtype(name, a!, b!);
      return [{ dtype: 'bool', shape: broadcastShapes(name, a!.shape, b!.shape) }];
    },
    lower: (n, em) =>
      em.node(
        onnxOp,
        n.inputs.map((t) => em.name(t)),
        [em.name(n.outputs[0]!)],
      ),
  };
}

export const EqualOp = comparison('equal', 'Equal');
export const LessOp = comparison('less', 'Less');
export const GreaterOp = comparison('greater', 'Greater');
export const LessOrEqualOp = comparison('lessOrEqual', 'LessOrEqual');
export const GreaterOrEqualOp = comparison('greaterOrEqual', 'GreaterOrEqual');
export const AndOp = comparison('and', 'And');
export const OrOp = comparison('or', 'Or');

export const NotOp: OpDef<null> = {
  name: 'not',
  infer: ([a]) => {
    if (a!.dtype !== 'bool') throw new ShapeError('not', `needs a bool tensor, got ${a}`);
    return [{ dtype: 'bool', shape: a!.shape }];
  },
  lower: (n, em) => em.node('Not', [em.name(n.inputs[0]!)], [em.name(n.outputs[0]!)]),
};

/** where(cond, a, b): a where cond is true, else b (broadcasting all three). */
export const WhereOp: OpDef<null> = {
  name: 'where',
  infer: ([c, a, b]) => {
    if (c!.dtype !== 'bool') throw new ShapeError('where', `condition must be bool, got ${c}`);
    requireSameDtype('where', a!, b!);
    return [
      {
        dtype: a!.dtype,
        shape: broadcastShapes('where', c!.shape, broadcastShapes('where', a!.shape, b!.shape)),
      },
    ];
  },
  lower: (n, em) =>
    em.node(
      'Where',
      n.inputs.map((t) => em.name(t)),
      [em.name(n.outputs[0]!)],
    ),
  grad: (n, [g], needs) => {
    if (!g) return [null, null, null];
    const [c, a, b] = n.inputs as [Tensor, Tensor, Tensor];
    const zero = scalarLike(g, 0);
    return [
      null,
      needs[1] ? sumTo(where(c, g, zero), a.shape) : null,
      needs[2] ? sumTo(where(c, zero, g), b.shape) : null,
    ];
  },
};

export const equal = (a: Tensor, b: Tensor): Tensor => apply1(EqualOp, [a, b], null);
export const less = (a: Tensor, b: Tensor): Tensor => apply1(LessOp, [a, b], null);
export const greater = (a: Tensor, b: Tensor): Tensor => apply1(GreaterOp, [a, b], null);
export const lessOrEqual = (a: Tensor, b: Tensor): Tensor => apply1(LessOrEqualOp, [a, b], null);
export const greaterOrEqual = (a: Tensor, b: Tensor): Tensor => apply1(GreaterOrEqualOp, [a, b], null);
export const logicalAnd = (a: Tensor, b: Tensor): Tensor => apply1(AndOp, [a, b], null);
export const logicalOr = (a: Tensor, b: Tensor): Tensor => apply1(OrOp, [a, b], null);
export const logicalNot = (a: Tensor): Tensor => apply1(NotOp, [a], null);
export const where = (cond: Tensor, a: Tensor, b: Tensor): Tensor => apply1(WhereOp, [cond, a, b], null);
