// LayerNorm over the last axis (biased variance), lowered to ONNX LayerNormalization whose optional
// Mean/InvStdDev outputs are reused by the gradient instead of recomputing them.
import { apply, type OpDef } from '../op.js';
import { fmt } from '../shape.js';
import { ShapeError } from '../shapeError.js';
import type { Tensor } from '../tensor.js';
import { mul, sub } from './elementwise.js';
import { reduceMean, reduceSum } from './reduce.js';
import { requireFloat, requireSameDtype } from './util.js';

export const LayerNormOp: OpDef<{ eps: number }> = {
  name: 'layerNorm',
  infer: ([x, w, b]) => {
    requireFloat('layerNorm', x!, w!, b!);
    requireSameDtype('layerNorm', x!, w!);
    requireSameDtype('layerNorm', x!, b!);
    const d = x!.shape[x!.rank - 1]!;
    if (w!.rank !== 1 || b!.rank !== 1 || w!.shape[0] !== d || b!.shape[0] !== d) {
      throw new ShapeError(
        'layerNorm',
        `weight ${fmt(w!.shape)} and bias ${fmt(b!.shape)} must be [${d}] for input ${fmt(x!.shape)}`,
      );
    }
    const stat = [...x!.shape.slice(0, -1), 1];
    return [
      { dtype: x!.dtype, shape: x!.shape },
      { dtype: x!.dtype, shape: stat },
      { dtype: x!.dtype, shape: stat },
    ];
  },
  lower: (n, em) => {
    const [x, w, b] = n.inputs.map((t) => em.name(t)) as [string, string, string];
    const [y, mean, inv] = n.outputs.map((t) => em.name(t)) as [string, string, string];
    const dtype = n.inputs[0]!.dtype;
    if (dtype === 'float32') {
      em.node('LayerNormalization', [x, w, b], [y, mean, inv], {
        axis: { i: -1 },
        epsilon: { f: n.attrs.eps },
      });
      return;
    }
    // onnxruntime has no float64 LayerNormalization kernel: spell it out
    em.node('ReduceMean', [x], [mean], { axes: { ints: [-1] }, keepdims: { i: 1 } });
    const d = em.op('Sub', [x, mean]);
    const variance = em.op('ReduceMean', [em.op('Mul', [d, d])], {
      axes: { ints: [-1] },
      keepdims: { i: 1 },
    });
    em.node('Reciprocal', [em.op('Sqrt', [em.op('Add', [variance, em.scalar(n.attrs.eps, dtype)])])], [inv]);
    em.node('Add', [em.op('Mul', [em.op('Mul', [d, inv]), w]), b], [y]);
  },
  grad: (n, [g], needs) => {
    if (!g) return [null, null, null];
    const [x, w] = n.inputs as [Tensor, Tensor, Tensor];
    const [, mean, invStd] = n.outputs as [Tensor, Tensor, Tensor];
    const xhat = mul(sub(x, mean), invStd);
    const lead = [...Array(x.rank - 1).keys()];
    const dw = needs[1] ? reduceSum(mul(g, xhat), lead) : null;
    const db = needs[2] ? reduceSum(g, lead) : null;
    let dx: Tensor | null = null;
    if (needs[0]) {
      const gx = mul(g, w);
      const centred = sub(sub(gx, reduceMean(gx, -1, true)), mul(xhat, reduceMean(mul(gx, xhat), -1, true)));
      dx = mul(centred, invStd);
    }
    return [dx, dw, db];
  },
};

/**
 * LayerNorm with the eps of the layer (1e-6 in the ViTs, 1e-5 in the projector MLPs).
 * Note: onnxruntime stores epsilon as float32, like PyTorch's kernel does.
 */
export const layerNorm = (x: Tensor, weight: Tensor, bias: Tensor, eps: number): Tensor =>
  apply(LayerNormOp, [x, weight, bias], { eps })[0]!;
