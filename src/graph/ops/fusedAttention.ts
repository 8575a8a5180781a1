// INFERENCE ONLY (no gradient rule): timm's attention core (fused qkv Linear, softmax(Q·Kᵀ·hd^-0.5)·V, heads
// merged) as one com.microsoft:Attention node. onnxruntime 1.30 does not fuse our traced attention by itself (its
// pattern wants separate q/k/v MatMuls). The kernel wants the qkv weight as [D, 3D]: the Transpose of the
// PyTorch-layout [3D, D] initializer is constant-folded when the session is created. Training graphs never trace it.
import { apply1, type OpDef } from '../op.js';
import { fmt } from '../shape.js';
import { ShapeError } from '../shapeError.js';
import type { Tensor } from '../tensor.js';

export const FusedAttentionOp: OpDef<{ heads: number }> = {
  name: 'fusedAttention',
  infer: ([x, w, b], { heads }) => {
    if (x!.dtype !== 'float32' || x!.rank !== 3)
      throw new ShapeError('fusedAttention', `input must be float32 [B, T, D], got ${x}`);
    const d = x!.shape[2]!;
    if (w!.rank !== 2 || w!.shape[0] !== 3 * d || w!.shape[1] !== d)
      throw new ShapeError('fusedAttention', `qkv weight must be [${3 * d}, ${d}], got ${fmt(w!.shape)}`);
    if (b!.rank !== 1 || b!.shape[0] !== 3 * d)
      throw new ShapeError('fusedAttention', `qkv bias must be [${3 * d}], got ${fmt(b!.shape)}`);
    if (!Number.isInteger(d / heads))
      throw new ShapeError('fusedAttention', `width ${d} is not divisible by ${heads} heads`);
    return [{ dtype: 'float32', shape: x!.shape }];
  },
  lower: (node, em) => {
    const [x, w, b] = node.inputs.map((t) => em.name(t)) as [string, string, string];
    const wT = em.op('Transpose', [w], { perm: { ints: [1, 0] } });
    // the kernel's default scale is 1/√head_dim, timm's
    em.node(
      'Attention',
      [x, wT, b],
      [em.name(node.outputs[0]!)],
      { num_heads: { i: node.attrs.heads } },
      'com.microsoft',
    );
  },
};

/** Multi-head self-attention before the output projection: [B, T, D] → [B, T, D] (heads merged). */
export function fusedAttention(x: Tensor, qkvWeight: Tensor, qkvBias: Tensor, heads: number): Tensor {
  return apply1(FusedAttentionOp, [x, qkvWeight, qkvBias], { heads });
}
