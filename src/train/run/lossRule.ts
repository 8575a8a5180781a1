// What a non-finite loss does to a training step, for every task in one place: go on, skip the batch (no update, no
// EMA, the window's accumulated gradients dropped) or abort the run. Host placement decides before anything is
// updated; graph placement updates inside the graph, so its values are snapshotted and put back when the batch must
// not count.
import type { HostTensor } from '../../graph/index.js';
import type { GraphTrainer, StepHyper } from '../graphTrainer.js';

export type LossVerdict = 'ok' | 'skip' | 'abort';

export interface StepLosses {
  loss: number;
  metrics: Record<string, number>;
}

export interface LossRule {
  verdict(r: StepLosses): LossVerdict;
  /** the error an aborted run throws */
  abortError(r: StepLosses): Error;
  /**
   * where a skipped batch leaves the accumulation window: 'advance' (pre-training: the window position moves with
   * the data iteration, SPEC §4.4) or 'restart' (fine-tuning: the next batch opens a new window)
   */
  skippedWindow: 'advance' | 'restart';
}

export type StepOutcome =
  | { kind: 'ok'; loss: number; metrics: Record<string, number>; applied: boolean }
  | { kind: 'skipped'; loss: number; metrics: Record<string, number> };

/** One `trainer.step` under `rule`. */
export async function stepUnderLossRule(
  trainer: GraphTrainer,
  feeds: Record<string, HostTensor>,
  hp: StepHyper,
  rule: LossRule,
): Promise<StepOutcome> {
  const before = trainer.placement === 'graph' ? trainer.snapshot() : null;
  const r = await trainer.step(feeds, hp, {
    skipIf: (losses) => {
      const v = rule.verdict(losses);
      if (v === 'abort') throw rule.abortError(losses);
      return v === 'skip';
    },
  });
  let skipped = r.skipped === true;
  if (before && !skipped) {
    const v = rule.verdict(r);
    if (v !== 'ok') trainer.restore(before);
    if (v === 'abort') throw rule.abortError(r);
    if (v === 'skip') {
      skipped = true;
      const count = (before.accumulation.count + 1) % trainer.accumSteps;
      trainer.setAccumulation({ count, buffers: null });
    }
  }
  if (!skipped) return { kind: 'ok', loss: r.loss, metrics: r.metrics, applied: r.applied };
  if (rule.skippedWindow === 'restart') trainer.discardAccumulated();
  return { kind: 'skipped', loss: r.loss, metrics: r.metrics };
}
