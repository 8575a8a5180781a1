// A detector checkpoint turned into a compiled scoring program: weights baked in as initializers, a fixed batch,
// normalisation stats from beside the checkpoint. Optionally a second program that also returns the per-block
// head-averaged attention probabilities, for attention-rollout explanations.
import { basename } from 'node:path';
import { compile, type Executable, Graph, reduceMean, type Tensor } from '../graph/index.js';
import type { NormStats, ResolvedNormStats } from '../io/normStats.js';
import { type DetectorSpec, detectorWeights, traceDetector } from '../models/detectorGraph.js';
import { loadDetector } from '../models/detectorLoader.js';
import { exportDetectorOnnx } from '../models/exportOnnx.js';
import { inferenceWeights } from '../models/int8Weights.js';
import type { Precision } from '../models/precision.js';
import { tapAttention } from '../nn/attention.js';
import type { StateDict } from '../nn/stateDict.js';

export interface ScoringModelOptions {
  numHeads?: number;
  /** crops per model run (default 8) */
  batch?: number;
  threads?: number;
  /** int8: the transformer blocks' Linear layers run as int8 products (default fp32) */
  precision?: Precision;
}

export interface ScoreOutput {
  pFake: number;
}

export class ScoringModel {
  private explainExe: Promise<Executable> | undefined;
  private singleExe: Promise<Executable> | undefined;

  private constructor(
    readonly spec: DetectorSpec,
    readonly norm: ResolvedNormStats,
    readonly checkpoint: string,
    readonly batch: number,
    private readonly weights: StateDict,
    private readonly original: StateDict,
    private readonly exe: Executable,
    private readonly threads: number | undefined,
    readonly precision: Precision,
  ) {}

  static async load(path: string, opts: ScoringModelOptions = {}): Promise<ScoringModel> {
    const det = await loadDetector(path, { numHeads: opts.numHeads });
    return ScoringModel.fromStateDict(det.spec, det.stateDict, det.norm, path, opts);
  }

  static async fromStateDict(
    spec: DetectorSpec,
    stateDict: StateDict,
    norm: ResolvedNormStats,
    checkpoint: string,
    opts: ScoringModelOptions = {},
  ): Promise<ScoringModel> {
    const batch = opts.batch ?? 8;
    if (!Number.isInteger(batch) || batch < 1)
      throw new Error(`batch must be a positive integer, got ${batch}`);
    const weights = detectorWeights(spec, stateDict);
    const precision = opts.precision ?? 'fp32';
    const exe = await compileScoring(spec, weights, batch, false, opts.threads, precision);
    return new ScoringModel(spec, norm, checkpoint, batch, weights, stateDict, exe, opts.threads, precision);
  }

  get stats(): NormStats {
    return this.norm.stats;
  }

  get imgSize(): number {
    return this.spec.encoder.imgSize;
  }

  get name(): string {
    return basename(this.checkpoint);
  }

  /**
   * P(fake) for up to `batch` normalised CHW crops. More than half a batch runs as one zero-padded batch; fewer
   * run one by one through a batch-1 program, so a lone crop does not pay for a whole padded batch.
   */
  async scoreBatch(crops: Float32Array[]): Promise<number[]> {
    if (this.batch === 1 || crops.length > this.batch / 2) {
      const out = await this.exe.run({ images: packBatch(crops, this.batch, this.imgSize) });
      const p = out.p_fake!.data as Float32Array;
      return crops.map((_, i) => p[i]!);
    }
    this.singleExe ??= compileScoring(this.spec, this.weights, 1, false, this.threads, this.precision);
    const exe = await this.singleExe;
    const scores: number[] = [];
    for (const c of crops) {
      const out = await exe.run({ images: packBatch([c], 1, this.imgSize) });
      scores.push((out.p_fake!.data as Float32Array)[0]!);
    }
    return scores;
  }

  /**
   * The detector as a standalone ONNX file (batch 1, weights inside, normalisation in the metadata), in the
   * precision it scores with: an int8 detector exports its int8 graph, which onnxruntime-web's wasm build runs too.
   */
  exportOnnx(metadata: Record<string, string> = {}): Uint8Array {
    return exportDetectorOnnx(this.spec, this.original, {
      batch: 1,
      precision: this.precision,
      metadata: {
        norm_mean: JSON.stringify(this.norm.stats.mean),
        norm_std: JSON.stringify(this.norm.stats.std),
        ...metadata,
      },
    }).bytes;
  }

  /** P(fake) and the head-averaged attention of every block ([T,T] each) for one crop. */
  async scoreWithAttention(crop: Float32Array): Promise<{ pFake: number; attention: Float32Array[] }> {
    this.explainExe ??= compileScoring(this.spec, this.weights, 1, true, this.threads, this.precision);
    const exe = await this.explainExe;
    const out = await exe.run({ images: packBatch([crop], 1, this.imgSize) });
    const attention: Float32Array[] = [];
    for (let i = 0; out[`attn_${i}`]; i++) attention.push(out[`attn_${i}`]!.data as Float32Array);
    return { pFake: (out.p_fake!.data as Float32Array)[0]!, attention };
  }
}

function packBatch(crops: Float32Array[], batch: number, size: number): Float32Array {
  const per = 3 * size * size;
  if (crops.length > batch) throw new Error(`${crops.length} crops do not fit a batch of ${batch}`);
  const data = new Float32Array(batch * per);
  crops.forEach((c, i) => {
    if (c.length !== per) throw new Error(`crop holds ${c.length} values, the model needs 3x${size}x${size}`);
    data.set(c, i * per);
  });
  return data;
}

async function compileScoring(
  spec: DetectorSpec,
  weights: StateDict,
  batch: number,
  withAttention: boolean,
  threads: number | undefined,
  precision: Precision,
): Promise<Executable> {
  const g = new Graph();
  const taps = withAttention ? tapAttention(g) : [];
  const t = traceDetector(g, spec, batch, precision);
  const plain = precision === 'fp32' ? t : traceDetector(new Graph(), spec, batch);
  const missing = plain.paramNames.filter((n) => !weights.has(n));
  if (missing.length > 0) {
    throw new Error(
      `the checkpoint lacks ${missing.length} tensors the ${spec.kind} graph needs, e.g. ${missing.slice(0, 3).join(', ')}`,
    );
  }
  const outputs: Record<string, Tensor> = { p_fake: t.pFake!, logits: t.logits! };
  taps.forEach((a, i) => {
    outputs[`attn_${i}`] = reduceMean(a, 1);
  });
  const initializers = inferenceWeights(t.params, weights);
  return compile(outputs, { initializers, ...(threads ? { threads } : {}) });
}
