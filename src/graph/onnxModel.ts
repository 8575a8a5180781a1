// Emits the part of a traced graph that computes the requested outputs as an ONNX ModelProto.
import onnxProto from 'onnx-proto';
import { type HostData, ONNX_ELEM_TYPE } from './dtype.js';
import { Emitter } from './emitter.js';
import { fmt, numel } from './shape.js';
import type { Node, Tensor } from './tensor.js';

const { onnx } = onnxProto;

export const OPSET = 17;

/** onnxruntime's contrib-op domain, imported only by inference graphs that use its fused or quantized kernels. */
export const MICROSOFT_DOMAIN = 'com.microsoft';

export interface ValueSpec {
  name: string;
  dtype: Tensor['dtype'];
  shape: number[];
}

export interface OnnxModel {
  bytes: Uint8Array;
  /** Graph inputs the caller must feed, in order. */
  inputs: ValueSpec[];
  outputs: ValueSpec[];
}

export interface EmitOptions {
  /** Values for named inputs/params that become initializers (export); all others stay graph inputs. */
  initializers?: ReadonlyMap<string, HostData> | Record<string, HostData>;
  graphName?: string;
  docString?: string;
}

/** Builds the ONNX model computing `outputs` (name → traced tensor). */
export function emitOnnx(outputs: Record<string, Tensor>, opts: EmitOptions = {}): OnnxModel {
  const outs = Object.entries(outputs);
  if (outs.length === 0) throw new Error('emitOnnx: no outputs requested');
  const _graph = outs[0]![1].graph;
  const init =
    opts.initializers instanceof Map ? opts.initializers : new Map(Object.entries(opts.initializers ?? {}));

  // backward reachability from the outputs
  const needed = new Set<number>();
  const nodes = new Set<Node>();
  const stack = outs.map(([, t]) => t);
  const leaves: Tensor[] = [];
  while (stack.length) {
    const t = stack.pop()!;
    if (needed.has(t.id)) continue;
    needed.add(t.id);
    if (t.node) {
      nodes.add(t.node);
      stack.push(...t.node.inputs);
    } else leaves.push(t);
  }

  const em = new Emitter();
  const outputNames = new Map<number, string>();
  for (const [name, t] of outs) if (t.node && !outputNames.has(t.id)) outputNames.set(t.id, name);
  em.rename = (t) => outputNames.get(t.id);
  const used = new Set<number>(outs.map(([, t]) => t.id));
  for (const node of nodes) for (const t of node.inputs) used.add(t.id);
  em.isUsed = (t) => used.has(t.id);

  const inputs: ValueSpec[] = [];
  for (const t of leaves.sort((a, b) => a.id - b.id)) {
    if (t.kind === 'const') em.initializer(em.name(t), t.dtype, t.shape, t.value!);
    else if (t.name && init.has(t.name)) {
      const data = init.get(t.name)!;
      if (data.length !== numel(t.shape))
        throw new Error(
          `initializer '${t.name}' has ${data.length} values, shape ${fmt(t.shape)} needs ${numel(t.shape)}`,
        );
      em.initializer(t.name, t.dtype, t.shape, data);
    } else inputs.push({ name: em.name(t), dtype: t.dtype, shape: [...t.shape] });
  }

  for (const node of [...nodes].sort((a, b) => a.id - b.id)) node.op.lower(node as never, em);

  const outputSpecs: ValueSpec[] = [];
  for (const [name, t] of outs) {
    if (em.name(t) !== name) em.node('Identity', [em.name(t)], [name]);
    outputSpecs.push({ name, dtype: t.dtype, shape: [...t.shape] });
  }

  const valueInfo = (v: ValueSpec) => ({
    name: v.name,
    type: {
      tensorType: {
        elemType: ONNX_ELEM_TYPE[v.dtype],
        shape: { dim: v.shape.map((d) => ({ dimValue: d })) },
      },
    },
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [
      { domain: '', version: OPSET },
      ...(em.nodes.some((n) => n.domain === MICROSOFT_DOMAIN)
        ? [{ domain: MICROSOFT_DOMAIN, version: 1 }]
        : []),
    ],
    producerName: 'fsvfm',
    docString: opts.docString ?? '',
    graph: {
      name: opts.graphName ?? 'fsvfm',
      node: em.nodes,
      initializer: em.initializers,
      input: inputs.map(valueInfo),
      output: outputSpecs.map(valueInfo),
    },
  });
  return { bytes: onnx.ModelProto.encode(model).finish(), inputs, outputs: outputSpecs };
}
