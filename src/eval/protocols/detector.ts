// A fine-tuned detector loaded for testing: checkpoint → kind, size and strict state dict → an eval-mode graph that
// maps normalised image batches to 2 logits per image (fake/spoof = 0, real/live = 1).
import {
  compile,
  type Executable,
  Graph,
  type HostTensor,
  type RuntimeOptions,
  type Tensor,
} from '../../graph/index.js';
import { normStatsForCheckpoint, type ResolvedNormStats } from '../../io/normStats.js';
import { encoderConfig } from '../../models/encoderConfig.js';
import { fasAdapterModel, fasModel } from '../../models/fasModel.js';
import { fsAdapterVit } from '../../models/fsAdapter.js';
import {
  DETECTOR_KINDS,
  loadDetectorStrict,
  type ReadCheckpoint,
  readCheckpoint,
  resolveModelSize,
  type SizeOverrides,
} from '../../models/loadPretrained.js';
import type { VitConfig as SizeConfig } from '../../models/sizes.js';
import { vitClassifier } from '../../models/vitClassifier.js';
import { Scope } from '../../nn/scope.js';
import type { StateDict } from '../../nn/stateDict.js';

export type DetectorKind = (typeof DETECTOR_KINDS)[number];

export interface DetectorLoadOptions extends SizeOverrides {
  /** `--model`: an official downstream name or `custom` (size read from the checkpoint) */
  model?: string;
  /** normalisation: stats file beside the checkpoint, else this fallback (DfD/DiFF: vggface2, FAS: imagenet) */
  normFallback?: 'vggface2' | 'imagenet';
}

export interface Detector {
  path: string;
  kind: DetectorKind;
  size: SizeConfig;
  globalPool: boolean;
  stateDict: StateDict;
  norm: ResolvedNormStats;
  /** input side in pixels (grid × patch) */
  inputSize: number;
}

/** Traces the eval-mode logits of a detector kind on `images`. */
export function detectorLogits(
  s: Scope,
  images: Tensor,
  kind: DetectorKind,
  size: SizeConfig,
  globalPool = true,
): Tensor {
  const enc = encoderConfig(size, { posEmbedTrainable: true });
  switch (kind) {
    case 'finetune-vit':
      return vitClassifier(s, images, { ...enc, numClasses: size.numClasses, globalPool }).logits;
    case 'fs-adapter':
      return fsAdapterVit(s, images, {
        ...enc,
        numClasses: size.numClasses,
        reduction: size.adapterReduction,
      }).logits;
    case 'fas':
      return fasModel(s, images, enc).logits;
    case 'fas-fs-adapter':
      return fasAdapterModel(s, images, {
        ...enc,
        numClasses: size.numClasses,
        reduction: size.adapterReduction,
      }).logits;
  }
}

/** Loads a detector checkpoint strictly; a pre-training checkpoint or a size that does not fit is an Error. */
export async function loadDetector(path: string, opts: DetectorLoadOptions = {}): Promise<Detector> {
  const ckpt: ReadCheckpoint = await readCheckpoint(path);
  const kind = ckpt.detected.kind;
  if (!(DETECTOR_KINDS as readonly string[]).includes(kind)) {
    // loadDetectorStrict words the pre-training case; anything else is not a model at all
    loadDetectorStrict(ckpt, []);
    throw new Error(`${path} is not a detector checkpoint (detected: ${kind})`);
  }
  const size = resolveModelSize(ckpt, opts.model, opts);
  if (size.numClasses !== 2)
    throw new Error(
      `${path} has a ${size.numClasses}-class head; the protocols need a binary (fake/real) detector`,
    );
  const detKind = kind as DetectorKind;
  const globalPool = ckpt.detected.globalPool ?? true;
  const g = new Graph();
  const s = Scope.root(g);
  detectorLogits(
    s,
    g.input('images', 'float32', [1, 3, size.imgSize, size.imgSize]),
    detKind,
    size,
    globalPool,
  );
  const stateDict = loadDetectorStrict(ckpt, s.registry.list());
  const fas = detKind === 'fas' || detKind === 'fas-fs-adapter';
  const norm = normStatsForCheckpoint(path, opts.normFallback ?? (fas ? 'imagenet' : 'vggface2'));
  return { path, kind: detKind, size, globalPool, stateDict, norm, inputSize: size.imgSize };
}

/** A compiled eval graph for one batch size; the last, short batch is zero-padded. */
export class DetectorRunner {
  private constructor(
    private readonly exe: Executable,
    private readonly feeds: Record<string, HostTensor>,
    readonly batchSize: number,
    readonly inputSize: number,
  ) {}

  static async create(det: Detector, batchSize: number, rt: RuntimeOptions = {}): Promise<DetectorRunner> {
    const g = new Graph();
    const s = Scope.root(g);
    const n = det.inputSize;
    const logits = detectorLogits(
      s,
      g.input('images', 'float32', [batchSize, 3, n, n]),
      det.kind,
      det.size,
      det.globalPool,
    );
    const feeds: Record<string, HostTensor> = {};
    for (const spec of s.registry.list()) {
      const t = det.stateDict.get(spec.name)!;
      feeds[spec.name] = { dtype: 'float32', shape: t.shape, data: t.data };
    }
    return new DetectorRunner(await compile({ logits }, rt), feeds, batchSize, n);
  }

  /** Logits [count, 2] of `count` images packed in `images` (count ≤ batchSize, CHW float32 each). */
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
    return (out.logits!.data as Float32Array).slice(0, count * 2);
  }
}
