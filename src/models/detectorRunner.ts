// A detector's eval-mode logits graph compiled for one batch size, its parameters fed as inputs so the same program
// serves a loaded checkpoint (eval) and the live weights of a training run (in-training validation); and the one
// loop that runs a list of samples through it, batch by batch, the last short batch zero-padded.
import { compile, type Executable, Graph, type HostTensor, type RuntimeOptions } from '../graph/index.js';
import type { StateDict } from '../nn/stateDict.js';
import { type DetectorSpec, traceDetector } from './detectorGraph.js';
import { inferenceWeights } from './int8Weights.js';
import type { Precision } from './precision.js';

export class DetectorRunner {
  private feeds: Record<string, HostTensor> = {};

  private constructor(
    private readonly exe: Executable,
    private readonly paramNames: readonly string[],
    readonly batchSize: number,
    readonly inputSize: number,
    readonly numClasses: number,
    readonly precision: Precision,
  ) {}

  /**
   * Compiles the logits of `spec` for `batchSize` images; `weights`, when given, are fed from then on. An int8
   * runner needs `weights` now: they are quantized and baked in as initializers, which onnxruntime prepacks.
   */
  static async create(
    spec: DetectorSpec,
    batchSize: number,
    rt: RuntimeOptions = {},
    weights?: StateDict,
    precision: Precision = 'fp32',
  ): Promise<DetectorRunner> {
    if (precision === 'int8') {
      if (!weights) throw new Error('an int8 detector runner needs its weights when it is compiled');
      const t = traceDetector(new Graph(), spec, batchSize, precision);
      if (!t.logits) throw new Error('a bare encoder has no logits to evaluate');
      const initializers = inferenceWeights(t.params, weights);
      const exe = await compile({ logits: t.logits }, { ...rt, initializers });
      return new DetectorRunner(exe, [], batchSize, spec.encoder.imgSize, spec.numClasses, precision);
    }
    const t = traceDetector(new Graph(), spec, batchSize);
    if (!t.logits) throw new Error('a bare encoder has no logits to evaluate');
    const runner = new DetectorRunner(
      await compile({ logits: t.logits }, rt),
      t.paramNames,
      batchSize,
      spec.encoder.imgSize,
      spec.numClasses,
      precision,
    );
    if (weights) runner.setWeights(weights);
    return runner;
  }

  /** The parameters the next runs read (a training run passes its current ones before each validation). */
  setWeights(weights: StateDict): void {
    if (this.precision !== 'fp32')
      throw new Error(
        `a ${this.precision} detector runner has its weights baked in; create a new one instead`,
      );
    const feeds: Record<string, HostTensor> = {};
    for (const name of this.paramNames) {
      const t = weights.get(name);
      if (!t) throw new Error(`the weights lack '${name}', which the detector graph reads`);
      feeds[name] = { dtype: 'float32', shape: t.shape, data: t.data };
    }
    this.feeds = feeds;
  }

  /** Logits [count, classes] of `count` images packed in `images` (count ≤ batchSize, CHW float32 each). */
  async logits(images: Float32Array, count: number): Promise<Float32Array> {
    const per = 3 * this.inputSize * this.inputSize;
    if (count > this.batchSize || images.length < count * per)
      throw new Error(`batch of ${count} images does not fit the compiled batch of ${this.batchSize}`);
    let data = images;
    if (images.length !== this.batchSize * per) {
      data = new Float32Array(this.batchSize * per);
      data.set(images.subarray(0, count * per));
    }
    const out = await this.exe.run({
      ...this.feeds,
      images: { dtype: 'float32', shape: [this.batchSize, 3, this.inputSize, this.inputSize], data },
    });
    return (out.logits!.data as Float32Array).slice(0, count * this.numClasses);
  }
}

/** What `load` returns for one chunk of samples: `count` images packed CHW, in the order they are scored. */
export interface PackedImages {
  images: Float32Array;
  count: number;
}

export interface ScoredBatch<T> {
  /** index of the chunk's first sample */
  start: number;
  chunk: readonly T[];
  packed: PackedImages;
  /** [packed.count, classes] */
  logits: Float32Array;
}

/** Runs `samples` through `runner` a batch at a time, in order; `load` decodes and transforms one chunk. */
export async function* scoreInBatches<T, P extends PackedImages>(
  runner: DetectorRunner,
  samples: readonly T[],
  load: (chunk: readonly T[]) => Promise<P>,
  signal?: AbortSignal,
): AsyncGenerator<ScoredBatch<T> & { packed: P }> {
  for (let start = 0; start < samples.length; start += runner.batchSize) {
    if (signal?.aborted) throw new Error('evaluation interrupted');
    const chunk = samples.slice(start, start + runner.batchSize);
    const packed = await load(chunk);
    const logits = packed.count > 0 ? await runner.logits(packed.images, packed.count) : new Float32Array(0);
    yield { start, chunk, packed, logits };
  }
}
