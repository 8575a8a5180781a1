// models_vit_fs_adapter.VisionTransformer (SPEC §1.8): a frozen global-pool ViT with the FS-Adapter side branch
// on its pooled feature, a projector for the real-anchor contrastive loss, and a head on concat(f, a).
import { concat, l2Normalize, relu, type Tensor } from '../graph/index.js';
import { torchDefault, truncNormal } from '../nn/init.js';
import { layerNorm } from '../nn/layerNorm.js';
import { linear } from '../nn/linear.js';
import type { Scope } from '../nn/scope.js';
import { type EncoderConfig, meanPatchTokens, vitEncoder } from '../nn/vit.js';

export interface FsAdapterConfig extends EncoderConfig {
  numClasses: number;
  /** bottleneck width = D / reduction (--adapter_reduction, 4 in every script) */
  reduction: number;
}

export interface FsAdapterBranch {
  /** b = relu(adapter.linear1(f)) [B, D/r] */
  bottleneck: Tensor;
  /** a = relu(adapter.linear2(b)) [B, D] */
  adapterOut: Tensor;
  /** normalize(projector(b)) [B, D/r]: the input of the real-anchor loss */
  projNormalized: Tensor;
}

export interface FsAdapterOutputs extends FsAdapterBranch {
  /** f = fc_norm(mean of patch tokens) [B, D] (fc_norm frozen at its identity init) */
  features: Tensor;
  /** head(concat(f, a)) [B, numClasses] */
  logits: Tensor;
}

/** The bottleneck width D / r, which must be a whole number. */
export function bottleneckWidth(dim: number, reduction: number): number {
  const w = dim / reduction;
  if (!Number.isInteger(w))
    throw new Error(`adapter reduction ${reduction} does not divide the width ${dim}`);
  return w;
}

/** forward_features with global pooling: fc_norm(mean of patch tokens 1..L). */
export function globalPoolFeatures(s: Scope, images: Tensor, cfg: EncoderConfig): Tensor {
  return layerNorm(s.child('fc_norm'), meanPatchTokens(vitEncoder(s, images, cfg)), cfg.eps);
}

/** `adapter.linear1/2` (no bias) and `projector` (with bias) on a pooled feature, PyTorch default init. */
export function fsAdapterBranch(s: Scope, features: Tensor, dim: number, reduction: number): FsAdapterBranch {
  const w = bottleneckWidth(dim, reduction);
  const a = s.child('adapter');
  const bottleneck = relu(linear(a.child('linear1'), features, dim, w, { bias: false, init: 'torch' }));
  const adapterOut = relu(linear(a.child('linear2'), bottleneck, w, dim, { bias: false, init: 'torch' }));
  const proj = linear(s.child('projector'), bottleneck, w, w, { init: 'torch' });
  return { bottleneck, adapterOut, projNormalized: l2Normalize(proj, -1) };
}

export function fsAdapterVit(s: Scope, images: Tensor, cfg: FsAdapterConfig): FsAdapterOutputs {
  const features = globalPoolFeatures(s, images, cfg);
  const branch = fsAdapterBranch(s, features, cfg.dim, cfg.reduction);
  // the head is a fresh Linear(2D, C) whose weight alone is redrawn: the bias keeps PyTorch's uniform init (§9 #15)
  const logits = linear(
    s.child('head'),
    concat([features, branch.adapterOut], 1),
    2 * cfg.dim,
    cfg.numClasses,
    {
      init: { weight: truncNormal(2e-5), bias: torchDefault(2 * cfg.dim) },
    },
  );
  return { features, ...branch, logits };
}

/**
 * The official freezing rule (`--trainable_modules fs-adapter`): a parameter trains iff its name contains
 * `adapter`, `projector` or `head`, so the whole ViT and fc_norm stay frozen.
 */
export function isFsAdapterTrainable(name: string): boolean {
  return /adapter|projector|head/.test(name);
}

/** Keys an FS-Adapter model expects to be missing when it is loaded from a pre-training checkpoint (SPEC §2.5). */
export const FS_ADAPTER_MISSING_FROM_PRETRAIN: readonly string[] = [
  'head.weight',
  'head.bias',
  'fc_norm.weight',
  'fc_norm.bias',
  'adapter.linear1.weight',
  'adapter.linear2.weight',
  'projector.weight',
  'projector.bias',
];
