// Exporting the weights of a checkpoint to another format (`fsvfm convert`): safetensors (all, the encoder or the
// detector part) or a standalone ONNX detector. Targets are chosen by the output extension; each target is one entry
// of CONVERT_TARGETS.
import { existsSync, writeSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { OnnxModel } from '../graph/index.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { calibrationBeside } from '../io/calibrationFile.js';
import { openWeightsFile, type WeightsFile, type WeightsTensor } from '../io/checkpointFile.js';
import { writeSafetensors } from '../io/safetensors.js';
import type { StateDict } from '../nn/stateDict.js';
import { type DetectedCheckpoint, detectCheckpoint, encoderKeys } from './checkpointKind.js';
import { detectorSpec } from './detectorGraph.js';
import { detectorNormStats, isDetectorKind } from './detectorKind.js';
import { exportDetectorOnnx } from './exportOnnx.js';
import type { Precision } from './precision.js';

export type ConvertPart = 'encoder' | 'detector' | 'all';

export interface ConvertContext {
  input: string;
  output: string;
  part: ConvertPart;
  weights: WeightsFile;
  detected: DetectedCheckpoint;
  /** The selected tensors, under their output names. */
  selection: [string, WeightsTensor][];
  onTensor: () => void;
  /** head count for custom-size models (not stored in checkpoints); ONNX only */
  numHeads?: number;
  /** static batch size of an exported ONNX graph */
  batch?: number;
  /** arithmetic of an exported ONNX graph (int8: quantized transformer-block Linear layers) */
  precision?: Precision;
}

export interface ConvertResult {
  output: string;
  format: string;
  part: ConvertPart;
  kind: string;
  size: string;
  tensors: number;
  parameters: number;
  bytesWritten: number;
  /** ONNX only: the arithmetic the exported graph runs in */
  precision?: Precision;
}

export interface ConvertOptions {
  /** head count for custom-size models (not stored in checkpoints); ONNX only */
  numHeads?: number;
  /** static batch size of an exported ONNX graph */
  batch?: number;
  /** `--quantize int8`: an int8 ONNX graph (ONNX only; default fp32) */
  precision?: Precision;
  /** called once with the number of tensors to convert, then `onTensor` after each */
  onStart?: (tensors: number) => void;
  onTensor?: () => void;
}

export type ConvertTarget = (ctx: ConvertContext) => Promise<{ bytesWritten: number }>;

const toSafetensors: ConvertTarget = async (ctx) => {
  const { detected, weights } = ctx;
  const metadata: Record<string, string> = {
    format: 'fsvfm',
    kind: ctx.part === 'encoder' ? 'encoder-only' : detected.kind,
    source_kind: detected.kind,
    size: detected.size,
    part: ctx.part,
    source: basename(ctx.input),
  };
  if (detected.config) {
    metadata.embed_dim = String(detected.config.embedDim);
    metadata.depth = String(detected.config.depth);
    metadata.patch_size = String(detected.config.patchSize);
    metadata.img_size = String(detected.config.imgSize);
    if (detected.config.numHeads !== null) metadata.num_heads = String(detected.config.numHeads);
  }
  if (ctx.part !== 'encoder' && detected.prefix) metadata.prefix = detected.prefix;
  const root = weights.torch?.root;
  const epoch = root instanceof Map ? root.get('epoch') : undefined;
  if (typeof epoch === 'number') metadata.epoch = String(epoch);
  const sources = ctx.selection.map(([name, t]): [string, WeightsTensor] => [
    name,
    {
      dtype: t.dtype,
      shape: t.shape,
      read: async (o) => {
        const data = await t.read(o);
        ctx.onTensor();
        return data;
      },
    },
  ]);
  return writeSafetensors(ctx.output, sources, metadata);
};

const toOnnx: ConvertTarget = async (ctx) => {
  const sd: StateDict = new Map();
  for (const [name, t] of ctx.selection) {
    const data = await t.read();
    if (!(data instanceof Float32Array))
      throw new Error(`tensor '${name}' is not floating point; cannot export it to ONNX`);
    sd.set(name, { shape: [...t.shape], data });
    ctx.onTensor();
  }
  const spec = detectorSpec(sd, { numHeads: ctx.numHeads });
  const stats = detectorNormStats(ctx.input, spec.kind);
  const model: OnnxModel = exportDetectorOnnx(spec, sd, {
    batch: ctx.batch,
    precision: ctx.precision ?? 'fp32',
    metadata: {
      fsvfm_source: basename(ctx.input),
      fsvfm_mean: JSON.stringify(stats.stats.mean),
      fsvfm_std: JSON.stringify(stats.stats.std),
      fsvfm_norm_source: stats.source,
      ...thresholdMetadata(ctx.input),
    },
  });
  await writeFileAtomic(ctx.output, (fd) => {
    writeSync(fd, model.bytes);
  });
  return { bytesWritten: model.bytes.length };
};

/** The threshold training calibrated for the checkpoint (calibration.json beside it), when there is one. */
function thresholdMetadata(checkpoint: string): Record<string, string> {
  const c = calibrationBeside(checkpoint);
  return c ? { fsvfm_threshold: String(c.threshold), fsvfm_threshold_source: c.source } : {};
}

/** Output extension → writer. */
export const CONVERT_TARGETS: Record<string, ConvertTarget> = {
  '.safetensors': toSafetensors,
  '.onnx': toOnnx,
};

function selectTensors(
  w: WeightsFile,
  detected: DetectedCheckpoint,
  part: ConvertPart,
): [string, WeightsTensor][] {
  const all = [...w.tensors];
  if (part === 'all') return all;
  if (part === 'detector') {
    if (!isDetectorKind(detected.kind)) {
      throw new Error(
        `${w.path} is a ${detected.kind} checkpoint, not a detector; use --part encoder or --part all`,
      );
    }
    return all;
  }
  if (detected.kind === 'unknown')
    throw new Error(`${w.path}: no ViT encoder found, cannot extract --part encoder`);
  const keys = encoderKeys(w.tensors.keys(), detected.prefix);
  return keys.map((k) => [k.slice(detected.prefix.length), w.tensors.get(k)!]);
}

export async function convertCheckpoint(
  input: string,
  output: string,
  part: ConvertPart,
  opts: ConvertOptions = {},
): Promise<ConvertResult> {
  if (!existsSync(input)) throw new Error(`no such file: ${input}`);
  if (!['encoder', 'detector', 'all'].includes(part))
    throw new Error(`--part must be encoder, detector or all (got '${part}')`);
  const ext = extname(output).toLowerCase();
  const target = CONVERT_TARGETS[ext];
  if (!target) {
    throw new Error(
      `unknown output format '${ext || output}'; supported: ${Object.keys(CONVERT_TARGETS).join(', ')}`,
    );
  }
  if (opts.precision === 'int8' && ext !== '.onnx')
    throw new Error(`--quantize int8 writes an ONNX graph; give an output ending in .onnx (got '${output}')`);
  const weights: WeightsFile = await openWeightsFile(input);
  try {
    const detected = detectCheckpoint(weights.tensors);
    const selection = selectTensors(weights, detected, part);
    opts.onStart?.(selection.length);
    const result = await target({
      input,
      output,
      part,
      weights,
      detected,
      selection,
      onTensor: () => opts.onTensor?.(),
      numHeads: opts.numHeads,
      batch: opts.batch,
      precision: opts.precision,
    });
    return {
      output,
      format: ext.slice(1),
      part,
      kind: detected.kind,
      size: detected.size,
      tensors: selection.length,
      parameters: selection.reduce((a, [, t]) => a + t.shape.reduce((x, y) => x * y, 1), 0),
      bytesWritten: result.bytesWritten,
      ...(ext === '.onnx' ? { precision: opts.precision ?? 'fp32' } : {}),
    };
  } finally {
    weights.close();
  }
}
