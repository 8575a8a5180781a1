// The op contract: every op keeps its shape rule, ONNX lowering and gradient rule together.
import type { DType } from './dtype.js';
import type { Emitter } from './emitter.js';
import type { Shape } from './shape.js';
import { ShapeError } from './shapeError.js';
import type { Node, Tensor } from './tensor.js';

export interface OutputMeta {
  dtype: DType;
  shape: Shape;
}

export interface OpDef<A> {
  readonly name: string;
  /** Shape/type rule; throws ShapeError on invalid inputs. */
  infer(inputs: readonly Tensor[], attrs: A): OutputMeta[];
  /** Emits the ONNX nodes computing `node.outputs` from `node.inputs`. */
  lower(node: TypedNode<A>, em: Emitter): void;
  /**
   * Gradients of the inputs given the gradients of the outputs (null = zero), written with traced ops.
   * `needs[i]` tells whether input i needs a gradient; return null where it does not. Absent = not differentiable.
   */
  grad?(
    node: TypedNode<A>,
    outGrads: ReadonlyArray<Tensor | null>,
    needs: readonly boolean[],
  ): Array<Tensor | null>;
}

export interface TypedNode<A> extends Node {
  readonly attrs: A;
}

/** Records one application of `op` and returns its outputs. */
export function apply<A>(op: OpDef<A>, inputs: readonly Tensor[], attrs: A): Tensor[] {
  const graph = inputs[0]?.graph;
  if (!graph) throw new ShapeError(op.name, 'needs at least one input');
  for (const t of inputs) {
    if (t.graph !== graph) throw new ShapeError(op.name, `inputs come from different graphs (${t})`);
  }
  const outs = op.infer(inputs, attrs);
  return graph.addNode(op as OpDef<unknown>, inputs, attrs, outs).outputs;
}

/** Single-output convenience. */
export function apply1<A>(op: OpDef<A>, inputs: readonly Tensor[], attrs: A): Tensor {
  return apply(op, inputs, attrs)[0]!;
}
