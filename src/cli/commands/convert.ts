// `fsvfm convert <file> --to <out>`: export the weights of a checkpoint to another format.
// Targets are chosen by the output extension; each target is one entry of CONVERT_TARGETS.
import { existsSync, writeSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { OnnxModel } from '../../graph/index.js';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import { openWeightsFile, type WeightsFile, type WeightsTensor } from '../../io/checkpointFile.js';
import { writeSafetensors } from '../../io/safetensors.js';
import { type DetectedCheckpoint, detectCheckpoint, encoderKeys } from '../../models/checkpointKind.js';
import { detectorSpec } from '../../models/detectorGraph.js';
import { detectorNormStats, isDetectorKind } from '../../models/detectorKind.js';
import { exportDetectorOnnx } from '../../models/exportOnnx.js';
import type { StateDict } from '../../nn/stateDict.js';
import { UserError } from '../userError.js';

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
      throw new UserError(`tensor '${name}' is not floating point; cannot export it to ONNX`);
    sd.set(name, { shape: [...t.shape], data });
    ctx.onTensor();
  }
  let model: OnnxModel;
  try {
    const spec = detectorSpec(sd, { numHeads: ctx.numHeads });
    const stats = detectorNormStats(ctx.input, spec.kind);
    model = exportDetectorOnnx(spec, sd, {
      batch: ctx.batch,
      metadata: {
        fsvfm_source: basename(ctx.input),
        fsvfm_mean: JSON.stringify(stats.stats.mean),
        fsvfm_std: JSON.stringify(stats.stats.std),
        fsvfm_norm_source: stats.source,
      },
    });
  } catch (err) {
    throw new UserError(err instanceof Error ? err.message : String(err));
  }
  await writeFileAtomic(ctx.output, (fd) => {
    writeSync(fd, model.bytes);
  });
  return { bytesWritten: model.bytes.length };
};

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
      throw new UserError(
        `${w.path} is a ${detected.kind} checkpoint, not a detector; use --part encoder or --part all`,
      );
    }
    return all;
  }
  if (detected.kind === 'unknown')
    throw new UserError(`${w.path}: no ViT encoder found, cannot extract --part encoder`);
  const keys = encoderKeys(w.tensors.keys(), detected.prefix);
  return keys.map((k) => [k.slice(detected.prefix.length), w.tensors.get(k)!]);
}

export async function convertCheckpoint(
  input: string,
  output: string,
  part: ConvertPart,
  opts: { numHeads?: number; batch?: number } = {},
): Promise<ConvertResult> {
  if (!existsSync(input)) throw new UserError(`no such file: ${input}`);
  if (!['encoder', 'detector', 'all'].includes(part))
    throw new UserError(`--part must be encoder, detector or all (got '${part}')`);
  const ext = extname(output).toLowerCase();
  const target = CONVERT_TARGETS[ext];
  if (!target) {
    throw new UserError(
      `unknown output format '${ext || output}'; supported: ${Object.keys(CONVERT_TARGETS).join(', ')}`,
    );
  }
  let weights: WeightsFile;
  try {
    weights = await openWeightsFile(input);
  } catch (err) {
    throw new UserError(err instanceof Error ? err.message : String(err));
  }
  try {
    const detected = detectCheckpoint(weights.tensors);
    const selection = selectTensors(weights, detected, part);
    const bar = process.stderr.isTTY
      ? new SingleBar({ format: 'convert [{bar}] {value}/{total} tensors | ETA {eta}s' })
      : null;
    bar?.start(selection.length, 0);
    let result: { bytesWritten: number };
    try {
      result = await target({
        input,
        output,
        part,
        weights,
        detected,
        selection,
        onTensor: () => bar?.increment(),
        ...opts,
      });
    } finally {
      bar?.stop();
    }
    return {
      output,
      format: ext.slice(1),
      part,
      kind: detected.kind,
      size: detected.size,
      tensors: selection.length,
      parameters: selection.reduce((a, [, t]) => a + t.shape.reduce((x, y) => x * y, 1), 0),
      bytesWritten: result.bytesWritten,
    };
  } finally {
    weights.close();
  }
}

export function registerConvert(program: Command): void {
  program
    .command('convert')
    .description('export checkpoint weights (.pth or .safetensors) to another format')
    .argument('<file>', 'input checkpoint')
    .requiredOption('--to <out>', 'output file; the extension picks the format (.safetensors, .onnx)')
    .option('--part <part>', 'encoder | detector | all', 'all')
    .option('--num_heads <n>', 'attention heads, for custom-size models (ONNX export)')
    .option('--batch <n>', 'static batch size of the exported ONNX graph', '1')
    .option('--json', 'print one JSON object')
    .action(
      async (
        file: string,
        opts: { to: string; part: string; json?: boolean; num_heads?: string; batch: string },
      ) => {
        const positive = (v: string | undefined, flag: string) => {
          if (v === undefined) return undefined;
          const n = Number(v);
          if (!Number.isInteger(n) || n < 1)
            throw new UserError(`${flag} must be a positive integer (got '${v}')`);
          return n;
        };
        const r = await convertCheckpoint(file, opts.to, opts.part as ConvertPart, {
          numHeads: positive(opts.num_heads, '--num_heads'),
          batch: positive(opts.batch, '--batch'),
        });
        if (opts.json) console.log(JSON.stringify(r));
        else {
          console.log(
            `wrote ${r.output}: ${r.tensors} tensors, ${r.parameters.toLocaleString('en-US')} parameters (${r.part} of a ${r.kind} ${r.size} model)`,
          );
        }
      },
    );
}
