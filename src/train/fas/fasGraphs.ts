// The FAS training graph and its eval-mode detector: CE on token-0 logits (+ weight_cl · real-anchor loss for the FS-Adapter),
// plus 0.5 · wd · Σp² over the trainable parameters, which is Adam's L2-coupled weight decay (g + wd·p).
import { add, crossEntropy, Graph, mul, mulScalar, reduceSum, type Tensor } from '../../graph/index.js';
import type { DetectorSpec } from '../../models/detectorGraph.js';
import { fasAdapterModel, fasModel, isFasAdapterTrainable } from '../../models/fasModel.js';
import { Scope } from '../../nn/scope.js';
import type { EncoderConfig } from '../../nn/vit.js';
import { realAnchorConLoss } from '../losses/index.js';
import type { ResolvedFasOptions } from './fasOptions.js';

export interface FasModelConfig {
  encoder: EncoderConfig;
  adapterReduction: number;
}

export interface FasTrainGraph {
  scope: Scope;
  loss: Tensor;
  metrics: Record<string, Tensor>;
  isTrainable: (name: string) => boolean;
}

function l2Penalty(s: Scope, trainable: (n: string) => boolean): Tensor | null {
  let total: Tensor | null = null;
  for (const spec of s.registry.list()) {
    if (!trainable(spec.name)) continue;
    const p = s.graph.get(spec.name)!;
    const sq = reduceSum(mul(p, p));
    total = total ? add(total, sq) : sq;
  }
  return total;
}

function logitsOf(s: Scope, images: Tensor, m: FasModelConfig, adapter: boolean) {
  return adapter
    ? fasAdapterModel(s, images, { ...m.encoder, numClasses: 2, reduction: m.adapterReduction })
    : { ...fasModel(s, images, m.encoder), projNormalized: null };
}

export function buildFasTrainGraph(r: ResolvedFasOptions, m: FasModelConfig, batch: number): FasTrainGraph {
  const adapter = r.trainable === 'fs-adapter';
  const S = m.encoder.imgSize;
  const g = new Graph();
  const s = Scope.root(g, { training: true });
  const images = g.input('images', 'float32', [batch, 3, S, S]);
  const labels = g.input('labels', 'int64', [batch]);
  const out = logitsOf(s, images, m, adapter);
  let loss = crossEntropy(out.logits, labels);
  const metrics: Record<string, Tensor> = {};
  if (out.projNormalized) {
    const con = realAnchorConLoss(out.projNormalized, labels, { realClass: 1, temperature: r.temperature });
    metrics.loss_ce = loss;
    metrics.loss_con = con;
    loss = add(loss, mulScalar(con, r.weightCl));
  }
  const isTrainable = adapter ? isFasAdapterTrainable : () => true;
  const penalty = r.weightDecay > 0 ? l2Penalty(s, isTrainable) : null;
  if (penalty) {
    metrics.loss_task = loss;
    loss = add(loss, mulScalar(penalty, 0.5 * r.weightDecay));
  }
  return { scope: s, loss, metrics, isTrainable };
}

/** The same model as an eval-mode detector, for the evaluations of a run through the shared detector runner. */
export function fasValidationSpec(r: ResolvedFasOptions, m: FasModelConfig): DetectorSpec {
  return {
    kind: r.trainable === 'fs-adapter' ? 'fas-fs-adapter' : 'fas',
    encoder: m.encoder,
    globalPool: true,
    numClasses: 2,
    reduction: m.adapterReduction,
    size: r.model ?? 'custom',
  };
}
