// One data iteration with the official numerics rules (SPEC §4.4, §9 #9): a non-finite contrastive loss skips the
// batch — no optimizer step, no EMA, and the gradients accumulated in the window are dropped (`zero_grad`); a
// non-finite total loss aborts the run.

import type { LoadedBatch } from '../../data/loaders/loaderJobs.js';
import type { HostTensor } from '../../graph/index.js';
import { maskIndices } from '../../models/maskIndices.js';
import type { GraphTrainer, StepHyper } from '../graphTrainer.js';
import { type LossRule, type StepOutcome, stepUnderLossRule } from '../run/lossRule.js';

export class NonFiniteLossError extends Error {
  constructor(readonly metrics: Record<string, number>) {
    super(
      `the total pre-training loss is not finite (${JSON.stringify(metrics)}): training stopped. Lower the learning rate (--blr), check the data, or resume from the last checkpoint`,
    );
    this.name = 'NonFiniteLossError';
  }
}

/** Graph feeds of a loaded batch (mask index tables computed here, on the main thread). */
export function batchFeeds(
  b: LoadedBatch,
  imgSize: number,
  numPatches: number,
  nKeep: number,
): Record<string, HostTensor> {
  const B = b.batchSize;
  const idx = maskIndices(b.masks, B, numPatches, nKeep);
  return {
    images: { dtype: 'float32', shape: [B, 3, imgSize, imgSize], data: b.images },
    mask: { dtype: 'float32', shape: [B, numPatches], data: Float32Array.from(b.masks) },
    sfr: { dtype: 'float32', shape: [B, numPatches], data: Float32Array.from(b.sfr) },
    idsKeep: { dtype: 'int64', shape: [B, nKeep], data: idx.idsKeep },
    idsRestore: { dtype: 'int64', shape: [B, numPatches], data: idx.idsRestore },
  };
}

/** The official decision on one iteration's losses: go on, skip the batch, or abort the run. */
export function lossVerdict(metrics: Record<string, number>): 'ok' | 'skip' | 'abort' {
  if (!Number.isFinite(metrics.loss_cl)) return 'skip';
  if (!Number.isFinite(metrics.total)) return 'abort';
  return 'ok';
}

/** The official pre-training rule: a non-finite contrastive loss skips the batch, a non-finite total aborts. */
export const PRETRAIN_LOSS_RULE: LossRule = {
  verdict: ({ metrics }) => lossVerdict(metrics),
  abortError: ({ metrics }) => new NonFiniteLossError(metrics),
  skippedWindow: 'advance',
};

export function pretrainStep(
  trainer: GraphTrainer,
  feeds: Record<string, HostTensor>,
  hp: StepHyper,
): Promise<StepOutcome> {
  return stepUnderLossRule(trainer, feeds, hp, PRETRAIN_LOSS_RULE);
}
