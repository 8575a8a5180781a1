// fas_model_fix (SPEC §1.7, cross_domain_FAS/fas.py): the SSDG/FLIP-style FAS model — backbone.vit, embedder,
// normalised classifier — and its FS-Adapter variant (SPEC §1.8 end), with every quirk needed to reuse the
// released FAS checkpoints (SPEC §9 #16).
import {
  add,
  concat,
  div,
  dropout,
  linear as linearOp,
  maximum,
  mul,
  mulScalar,
  reduceSum,
  relu,
  reshape,
  scalarLike,
  slice,
  sqrt,
  stopGradient,
  sub,
  type Tensor,
} from '../graph/index.js';
import { type Initializer, normal, zeros } from '../nn/init.js';
import { layerNorm } from '../nn/layerNorm.js';
import { linear } from '../nn/linear.js';
import type { Scope } from '../nn/scope.js';
import type { StateDict } from '../nn/stateDict.js';
import { type EncoderConfig, meanPatchTokens, vitEncoder } from '../nn/vit.js';
import { type FsAdapterConfig, fsAdapterBranch, globalPoolFeatures } from './fsAdapter.js';

/** Width of the SSDG embedder. */
export const FAS_EMBED_DIM = 512;
const DROPOUT = 0.5;

export interface FasOutputs {
  /** backbone output [B, T, D]: token 0 = fc_norm(mean patch tokens), tokens 1.. = un-normalised block outputs */
  tokens: Tensor;
  /** embedder output after the SSDG normalisation [B, T, 512] */
  embedding: Tensor;
  /** classifier output for every token [B, T, 2] */
  clsOut: Tensor;
  /** token-0 logits [B, 2] */
  logits: Tensor;
}

/** The FAS ViT's forward_features: the whole sequence with token 0 replaced by the pooled, fc_norm-ed feature. */
export function fasBackboneTokens(s: Scope, images: Tensor, cfg: EncoderConfig): Tensor {
  const x = vitEncoder(s, images, cfg);
  const [b, , d] = x.shape as [number, number, number];
  const pooled = layerNorm(s.child('fc_norm'), meanPatchTokens(x), cfg.eps);
  return concat([reshape(pooled, [b, 1, d]), slice(x, 1, 1)], 1);
}

/**
 * x / (sqrt(clamp(‖x‖₂, 1e-12)) · √2) with the norm over `axis` — axis 1 is the token axis for the [B,T,512] FAS
 * tensor (2-D SSDG code applied to 3-D features) and the feature axis for the 2-D FS-Adapter variant.
 * The clamp is written as sqrt(max(Σx², 1e-24)): the same value, and a finite gradient for an all-zero slice.
 */
export function ssdgNormalize(x: Tensor, axis: number): Tensor {
  const sumSq = reduceSum(mul(x, x), axis, true);
  const norm = sqrt(maximum(sumSq, scalarLike(sumSq, 1e-24)));
  return div(x, mulScalar(sqrt(norm), Math.SQRT2));
}

/**
 * embedder: Linear(in, 512) (weight N(0, 0.005), bias 0.1) → ReLU → Dropout(0.5) → SSDG normalisation over axis 1.
 * The Linear is `bottleneck_layer_fc`; the checkpoint also stores it as `bottleneck_layer.0` (see prepareFasStateDict).
 */
export function fasEmbedder(s: Scope, x: Tensor, inDim: number): Tensor {
  const init: { weight: Initializer; bias: Initializer } = {
    weight: normal(0.005),
    bias: { kind: 'constant', value: 0.1 },
  };
  let h = relu(linear(s.child('bottleneck_layer_fc'), x, inDim, FAS_EMBED_DIM, { init }));
  if (s.training) h = dropout(h, s.randomInput('bottleneck_layer.2', h.shape, 1 - DROPOUT), DROPOUT);
  return ssdgNormalize(h, 1);
}

/** Column-wise L2 normalisation of W [out, in] (each W[:, j] over the outputs), as fas.py's l2_norm(axis=0). */
function normalizeColumns(w: Tensor): Tensor {
  const sumSq = reduceSum(mul(w, w), 0, true);
  return div(w, sqrt(maximum(sumSq, scalarLike(sumSq, 1e-24))));
}

/**
 * classifier: Linear(512, 2) (weight N(0, 0.01), bias 0) whose weight the official code overwrites in place with
 * its column-normalised value before every forward. In the graph: the normalised value forward, the gradient
 * straight to the stored weight (as the in-place `.data` assignment does). Trainers keep the stored weight
 * normalised with `normalizeFasClassifier` after each update, as the next official forward would.
 */
export function fasClassifier(s: Scope, x: Tensor): Tensor {
  const c = s.child('classifier_layer');
  const w = c.param('weight', [2, FAS_EMBED_DIM], normal(0.01));
  const b = c.param('bias', [2], zeros);
  const wn = add(w, stopGradient(sub(normalizeColumns(w), w)));
  return linearOp(x, wn, b);
}

/** fas_model_fix.forward(x, norm_flag=True), with keys backbone.vit.*, embedder.*, classifier.*. */
export function fasModel(s: Scope, images: Tensor, cfg: EncoderConfig): FasOutputs {
  const tokens = fasBackboneTokens(s.child('backbone').child('vit'), images, cfg);
  const embedding = fasEmbedder(s.child('embedder'), tokens, cfg.dim);
  const clsOut = fasClassifier(s.child('classifier'), embedding);
  const [b, , c] = clsOut.shape as [number, number, number];
  return { tokens, embedding, clsOut, logits: reshape(slice(clsOut, 1, 0, 1), [b, c]) };
}

export interface FasAdapterOutputs {
  /** concat(f, a) [B, 2D] */
  features: Tensor;
  /** embedder output [B, 512] */
  embedding: Tensor;
  /** [B, 2] */
  logits: Tensor;
  /** normalize(projector(b)) [B, D/r] for the real-anchor loss */
  projNormalized: Tensor;
}

/** The FS-Adapter FAS model: pooled FS-Adapter features (all tensors 2-D), the same embedder and classifier. */
export function fasAdapterModel(s: Scope, images: Tensor, cfg: FsAdapterConfig): FasAdapterOutputs {
  const vit = s.child('backbone').child('vit');
  const f = globalPoolFeatures(vit, images, cfg);
  const branch = fsAdapterBranch(vit, f, cfg.dim, cfg.reduction);
  const features = concat([f, branch.adapterOut], 1);
  const embedding = fasEmbedder(s.child('embedder'), features, 2 * cfg.dim);
  const logits = fasClassifier(s.child('classifier'), embedding);
  return { features, embedding, logits, projNormalized: branch.projNormalized };
}

/**
 * Freezing of the FS-Adapter FAS model: inside backbone.vit only adapter/projector train (vit.head and
 * vit.fc_norm stay frozen, vit.head is unused); embedder and classifier train.
 */
export function isFasAdapterTrainable(name: string): boolean {
  if (!name.startsWith('backbone.vit.')) return true;
  return /adapter|projector/.test(name);
}

const ALIAS_PREFIX = 'embedder.bottleneck_layer.0.';
const FC_PREFIX = 'embedder.bottleneck_layer_fc.';

/**
 * A loaded FAS state dict ready for the graph: the `embedder.bottleneck_layer.0.*` alias must equal
 * `embedder.bottleneck_layer_fc.*` (one storage in the official file) and is dropped. Throws when they differ.
 */
export function prepareFasStateDict(sd: StateDict): StateDict {
  const out: StateDict = new Map();
  for (const [name, t] of sd) {
    if (!name.startsWith(ALIAS_PREFIX)) {
      out.set(name, t);
      continue;
    }
    const twin = sd.get(FC_PREFIX + name.slice(ALIAS_PREFIX.length));
    if (!twin) throw new Error(`FAS checkpoint has '${name}' without its twin '${FC_PREFIX}…'`);
    if (twin.data.length !== t.data.length || twin.data.some((v, i) => !Object.is(v, t.data[i])))
      throw new Error(
        `FAS checkpoint: '${name}' differs from its alias '${FC_PREFIX}…' (they must be one tensor)`,
      );
  }
  return out;
}

/** The state dict as fas_model_fix saves it: the embedder Linear under both of its names. */
export function withFasAliases(sd: StateDict): StateDict {
  const out: StateDict = new Map(sd);
  for (const [name, t] of sd) {
    if (name.startsWith(FC_PREFIX)) out.set(ALIAS_PREFIX + name.slice(FC_PREFIX.length), t);
  }
  return out;
}

/** In-place column normalisation of `classifier.classifier_layer.weight` [2, 512], what each official forward does. */
export function normalizeFasClassifier(sd: StateDict, key = 'classifier.classifier_layer.weight'): void {
  const w = sd.get(key);
  if (!w) throw new Error(`state dict has no '${key}'`);
  const [rows, cols] = w.shape as [number, number];
  for (let j = 0; j < cols; j++) {
    let ss = 0;
    for (let i = 0; i < rows; i++) ss += w.data[i * cols + j]! ** 2;
    const n = Math.sqrt(ss);
    if (n > 0) for (let i = 0; i < rows; i++) w.data[i * cols + j] = w.data[i * cols + j]! / n;
  }
}

/** L2 norm of every column of a [rows, cols] matrix (the FAS classifier check of SPEC §10.3 item 5). */
export function columnNorms(data: Float32Array, rows: number, cols: number): number[] {
  return Array.from({ length: cols }, (_, j) => {
    let ss = 0;
    for (let i = 0; i < rows; i++) ss += data[i * cols + j]! ** 2;
    return Math.sqrt(ss);
  });
}
