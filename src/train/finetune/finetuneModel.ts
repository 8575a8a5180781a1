// The fine-tuning graphs (SPEC §1.6, §1.8, §4.6): the train-mode loss — soft-target CE on mixed images, plus
// weight_cl · real-anchor loss on the pre-mixup labels for the FS-Adapter — and the same model as the eval-mode
// detector used for validation. Both declare the same parameters (official key names).
import { add, Graph, mulScalar, softCrossEntropy, type Tensor } from '../../graph/index.js';
import type { DetectorSpec } from '../../models/detectorGraph.js';
import { fsAdapterVit, isFsAdapterTrainable } from '../../models/fsAdapter.js';
import { vitClassifier } from '../../models/vitClassifier.js';
import { Scope } from '../../nn/scope.js';
import type { EncoderConfig } from '../../nn/vit.js';
import { realAnchorConLoss } from '../losses/index.js';

export type TrainableModules = 'all' | 'fs-adapter';

export interface FinetuneModelSpec {
  encoder: EncoderConfig;
  numClasses: number;
  trainable: TrainableModules;
  adapterReduction: number;
  /** FS-Adapter only */
  realIndex: number | null;
  weightCl: number;
  temperature: number;
}

export interface TrainGraph {
  scope: Scope;
  loss: Tensor;
  metrics: Record<string, Tensor>;
  isTrainable: (name: string) => boolean;
}

function logitsOf(s: Scope, images: Tensor, m: FinetuneModelSpec): { logits: Tensor; proj?: Tensor } {
  if (m.trainable === 'fs-adapter') {
    const out = fsAdapterVit(s, images, {
      ...m.encoder,
      numClasses: m.numClasses,
      reduction: m.adapterReduction,
    });
    return { logits: out.logits, proj: out.projNormalized };
  }
  return {
    logits: vitClassifier(s, images, { ...m.encoder, numClasses: m.numClasses, globalPool: true }).logits,
  };
}

/**
 * Inputs: `images` [B,3,S,S], `targets` [B,C] soft targets, `labels` [B] int64 pre-mixup labels (FS-Adapter).
 * `lossScale` = 1/accum_iter (the official `loss /= accum_iter`).
 */
export function buildTrainGraph(m: FinetuneModelSpec, batch: number, lossScale = 1): TrainGraph {
  const g = new Graph();
  const s = Scope.root(g, { training: true });
  const size = m.encoder.imgSize;
  const images = g.input('images', 'float32', [batch, 3, size, size]);
  const targets = g.input('targets', 'float32', [batch, m.numClasses]);
  const { logits, proj } = logitsOf(s, images, m);
  const cls = softCrossEntropy(logits, targets);
  let loss = cls;
  const metrics: Record<string, Tensor> = {};
  if (proj) {
    if (m.realIndex === null) throw new Error('the FS-Adapter real-anchor loss needs a real class');
    const labels = g.input('labels', 'int64', [batch]);
    const con = realAnchorConLoss(proj, labels, { realClass: m.realIndex, temperature: m.temperature });
    loss = add(cls, mulScalar(con, m.weightCl));
    metrics.loss_cls = cls;
    metrics.loss_con = con;
  }
  const isTrainable =
    m.trainable === 'fs-adapter'
      ? isFsAdapterTrainable
      : (n: string) => s.registry.specs.get(n)?.trainable ?? false;
  return {
    scope: s,
    loss: lossScale === 1 ? loss : mulScalar(loss, lossScale),
    metrics: { ...metrics, ...(lossScale === 1 ? {} : { loss_unscaled: loss }) },
    isTrainable,
  };
}

/** The same model as an eval-mode detector (drop path off), for validation through the shared detector runner. */
export function validationDetectorSpec(m: FinetuneModelSpec, sizeName: string): DetectorSpec {
  return {
    kind: m.trainable === 'fs-adapter' ? 'fs-adapter' : 'finetune-vit',
    encoder: { ...m.encoder, dropPath: 0 },
    globalPool: true,
    numClasses: m.numClasses,
    reduction: m.adapterReduction,
    size: sizeName,
  };
}
