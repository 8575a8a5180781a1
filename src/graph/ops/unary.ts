// Unary elementwise functions.
import type { Emitter } from '../emitter.js';
import { apply1, type OpDef, type TypedNode } from '../op.js';
import type { Tensor } from '../tensor.js';
import { greater, where } from './compare.js';
import { add, div, mul, mulScalar, sub } from './elementwise.js';
import { emitErf } from './erfLowering.js';
import { requireFloat, scalarLike } from './util.js';

type UnaryGrad = (x: Tensor, y: Tensor, g: Tensor) => Tensor;

function unary(
  name: string,
  lowerTo: string | ((n: TypedNode<null>, em: Emitter) => void),
  gradRule?: UnaryGrad,
): OpDef<null> {
  return {
    name,
    infer: ([x]) => {
      requireFloat(name, x!);
      return [{ dtype: x!.dtype, shape: x!.shape }];
    },
    lower:
      typeof lowerTo === 'string'
        ? (n, em) => em.node(lowerTo, [em.name(n.inputs[0]!)], [em.name(n.outputs[0]!)])
        : lowerTo,
    grad: gradRule ? (n, [g]) => [g ? gradRule(n.inputs[0]!, n.outputs[0]!, g) : null] : undefined,
  };
}

const SQRT_2_OVER_PI = 2 / Math.sqrt(Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

export const NegOp = unary('neg', 'Neg', (_x, _y, g) => neg(g));
export const SqrtOp = unary('sqrt', 'Sqrt', (_x, y, g) => div(g, mulScalar(y, 2)));
export const ExpOp = unary('exp', 'Exp', (_x, y, g) => mul(g, y));
export const LogOp = unary('log', 'Log', (x, _y, g) => div(g, x));
export const TanhOp = unary('tanh', 'Tanh', (_x, y, g) => mul(g, sub(scalarLike(y, 1), mul(y, y))));
export const AbsOp = unary('abs', 'Abs', (x, _y, g) => mul(g, sign(x)));
export const SignOp = unary('sign', 'Sign', (_x, _y, g) => mulScalar(g, 0));
export const SigmoidOp = unary('sigmoid', 'Sigmoid', (_x, y, g) => mul(g, mul(y, sub(scalarLike(y, 1), y))));
export const ReluOp = unary('relu', 'Relu', (x, _y, g) =>
  where(greater(x, scalarLike(x, 0)), g, scalarLike(g, 0)),
);
export const ErfOp = unary(
  'erf',
  (n, em) => emitErf(em, em.name(n.inputs[0]!), em.name(n.outputs[0]!), n.inputs[0]!.dtype),
  (x, _y, g) => mul(g, mulScalar(exp(neg(mul(x, x))), SQRT_2_OVER_PI)),
);
/** GELU, exact erf form: x·Φ(x). Lowered to primitives that onnxruntime fuses into its Gelu kernel. */
export const GeluOp: OpDef<null> = {
  name: 'gelu',
  infer: ([x]) => {
    requireFloat('gelu', x!);
    return [{ dtype: x!.dtype, shape: x!.shape }];
  },
  lower: (n, em) => {
    // x·0.5·(1 + erf(x / √2)) in the exact shape onnxruntime's GeluFusion recognises (Div by √2, then the
    // x·(…)·0.5 product), so inference graphs run its fused Gelu kernel.
    const x = em.name(n.inputs[0]!);
    const dt = n.inputs[0]!.dtype;
    const scaled = em.op('Div', [x, em.scalar(Math.SQRT2, dt)]);
    const e = em.tmp('erf');
    emitErf(em, scaled, e, dt);
    const onePlus = em.op('Add', [e, em.scalar(1, dt)]);
    const prod = em.op('Mul', [x, onePlus]);
    em.node('Mul', [prod, em.scalar(0.5, dt)], [em.name(n.outputs[0]!)]);
  },
  grad: (n, [g]) => {
    if (!g) return [null];
    const x = n.inputs[0]!;
    const cdf = mulScalar(add(erf(mulScalar(x, Math.SQRT1_2)), scalarLike(x, 1)), 0.5);
    const pdf = mulScalar(exp(mulScalar(mul(x, x), -0.5)), INV_SQRT_2PI);
    return [mul(g, add(cdf, mul(x, pdf)))];
  },
};

export const neg = (x: Tensor): Tensor => apply1(NegOp, [x], null);
export const sqrt = (x: Tensor): Tensor => apply1(SqrtOp, [x], null);
export const exp = (x: Tensor): Tensor => apply1(ExpOp, [x], null);
export const log = (x: Tensor): Tensor => apply1(LogOp, [x], null);
export const tanh = (x: Tensor): Tensor => apply1(TanhOp, [x], null);
export const abs = (x: Tensor): Tensor => apply1(AbsOp, [x], null);
export const sign = (x: Tensor): Tensor => apply1(SignOp, [x], null);
export const sigmoid = (x: Tensor): Tensor => apply1(SigmoidOp, [x], null);
export const relu = (x: Tensor): Tensor => apply1(ReluOp, [x], null);
export const erf = (x: Tensor): Tensor => apply1(ErfOp, [x], null);
export const gelu = (x: Tensor): Tensor => apply1(GeluOp, [x], null);
