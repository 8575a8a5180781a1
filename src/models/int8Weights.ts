// Symmetric int8 quantization of Linear weights, one scale per output channel, done once on the host when an
// int8 scoring graph is built (no calibration data: activations are quantized at run time by the int8 kernel).
import type { HostData } from '../graph/index.js';
import { INT8_SCALE, INT8_WEIGHT } from '../nn/inferenceLowering.js';
import type { ParamSpec } from '../nn/scope.js';
import type { StateDict, StoredTensor } from '../nn/stateDict.js';

export interface PerChannelInt8 {
  /** q[i, o] = round(W[o, i] / scale[o]) clamped to ±127: [in, out], the transposed layout the kernel reads */
  values: Int8Array;
  /** scale[o] = max_i |W[o, i]| / 127 (1 for an all-zero row, whose values are all 0 anyway) */
  scales: Float32Array;
}

/**
 * Quantizes a PyTorch-layout Linear weight W [out, in]. ±127 (not −128) keeps the grid symmetric, so zero is exact
 * and no zero point is needed; a row's largest weight maps to ±127 exactly, which bounds each weight's error by
 * scale/2 = max|W[o,·]|/254.
 */
export function quantizePerOutputChannel(weight: StoredTensor): PerChannelInt8 {
  if (weight.shape.length !== 2)
    throw new Error(`int8 quantization needs a 2-D weight, got [${weight.shape}]`);
  const [outF, inF] = weight.shape as [number, number];
  const w = weight.data;
  const values = new Int8Array(inF * outF);
  const scales = new Float32Array(outF);
  for (let o = 0; o < outF; o++) {
    let max = 0;
    for (let i = 0; i < inF; i++) max = Math.max(max, Math.abs(w[o * inF + i]!));
    const scale = max > 0 ? Math.fround(max / 127) : 1;
    scales[o] = scale;
    for (let i = 0; i < inF; i++) {
      const q = Math.round(w[o * inF + i]! / scale);
      values[i * outF + o] = Math.min(127, Math.max(-127, q));
    }
  }
  return { values, scales };
}

/** The float weight [out, in] that an int8 layer computes with: q · scale, back in PyTorch layout. */
export function dequantizePerOutputChannel(q: PerChannelInt8): Float32Array {
  const outF = q.scales.length;
  const inF = q.values.length / outF;
  const w = new Float32Array(outF * inF);
  for (let o = 0; o < outF; o++)
    for (let i = 0; i < inF; i++) w[o * inF + i] = q.values[i * outF + o]! * q.scales[o]!;
  return w;
}

/** A model's batch-8, batch-1 and explanation graphs share one quantization of each weight tensor. */
const quantizedOnce = new WeakMap<StoredTensor, PerChannelInt8>();

/**
 * Values for every parameter a (possibly int8) scoring graph reads: float tensors as stored, and for each
 * `<layer>.weight_int8` / `<layer>.weight_scale` pair the quantization of `<layer>.weight` (computed once per layer).
 */
export function inferenceWeights(params: readonly ParamSpec[], weights: StateDict): Map<string, HostData> {
  const out = new Map<string, HostData>();
  const quantizedLayer = (layer: string): PerChannelInt8 => {
    const w = weights.get(`${layer}.weight`);
    if (!w) throw new Error(`the weights lack '${layer}.weight', which the int8 graph quantizes`);
    let q = quantizedOnce.get(w);
    if (!q) {
      q = quantizePerOutputChannel(w);
      quantizedOnce.set(w, q);
    }
    return q;
  };
  for (const p of params) {
    const dot = p.name.lastIndexOf('.');
    const [layer, leaf] = [p.name.slice(0, dot), p.name.slice(dot + 1)];
    if (leaf === INT8_WEIGHT) out.set(p.name, quantizedLayer(layer).values);
    else if (leaf === INT8_SCALE) out.set(p.name, quantizedLayer(layer).scales);
    else {
      const w = weights.get(p.name);
      if (!w) throw new Error(`the weights lack '${p.name}', which the scoring graph reads`);
      out.set(p.name, w.data);
    }
  }
  return out;
}
