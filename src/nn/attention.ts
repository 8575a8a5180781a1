import {
  fusedAttention,
  type Graph,
  matmul,
  mulScalar,
  reshape,
  softmax,
  split,
  type Tensor,
  transpose,
} from '../graph/index.js';
import { isFused, isInt8Linear } from './inferenceLowering.js';
import { type LinearOptions, linear, linearParams } from './linear.js';
import type { Scope } from './scope.js';

const attentionTaps = new WeakMap<Graph, Tensor[]>();

/**
 * Asks every attention layer traced into `graph` from now on to append its probabilities [B,H,T,T] (the softmax
 * output, in trace order) to the returned list, so explanations (attention rollout) can make them graph outputs.
 * Graphs without a tap trace exactly as before.
 */
export function tapAttention(graph: Graph): Tensor[] {
  let list = attentionTaps.get(graph);
  if (!list) {
    list = [];
    attentionTaps.set(graph, list);
  }
  return list;
}

/**
 * timm Attention with a fused qkv Linear(D, 3D): output rows [0,D) are Q for all heads (heads contiguous),
 * [D,2D) K, [2D,3D) V (SPEC §1.1). Scores are (Q·Kᵀ)·head_dim^-0.5, as timm computes them.
 */
export function attention(
  s: Scope,
  x: Tensor,
  dim: number,
  heads: number,
  init?: LinearOptions['init'],
): Tensor {
  const [b, t] = x.shape as [number, number, number];
  const hd = dim / heads;
  if (!Number.isInteger(hd)) throw new Error(`attention: width ${dim} is not divisible by ${heads} heads`);
  // fused inference kernel, unless the probabilities are tapped or qkv runs in int8
  if (isFused(s) && !attentionTaps.has(s.graph) && !isInt8Linear(s.child('qkv'))) {
    const { weight, bias } = linearParams(s.child('qkv'), dim, 3 * dim, { init });
    const merged = fusedAttention(x, weight, bias!, heads);
    return linear(s.child('proj'), merged, dim, dim, { init });
  }
  const qkv = linear(s.child('qkv'), x, dim, 3 * dim, { init });
  const perHead = transpose(reshape(qkv, [b, t, 3, heads, hd]), [2, 0, 3, 1, 4]); // [3,B,H,T,hd]
  const [q, k, v] = split(perHead, 0, [1, 1, 1]).map((u) => reshape(u, [b, heads, t, hd])) as [
    Tensor,
    Tensor,
    Tensor,
  ];
  const attn = softmax(mulScalar(matmul(q, transpose(k)), hd ** -0.5), -1);
  attentionTaps.get(s.graph)?.push(attn);
  const out = reshape(transpose(matmul(attn, v), [0, 2, 1, 3]), [b, t, dim]);
  return linear(s.child('proj'), out, dim, dim, { init });
}
