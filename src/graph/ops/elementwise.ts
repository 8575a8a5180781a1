// Binary elementwise arithmetic with numpy broadcasting.
import type { Emitter } from '../emitter.js';
import { apply1, type OpDef, type TypedNode } from '../op.js';
import { broadcastShapes, type Shape, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { equal, greaterOrEqual, lessOrEqual, where } from './compare.js';
import { reduceSum } from './reduce.js';
import { reshape } from './shapeOps.js';
import { abs, log, neg } from './unary.js';
import { requireSameDtype, scalarLike } from './util.js';

type BinaryGrad = (a: Tensor, b: Tensor, y: Tensor, g: Tensor) => [Tensor | null, Tensor | null];

function binary(name: string, onnxOp: string, gradRule: BinaryGrad): OpDef<null> {
  return {
    name,
    infer: ([a, b]) => {
      requireSameDtype(name, a!, b!);
      return [{ dtype: a!.dtype, shape: broadcastShapes(name, a!.shape, b!.shape) }];
    },
    lower: (n: TypedNode<null>, em: Emitter) =>
      em.node(
        onnxOp,
        n.inputs.map((t) => em.name(t)),
        [em.name(n.outputs[0]!)],
      ),
    grad: (n, [g], needs) => {
      if (!g) return [null, null];
      const [a, b] = n.inputs as [Tensor, Tensor];
      const [ga, gb] = gradRule(a, b, n.outputs[0]!, g);
      return [needs[0] && ga ? sumTo(ga, a.shape) : null, needs[1] && gb ? sumTo(gb, b.shape) : null];
    },
  };
}

/** Sums a broadcast gradient back to `shape` (the un-broadcasting step of reverse mode). */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const summed = axes.length ? reduceSum(g, axes, true) : g;
  return reshape(summed, shape);
}

export const AddOp = binary('add', 'Add', (_a, _b, _y, g) => [g, g]);
export const SubOp = binary('sub', 'Sub', (_a, _b, _y, g) => [g, neg(g)]);
export const MulOp = binary('mul', 'Mul', (a, b, _y, g) => [mul(g, b), mul(g, a)]);
export const DivOp = binary('div', 'Div', (_a, b, y, g) => [div(g, b), neg(div(mul(g, y), b))]);
export const PowOp = binary('pow', 'Pow', (a, b, y, g) => [
  mul(g, mul(b, pow(a, sub(b, scalarLike(b, 1))))),
  mul(g, mul(y, log(abs(a)))),
]);
/** Max/Min send the gradient to the selected operand; ties split it evenly (as PyTorch does). */
export const MaxOp = binary('maximum', 'Max', (a, b, _y, g) =>
  tieSplit(g, greaterOrEqual(a, b), lessOrEqual(a, b), equal(a, b)),
);
export const MinOp = binary('minimum', 'Min', (a, b, _y, g) =>
  tieSplit(g, lessOrEqual(a, b), greaterOrEqual(a, b), equal(a, b)),
);

function tieSplit(g: Tensor, pickA: Tensor, pickB: Tensor, tie: Tensor): [Tensor, Tensor] {
  const half = where(tie, scalarLike(g, 0.5), scalarLike(g, 1));
  const zero = scalarLike(g, 0);
  const gh = mul(g, half);
  return [where(pickA, gh, zero), where(pickB, gh, zero)];
}

export const add = (a: Tensor, b: Tensor): Tensor => apply1(AddOp, [a, b], null);
export const sub = (a: Tensor, b: Tensor): Tensor => apply1(SubOp, [a, b], null);
export const mul = (a: Tensor, b: Tensor): Tensor => apply1(MulOp, [a, b], null);
export const div = (a: Tensor, b: Tensor): Tensor => apply1(DivOp, [a, b], null);
export const pow = (a: Tensor, b: Tensor): Tensor => apply1(PowOp, [a, b], null);
export const maximum = (a: Tensor, b: Tensor): Tensor => apply1(MaxOp, [a, b], null);
export const minimum = (a: Tensor, b: Tensor): Tensor => apply1(MinOp, [a, b], null);

/** Scalar conveniences: x + c, x * c, x ^ c with c a JS number of x's dtype. */
export const addScalar = (a: Tensor, c: number): Tensor => add(a, scalarLike(a, c));
export const mulScalar = (a: Tensor, c: number): Tensor => mul(a, scalarLike(a, c));
/** x² as x·x: one multiply forward and back, where onnxruntime's Pow calls pow() per element */
export const powScalar = (a: Tensor, c: number): Tensor => (c === 2 ? mul(a, a) : pow(a, scalarLike(a, c)));
