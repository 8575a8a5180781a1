// A detector = any checkpoint that maps face crops to real/fake (live/spoof) logits: the full fine-tuned ViT,
// the FS-Adapter ViT, or the FAS model (and its FS-Adapter variant). One place turns a state dict into a traced
// scoring graph, shared by scanning, evaluation and ONNX export.
import { type Graph, reshape, slice, softmax, type Tensor } from '../graph/index.js';
import { type ParamSpec, Scope } from '../nn/scope.js';
import type { StateDict } from '../nn/stateDict.js';
import type { EncoderConfig } from '../nn/vit.js';
import { detectCheckpoint } from './checkpointKind.js';
import { type DetectorKind, isDetectorKind, isFasKind } from './detectorKind.js';
import { encoderConfig } from './encoderConfig.js';
import { fasAdapterModel, fasModel, prepareFasStateDict } from './fasModel.js';
import { fsAdapterVit } from './fsAdapter.js';
import { fsvfmEncoder } from './fsvfmPretrain.js';
import { loweringFor, type Precision } from './precision.js';
import type { SizeConfig } from './sizes.js';
import { vitClassifier } from './vitClassifier.js';

export type ScoringKind = DetectorKind | 'encoder';

export interface DetectorSpec {
  kind: ScoringKind;
  encoder: EncoderConfig;
  /** global pool + fc_norm (true) or CLS + norm (false); finetune-vit only */
  globalPool: boolean;
  numClasses: number;
  /** FS-Adapter reduction */
  reduction: number;
  /** 'B', 'S', …, or 'custom' */
  size: string;
}

export interface DetectorTrace {
  images: Tensor;
  /** [N, classes] logits; class 0 = fake/spoof, 1 = real/live */
  logits: Tensor | null;
  /** [N] P(fake) / P(attack) = softmax(logits)[:, 0] */
  pFake: Tensor | null;
  /** [N, D] pooled features (or [N, T, D] tokens for a bare encoder) */
  features: Tensor;
  /** parameters the graph reads, by name */
  paramNames: string[];
  /** the same parameters with their shapes */
  params: ParamSpec[];
}

/** Recognises the detector in a state dict; `numHeads` is needed for custom sizes (heads are not stored). */
export function detectorSpec(sd: StateDict, opts: { numHeads?: number } = {}): DetectorSpec {
  const det = detectCheckpoint(new Map([...sd].map(([k, v]) => [k, v.shape])));
  if (!det.config) throw new Error('the checkpoint holds no ViT encoder (no cls_token / patch_embed found)');
  const cfg = { ...det.config, numHeads: det.config.numHeads ?? opts.numHeads ?? null };
  if (cfg.numHeads === null) {
    throw new Error(
      `this ${det.config.embedDim}-wide custom model does not record its head count: pass --num_heads`,
    );
  }
  const kind: ScoringKind = isDetectorKind(det.kind)
    ? det.kind
    : det.kind === 'pretrain-online' || det.kind === 'pretrain-target' || det.kind === 'encoder-only'
      ? 'encoder'
      : (() => {
          throw new Error(`cannot score with a checkpoint of kind '${det.kind}'`);
        })();
  const head = sd.get(`${det.prefix}head.weight`);
  const adapter = sd.get(`${det.prefix}adapter.linear1.weight`);
  return {
    kind,
    encoder: encoderConfig(cfg, { posEmbedTrainable: true }),
    globalPool: det.globalPool ?? true,
    numClasses: isFasKind(kind) ? 2 : (head?.shape[0] ?? 2),
    reduction: adapter ? cfg.embedDim / adapter.shape[0]! : 4,
    size: det.size,
  };
}

/** The spec of a detector whose size was resolved (and checked) against its checkpoint. */
export function detectorSpecOfSize(kind: DetectorKind, size: SizeConfig, globalPool: boolean): DetectorSpec {
  return {
    kind,
    encoder: encoderConfig(size, { posEmbedTrainable: true }),
    globalPool,
    numClasses: size.numClasses,
    reduction: size.adapterReduction,
    size: size.name,
  };
}

/** The state dict as the traced graph names it (FAS: the embedder alias dropped after checking it). */
export function detectorWeights(spec: DetectorSpec, sd: StateDict): StateDict {
  return isFasKind(spec.kind) ? prepareFasStateDict(sd) : sd;
}

/**
 * Traces the eval-mode scoring graph for a batch of normalised [N,3,H,W] images. An int8 graph reads quantized
 * weights (`*.weight_int8`, `*.weight_scale`; models/int8Weights.ts derives them) and is for inference only.
 */
export function traceDetector(
  g: Graph,
  spec: DetectorSpec,
  batch: number,
  precision: Precision = 'fp32',
  fused = false,
): DetectorTrace {
  const lowering = loweringFor(precision, fused);
  const s = Scope.root(g, { training: false, ...(lowering ? { inference: lowering } : {}) });
  const { imgSize } = spec.encoder;
  const images = g.input('images', 'float32', [batch, 3, imgSize, imgSize]);
  let logits: Tensor | null = null;
  let features: Tensor;
  // one case per model kind; the cases look alike because every model returns the same logits and features
  switch (spec.kind) {
    case 'finetune-vit': {
      const o = vitClassifier(s, images, {
        ...spec.encoder,
        numClasses: spec.numClasses,
        globalPool: spec.globalPool,
      });
      logits = o.logits;
      features = o.features;
      break;
    }
    case 'fs-adapter': {
      const o = fsAdapterVit(s, images, {
        ...spec.encoder,
        numClasses: spec.numClasses,
        reduction: spec.reduction,
      });
      logits = o.logits;
      features = o.features;
      break;
    }
    case 'fas': {
      const o = fasModel(s, images, spec.encoder);
      logits = o.logits;
      features = reshape(slice(o.tokens, 1, 0, 1), [batch, spec.encoder.dim]);
      break;
    }
    case 'fas-fs-adapter': {
      const o = fasAdapterModel(s, images, { ...spec.encoder, numClasses: 2, reduction: spec.reduction });
      logits = o.logits;
      features = o.features;
      break;
    }
    case 'encoder':
      features = fsvfmEncoder(s, images, spec.encoder);
      break;
  }
  const pFake = logits ? reshape(slice(softmax(logits, -1), 1, 0, 1), [batch]) : null;
  const params = s.registry.list();
  return { images, logits, pFake, features, paramNames: params.map((p) => p.name), params };
}
