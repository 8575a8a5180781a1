// One data iteration with the official numerics rules (SPEC §4.4, §9 #9): a non-finite contrastive loss skips the
// batch — no optimizer step, no EMA, and the gradients accumulated in the window are dropped (`zero_grad`); a
// non-finite total loss aborts the run.

import type { LoadedBatch } from '../../data/loaders/loaderJobs.js';
import type { HostTensor } from '../../graph/index.js';
import { maskIndices } from '../../models/maskIndices.js';
import type { GraphTrainer, StepHyper } from '../graphTrainer.js';

export class NonFiniteLossError extends Error {
  constructor(readonly metrics: Record<string, number>) {
    super(
      `the total pre-training loss is not finite (${JSON.stringify(metrics)}): training stopped. Lower the learning rate (--blr), check the data, or resume from the last checkpoint`,
    );
    this.name = 'NonFiniteLossError';
  }
}

export type StepOutcome =
  | { kind: 'ok'; metrics: Record<string, number>; applied: boolean }
  | { kind: 'skipped'; metrics: Record<string, number> };

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

export async function pretrainStep(
  trainer: GraphTrainer,
  feeds: Record<string, HostTensor>,
  hp: StepHyper,
  accumIter: number,
): Promise<StepOutcome> {
  // host placement decides before anything is updated; graph placement updates inside the graph, so its values
  // are snapshotted and put back when the batch must not count
  const before = trainer.placement === 'graph' ? trainer.snapshot() : null;
  const r = await trainer.step(feeds, hp, {
    skipIf: ({ metrics }) => {
      const v = lossVerdict(metrics);
      if (v === 'abort') throw new NonFiniteLossError(metrics);
      return v === 'skip';
    },
  });
  if (r.skipped) return { kind: 'skipped', metrics: r.metrics };
  if (before) {
    const v = lossVerdict(r.metrics);
    if (v !== 'ok') trainer.restore(before);
    if (v === 'abort') throw new NonFiniteLossError(r.metrics);
    if (v === 'skip') {
      // the window position still advances with the data iteration; its gradients are gone
      trainer.setAccumulation({ count: (before.accumulation.count + 1) % accumIter, buffers: null });
      return { kind: 'skipped', metrics: r.metrics };
    }
  }
  return { kind: 'ok', metrics: r.metrics, applied: r.applied };
}
