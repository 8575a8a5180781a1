// The traced program: symbolic tensors (dtype + static shape) and the nodes that produce them.
import { type DType, dtypeOfHost, type HostData } from './dtype.js';
import type { OpDef } from './op.js';
import { fmt, numel, type Shape } from './shape.js';
import { callerSite } from './shapeError.js';

export type TensorKind = 'input' | 'param' | 'const' | 'op';

export class Tensor {
  constructor(
    readonly graph: Graph,
    readonly id: number,
    readonly dtype: DType,
    readonly shape: Shape,
    readonly kind: TensorKind,
    /** Producing node for kind 'op'. */
    readonly node: Node | null = null,
    /** Graph-level name for inputs and params. */
    readonly name: string | null = null,
    /** Host value for kind 'const'. */
    readonly value: HostData | null = null,
  ) {}

  get rank(): number {
    return this.shape.length;
  }

  get size(): number {
    return numel(this.shape);
  }

  toString(): string {
    return `Tensor#${this.id}${this.name ? `(${this.name})` : ''}<${this.dtype}${fmt(this.shape)}>`;
  }
}

export interface Node {
  readonly id: number;
  readonly op: OpDef<unknown>;
  readonly inputs: readonly Tensor[];
  readonly attrs: unknown;
  outputs: Tensor[];
  /** Where the op was called from, for error messages. */
  readonly site: string;
}

/**
 * An append-only traced program. Node order is a valid topological order, which autodiff and emission rely on.
 */
export class Graph {
  readonly nodes: Node[] = [];
  private nextId = 0;
  private readonly names = new Map<string, Tensor>();

  /** A fed value that is not trained (images, labels, masks, learning rates). */
  input(name: string, dtype: DType, shape: Shape): Tensor {
    return this.named('input', name, dtype, shape);
  }

  /** A trainable parameter: a graph input while training, an initializer in exported models. */
  param(name: string, shape: Shape, dtype: DType = 'float32'): Tensor {
    return this.named('param', name, dtype, shape);
  }

  /** A constant baked into the program. */
  constant(data: HostData, shape: Shape): Tensor {
    if (data.length !== numel(shape)) {
      throw new Error(`constant: ${data.length} values do not fill shape ${fmt(shape)}${callerSite()}`);
    }
    return new Tensor(this, this.nextId++, dtypeOfHost(data), [...shape], 'const', null, null, data);
  }

  /** All named tensors (inputs and params) in creation order. */
  namedTensors(): Tensor[] {
    return [...this.names.values()];
  }

  get(name: string): Tensor | undefined {
    return this.names.get(name);
  }

  /** Creates the node and output tensors of an op application; used by `apply` only. */
  addNode(
    op: OpDef<unknown>,
    inputs: readonly Tensor[],
    attrs: unknown,
    outs: Array<{ dtype: DType; shape: Shape }>,
  ): Node {
    const node: Node = { id: this.nodes.length, op, inputs, attrs, outputs: [], site: callerSite() };
    node.outputs = outs.map((o) => new Tensor(this, this.nextId++, o.dtype, [...o.shape], 'op', node));
    this.nodes.push(node);
    return node;
  }

  private named(kind: TensorKind, name: string, dtype: DType, shape: Shape): Tensor {
    if (this.names.has(name))
      throw new Error(`graph already has an input or parameter named '${name}'${callerSite()}`);
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0)
        throw new Error(`${name}: invalid shape ${fmt(shape)}${callerSite()}`);
    }
    const t = new Tensor(this, this.nextId++, dtype, [...shape], kind, null, name);
    this.names.set(name, t);
    return t;
  }
}
