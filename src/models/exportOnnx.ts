// Standalone ONNX export of a detector (or bare encoder): weights become initializers, so onnxruntime-node and
// onnxruntime-web run the file unchanged. Pre-processing facts travel as model metadata.
import onnxProto from 'onnx-proto';
import { emitOnnx, Graph, type OnnxModel, type Tensor } from '../graph/index.js';
import type { StateDict } from '../nn/stateDict.js';
import { type DetectorSpec, detectorWeights, traceDetector } from './detectorGraph.js';
import { inferenceWeights } from './int8Weights.js';
import type { Precision } from './precision.js';

const { onnx } = onnxProto;

export interface ExportOptions {
  /** static batch size of the exported graph (default 1) */
  batch?: number;
  /** extra metadata (normalisation mean/std, crop recipe, source file…) */
  metadata?: Record<string, string>;
  /** int8: transformer-block Linear layers quantized per output channel (default fp32) */
  precision?: Precision;
}

export function exportDetectorOnnx(
  spec: DetectorSpec,
  stateDict: StateDict,
  opts: ExportOptions = {},
): OnnxModel {
  const batch = opts.batch ?? 1;
  const g = new Graph();
  const precision = opts.precision ?? 'fp32';
  const weights = detectorWeights(spec, stateDict);
  const missing = traceDetector(new Graph(), spec, batch).paramNames.filter((n) => !weights.has(n));
  if (missing.length)
    throw new Error(
      `the checkpoint lacks ${missing.length} tensors the ${spec.kind} graph needs, e.g. ${missing.slice(0, 3).join(', ')}`,
    );
  const t = traceDetector(g, spec, batch, precision);
  const outputs: Record<string, Tensor> =
    t.logits && t.pFake
      ? { logits: t.logits, p_fake: t.pFake, features: t.features }
      : { tokens: t.features };
  const init = inferenceWeights(t.params, weights);
  const model = emitOnnx(outputs, {
    initializers: init,
    graphName: `fsvfm-${spec.kind}`,
    docString:
      'input: images [N,3,H,W], RGB normalised with the metadata mean/std; class 0 = fake/spoof, 1 = real/live',
  });
  const meta: Record<string, string> = {
    fsvfm_kind: spec.kind,
    fsvfm_size: spec.size,
    fsvfm_img_size: String(spec.encoder.imgSize),
    fsvfm_classes: 'fake,real',
    fsvfm_precision: precision,
    ...opts.metadata,
  };
  const decoded = onnx.ModelProto.decode(model.bytes);
  decoded.metadataProps = Object.entries(meta).map(([key, value]) =>
    onnx.StringStringEntryProto.create({ key, value }),
  );
  return { ...model, bytes: onnx.ModelProto.encode(decoded).finish() };
}
