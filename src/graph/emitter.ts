// Collects ONNX nodes and initializers while ops lower themselves.
import onnxProto, { type onnx as OnnxNs } from 'onnx-proto';
import { type DType, type HostData, ONNX_ELEM_TYPE } from './dtype.js';
import type { Shape } from './shape.js';
import type { Tensor } from './tensor.js';

const { onnx } = onnxProto;
type INodeProto = OnnxNs.INodeProto;
type ITensorProto = OnnxNs.ITensorProto;
type IAttributeProto = OnnxNs.IAttributeProto;

export type OnnxAttr =
  | { i: number }
  | { f: number }
  | { ints: readonly number[] }
  | { floats: readonly number[] }
  | { s: string };

export class Emitter {
  readonly nodes: INodeProto[] = [];
  readonly initializers: ITensorProto[] = [];
  private tmpCount = 0;
  private readonly constCache = new Map<string, string>();

  /** Output-name overrides, so requested outputs are produced under their own names without copies. */
  rename: (t: Tensor) => string | undefined = () => undefined;

  /** Whether a value is consumed by the emitted graph; optional outputs nobody reads are left unnamed. */
  isUsed: (t: Tensor) => boolean = () => true;

  /** The ONNX value name of a traced tensor. */
  name(t: Tensor): string {
    return this.rename(t) ?? t.name ?? `t${t.id}`;
  }

  /** A fresh intermediate value name. */
  tmp(hint = 'v'): string {
    return `_${hint}${this.tmpCount++}`;
  }

  node(
    opType: string,
    inputs: readonly string[],
    outputs: readonly string[],
    attrs: Record<string, OnnxAttr> = {},
    domain = '',
  ): void {
    const attribute = Object.entries(attrs).map(([name, a]) => toAttribute(name, a));
    this.nodes.push({
      opType,
      input: [...inputs],
      output: [...outputs],
      attribute,
      domain,
      name: `${opType}_${this.nodes.length}`,
    });
  }

  /** Emits a node with one fresh output and returns its name. */
  op(opType: string, inputs: readonly string[], attrs: Record<string, OnnxAttr> = {}): string {
    const out = this.tmp(opType);
    this.node(opType, inputs, [out], attrs);
    return out;
  }

  initializer(name: string, dtype: DType, shape: Shape, data: HostData): void {
    this.initializers.push(tensorProto(name, dtype, shape, data));
  }

  /** A deduplicated int64 constant (shapes, axes, starts/ends). */
  int64(values: readonly number[], shape: Shape = [values.length]): string {
    return this.cached(
      `i64:${shape.join('x')}:${values.join(',')}`,
      'int64',
      shape,
      BigInt64Array.from(values.map(BigInt)),
    );
  }

  /** A deduplicated scalar constant of a float dtype. */
  scalar(value: number, dtype: DType): string {
    const data = dtype === 'float64' ? Float64Array.of(value) : Float32Array.of(value);
    return this.cached(`${dtype}:${value}`, dtype, [], data);
  }

  private cached(key: string, dtype: DType, shape: Shape, data: HostData): string {
    let name = this.constCache.get(key);
    if (!name) {
      name = this.tmp('c');
      this.initializer(name, dtype, shape, data);
      this.constCache.set(key, name);
    }
    return name;
  }
}

function toAttribute(name: string, a: OnnxAttr): IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if ('i' in a) return { name, type: T.INT, i: a.i };
  if ('f' in a) return { name, type: T.FLOAT, f: a.f };
  if ('ints' in a) return { name, type: T.INTS, ints: [...a.ints] };
  if ('floats' in a) return { name, type: T.FLOATS, floats: [...a.floats] };
  return { name, type: T.STRING, s: new TextEncoder().encode(a.s) };
}

export function tensorProto(name: string, dtype: DType, shape: Shape, data: HostData): ITensorProto {
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return { name, dataType: ONNX_ELEM_TYPE[dtype], dims: [...shape], rawData: raw };
}
