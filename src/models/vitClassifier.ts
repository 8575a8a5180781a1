// models_vit.VisionTransformer: the DfD/DiFF detector (SPEC §1.6): global pool + fc_norm (or CLS + norm) + head.
import { reshape, slice, type Tensor } from '../graph/index.js';
import { truncNormal, zeros } from '../nn/init.js';
import { layerNorm } from '../nn/layerNorm.js';
import { linear } from '../nn/linear.js';
import type { Scope } from '../nn/scope.js';
import { type EncoderConfig, meanPatchTokens, vitEncoder } from '../nn/vit.js';

export interface ClassifierConfig extends EncoderConfig {
  numClasses: number;
  /** true: fc_norm(mean of patch tokens); false: norm(x)[:, 0] */
  globalPool: boolean;
}

export interface ClassifierOutputs {
  features: Tensor;
  logits: Tensor;
}

/** The pooled feature of the classifier (forward_features). */
export function classifierFeatures(s: Scope, images: Tensor, cfg: ClassifierConfig): Tensor {
  const x = vitEncoder(s, images, cfg);
  if (cfg.globalPool) return layerNorm(s.child('fc_norm'), meanPatchTokens(x), cfg.eps);
  const normed = layerNorm(s.child('norm'), x, cfg.eps);
  return reshape(slice(normed, 1, 0, 1), [x.shape[0]!, cfg.dim]);
}

export function vitClassifier(s: Scope, images: Tensor, cfg: ClassifierConfig): ClassifierOutputs {
  const features = classifierFeatures(s, images, cfg);
  const logits = linear(s.child('head'), features, cfg.dim, cfg.numClasses, {
    init: { weight: truncNormal(2e-5), bias: zeros },
  });
  return { features, logits };
}
