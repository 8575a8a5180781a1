// Conv2d with stride = kernel and no padding: the patch embedding of a ViT.
import type { Emitter } from '../emitter.js';
import { apply1, type OpDef } from '../op.js';
import { fmt } from '../shape.js';
import { ShapeError } from '../shapeError.js';
import type { Tensor } from '../tensor.js';
import { gemm } from './matmul.js';
import { reduceSum } from './reduce.js';
import { reshape, transpose } from './shapeOps.js';
import { requireFloat, requireSameDtype } from './util.js';

export const PatchConvOp: OpDef<{ patch: number }> = {
  name: 'conv2d',
  infer: (ins, { patch }) => {
    const [x, w, b] = ins;
    requireFloat('conv2d', x!, w!);
    requireSameDtype('conv2d', x!, w!);
    if (b) requireSameDtype('conv2d', x!, b);
    if (x!.rank !== 4 || w!.rank !== 4)
      throw new ShapeError(
        'conv2d',
        `needs x [B,C,H,W] and w [D,C,p,p], got ${fmt(x!.shape)}, ${fmt(w!.shape)}`,
      );
    const [bs, c, h, wd] = x!.shape as [number, number, number, number];
    const [d, c2, kh, kw] = w!.shape as [number, number, number, number];
    if (c !== c2 || kh !== patch || kw !== patch)
      throw new ShapeError(
        'conv2d',
        `weight ${fmt(w!.shape)} does not fit input ${fmt(x!.shape)} with kernel ${patch}`,
      );
    if (h % patch || wd % patch)
      throw new ShapeError('conv2d', `input ${h}x${wd} is not a multiple of the patch size ${patch}`);
    if (b && (b.rank !== 1 || b.shape[0] !== d))
      throw new ShapeError('conv2d', `bias ${fmt(b.shape)} must be [${d}]`);
    return [{ dtype: x!.dtype, shape: [bs, d, h / patch, wd / patch] }];
  },
  lower: (n, em) => {
    const x = n.inputs[0]!;
    if (x.dtype === 'float32') {
      const p = n.attrs.patch;
      em.node(
        'Conv',
        n.inputs.map((t) => em.name(t)),
        [em.name(n.outputs[0]!)],
        { kernel_shape: { ints: [p, p] }, strides: { ints: [p, p] } },
      );
    } else {
      lowerAsGemm(n.inputs, n.outputs[0]!, n.attrs.patch, em); // onnxruntime has no float64 Conv kernel
    }
  },
  grad: (n, [g], needs) => {
    if (!g) return n.inputs.map(() => null);
    const [x, w] = n.inputs as [Tensor, Tensor];
    const p = n.attrs.patch;
    const [bs, c, h, wd] = x.shape as [number, number, number, number];
    const d = w.shape[0]!;
    const gh = h / p;
    const gw = wd / p;
    const gy = reshape(transpose(g, [0, 2, 3, 1]), [bs * gh * gw, d]);
    const wf = reshape(w, [d, c * p * p]);
    const out: Array<Tensor | null> = [null, null];
    if (needs[0]) {
      const dp = gemm(gy, wf); // [B*G*G, C*p*p]
      const dx = transpose(reshape(dp, [bs, gh, gw, c, p, p]), [0, 3, 1, 4, 2, 5]);
      out[0] = reshape(dx, x.shape);
    }
    if (needs[1]) out[1] = reshape(gemm(gy, patchify(x, p), { transA: true }), w.shape);
    if (n.inputs.length > 2) out.push(needs[2] ? reduceSum(g, [0, 2, 3]) : null);
    return out;
  },
};

/** [B,C,H,W] → [B·G·G, C·p·p], rows in row-major patch order, columns in (c, ky, kx) order like the conv weight. */
function patchify(x: Tensor, p: number): Tensor {
  const [bs, c, h, w] = x.shape as [number, number, number, number];
  const t = transpose(reshape(x, [bs, c, h / p, p, w / p, p]), [0, 2, 4, 1, 3, 5]);
  return reshape(t, [bs * (h / p) * (w / p), c * p * p]);
}

function lowerAsGemm(inputs: readonly Tensor[], out: Tensor, p: number, em: Emitter): void {
  const [x, w, b] = inputs as [Tensor, Tensor, Tensor | undefined];
  const [bs, c, h, wd] = x.shape as [number, number, number, number];
  const d = w.shape[0]!;
  const r = em.op('Reshape', [em.name(x), em.int64([bs, c, h / p, p, wd / p, p])]);
  const t = em.op('Transpose', [r], { perm: { ints: [0, 2, 4, 1, 3, 5] } });
  const pm = em.op('Reshape', [t, em.int64([bs * (h / p) * (wd / p), c * p * p])]);
  const wf = em.op('Reshape', [em.name(w), em.int64([d, c * p * p])]);
  const y = em.op('Gemm', b ? [pm, wf, em.name(b)] : [pm, wf], { transB: { i: 1 } });
  const y4 = em.op('Reshape', [y, em.int64([bs, h / p, wd / p, d])]);
  em.node('Transpose', [y4], [em.name(out)], { perm: { ints: [0, 3, 1, 2] } });
}

/** Conv2d with kernel = stride = `patch` (PatchEmbed's projection). */
export const patchConv2d = (x: Tensor, weight: Tensor, bias: Tensor | undefined, patch: number): Tensor =>
  apply1(PatchConvOp, bias ? [x, weight, bias] : [x, weight], { patch });
