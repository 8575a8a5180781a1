// Parameter scopes: model code declares parameters where it uses them (names = official state-dict keys),
// and the declarations double as the model's parameter list for initialisation, loading and export.
import type { DType, Graph, Tensor } from '../graph/index.js';
import { fmt } from '../graph/shape.js';
import type { InferenceLowering } from './inferenceLowering.js';
import type { Initializer } from './init.js';

export interface ParamSpec {
  name: string;
  shape: number[];
  init: Initializer;
  /** false for fixed tables (positional embeddings) that optimizers must not touch */
  trainable: boolean;
  /** float32 unless stated (int8 for the quantized weights of inference graphs) */
  dtype?: DType;
}

/** Collects parameter declarations and hands out one traced tensor per name. */
export class ParamRegistry {
  readonly specs = new Map<string, ParamSpec>();
  /** per-step random inputs (drop-path keep-masks) and their keep probability */
  readonly randomInputs = new Map<string, { shape: number[]; keepProb: number }>();
  private readonly tensors = new Map<string, Tensor>();

  constructor(readonly graph: Graph) {}

  declare(spec: ParamSpec): Tensor {
    const prev = this.specs.get(spec.name);
    if (prev && fmt(prev.shape) !== fmt(spec.shape)) {
      throw new Error(
        `parameter '${spec.name}' declared twice with shapes ${fmt(prev.shape)} and ${fmt(spec.shape)}`,
      );
    }
    if (!prev) this.specs.set(spec.name, spec);
    let t = this.tensors.get(spec.name);
    if (!t) {
      t = this.graph.param(spec.name, spec.shape, spec.dtype ?? 'float32');
      this.tensors.set(spec.name, t);
    }
    return t;
  }

  list(): ParamSpec[] {
    return [...this.specs.values()];
  }
}

export interface ScopeOptions {
  /** train mode: drop path / dropout active (their keep-masks become graph inputs) */
  training: boolean;
  /** inference-only lowering choices (int8 layers); absent in training graphs */
  inference?: InferenceLowering;
}

/** A naming prefix over a registry, plus the train/eval flag. */
export class Scope {
  constructor(
    readonly registry: ParamRegistry,
    readonly prefix = '',
    readonly options: ScopeOptions = { training: false },
  ) {}

  static root(graph: Graph, options: ScopeOptions = { training: false }): Scope {
    return new Scope(new ParamRegistry(graph), '', options);
  }

  get graph(): Graph {
    return this.registry.graph;
  }

  get training(): boolean {
    return this.options.training;
  }

  child(name: string | number): Scope {
    return new Scope(this.registry, this.key(String(name)), this.options);
  }

  key(name: string): string {
    return this.prefix ? `${this.prefix}.${name}` : name;
  }

  param(name: string, shape: readonly number[], init: Initializer, trainable = true, dtype?: DType): Tensor {
    return this.registry.declare({
      name: this.key(name),
      shape: [...shape],
      init,
      trainable,
      ...(dtype ? { dtype } : {}),
    });
  }

  /** A Bernoulli(keepProb) keep-mask input (drop path, dropout), drawn and fed by the trainer each step. */
  randomInput(name: string, shape: readonly number[], keepProb: number): Tensor {
    const full = `random:${this.key(name)}`;
    const existing = this.graph.get(full);
    if (existing) return existing;
    this.registry.randomInputs.set(full, { shape: [...shape], keepProb });
    return this.graph.input(full, 'float32', shape);
  }
}
