// Cast between element types, and the identity used to stop gradients.
import { type DType, isFloat, ONNX_ELEM_TYPE } from '../dtype.js';
import { apply1, type OpDef } from '../op.js';
import type { Tensor } from '../tensor.js';

export const CastOp: OpDef<{ to: DType }> = {
  name: 'cast',
  infer: ([x], { to }) => [{ dtype: to, shape: x!.shape }],
  lower: (n, em) =>
    em.node('Cast', [em.name(n.inputs[0]!)], [em.name(n.outputs[0]!)], {
      to: { i: ONNX_ELEM_TYPE[n.attrs.to] },
    }),
  grad: (n, [g]) => {
    const x = n.inputs[0]!;
    return [g && isFloat(x.dtype) && isFloat(n.attrs.to) ? cast(g, x.dtype) : null];
  },
};

/** Identity in the forward pass; no gradient flows through it (the EMA target, SimSiam's stop-grad). */
export const StopGradientOp: OpDef<null> = {
  name: 'stopGradient',
  infer: ([x]) => [{ dtype: x!.dtype, shape: x!.shape }],
  lower: (n, em) => em.node('Identity', [em.name(n.inputs[0]!)], [em.name(n.outputs[0]!)]),
  grad: () => [null],
};

export const cast = (x: Tensor, to: DType): Tensor => (x.dtype === to ? x : apply1(CastOp, [x], { to }));
export const stopGradient = (x: Tensor): Tensor => apply1(StopGradientOp, [x], null);
