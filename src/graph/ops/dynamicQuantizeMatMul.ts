// INFERENCE ONLY (no gradient rule): x · dequant(W) + b with int8 weights quantized per output channel.
// Lowered to onnxruntime's contrib op com.microsoft:DynamicQuantizeMatMul, which quantizes x to uint8 on the fly
// (per tensor, asymmetric) and runs the u8×s8 product on MLAS's VNNI/AMX kernels. The weights must reach the
// graph as initializers so onnxruntime prepacks them once; training graphs never trace this op.
import { apply1, type OpDef } from '../op.js';
import { fmt } from '../shape.js';
import { ShapeError } from '../shapeError.js';
import type { Tensor } from '../tensor.js';

export const DynamicQuantizeMatMulOp: OpDef<null> = {
  name: 'dynamicQuantizeMatMul',
  infer: ([x, w, scale, bias]) => {
    if (x!.dtype !== 'float32')
      throw new ShapeError('dynamicQuantizeMatMul', `input must be float32, got ${x}`);
    if (w!.dtype !== 'int8' || w!.rank !== 2)
      throw new ShapeError('dynamicQuantizeMatMul', `weight must be int8 [in, out], got ${w}`);
    const [k, n] = w!.shape as [number, number];
    if (x!.shape[x!.rank - 1] !== k)
      throw new ShapeError('dynamicQuantizeMatMul', `input ${fmt(x!.shape)} does not have width ${k}`);
    if (scale!.dtype !== 'float32' || scale!.rank !== 1 || scale!.shape[0] !== n)
      throw new ShapeError('dynamicQuantizeMatMul', `scale must be float32 [${n}], got ${scale}`);
    if (bias && (bias.dtype !== 'float32' || bias.rank !== 1 || bias.shape[0] !== n))
      throw new ShapeError('dynamicQuantizeMatMul', `bias must be float32 [${n}], got ${bias}`);
    return [{ dtype: 'float32', shape: [...x!.shape.slice(0, -1), n] }];
  },
  lower: (node, em) => {
    const [x, w, scale, bias] = node.inputs.map((t) => em.name(t));
    // inputs: A, B, b_scale, b_zero_point (absent: symmetric weights), bias
    const inputs = [x!, w!, scale!, ...(bias ? ['', bias] : [])];
    em.node('DynamicQuantizeMatMul', inputs, [em.name(node.outputs[0]!)], {}, 'com.microsoft');
  },
};

/** y = x · dequant(wInt8) + bias for x [..., in], wInt8 [in, out] (already transposed), scale [out]. */
export function dynamicQuantizeMatMul(x: Tensor, wInt8: Tensor, scale: Tensor, bias?: Tensor): Tensor {
  return apply1(DynamicQuantizeMatMulOp, bias ? [x, wInt8, scale, bias] : [x, wInt8, scale], null);
}
