// Reverse-mode automatic differentiation over a traced graph.
import { isFloat } from './dtype.js';
import { add } from './ops/elementwise.js';
import { constantFilled } from './ops/util.js';
import { fmt } from './shape.js';
import { ShapeError } from './shapeError.js';
import type { Tensor } from './tensor.js';

/**
 * Gradients of the scalar `loss` with respect to each tensor of `wrt`, as new traced tensors in the same graph.
 * Only nodes on a path from `wrt` to `loss` are differentiated; fan-out is accumulated by addition;
 * a tensor of `wrt` that `loss` does not depend on gets zeros.
 */
export function grad(loss: Tensor, wrt: readonly Tensor[], seed?: Tensor): Tensor[] {
  if (!isFloat(loss.dtype)) throw new ShapeError('grad', `loss must be a float tensor, got ${loss}`);
  if (!seed && loss.size !== 1)
    throw new ShapeError(
      'grad',
      `loss must be a scalar, got shape ${fmt(loss.shape)} (pass a seed for non-scalar outputs)`,
    );
  const graph = loss.graph;

  // forward sweep: which tensors depend on any of `wrt`
  const depends = new Set<number>(wrt.map((t) => t.id));
  for (const node of graph.nodes) {
    if (node.inputs.some((t) => depends.has(t.id))) for (const o of node.outputs) depends.add(o.id);
  }
  const lastNode = loss.node ? loss.node.id : -1;

  const grads = new Map<number, Tensor>();
  const accumulate = (t: Tensor, g: Tensor) => {
    const prev = grads.get(t.id);
    grads.set(t.id, prev ? add(prev, g) : g);
  };
  grads.set(loss.id, seed ?? constantFilled(loss, loss.dtype, loss.shape, 1));

  for (let i = lastNode; i >= 0; i--) {
    const node = graph.nodes[i]!;
    const outGrads = node.outputs.map((o) => grads.get(o.id) ?? null);
    if (outGrads.every((g) => g === null)) continue;
    const needs = node.inputs.map((t) => depends.has(t.id) && isFloat(t.dtype));
    if (!needs.some(Boolean)) continue;
    if (!node.op.grad)
      throw new ShapeError(
        node.op.name,
        `has no gradient rule but lies between the parameters and the loss${node.site}`,
      );
    const inGrads = node.op.grad(node as never, outGrads, needs);
    node.inputs.forEach((t, k) => {
      const g = inGrads[k];
      if (g && needs[k]) {
        if (g.shape.length !== t.shape.length || g.shape.some((d, j) => d !== t.shape[j])) {
          throw new ShapeError(
            node.op.name,
            `gradient rule produced ${fmt(g.shape)} for input ${fmt(t.shape)}`,
          );
        }
        accumulate(t, g);
      }
    });
  }
  return wrt.map((t) => grads.get(t.id) ?? constantFilled(t, t.dtype, t.shape, 0));
}
