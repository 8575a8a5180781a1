// The resume checkpoint of `fsvfm fas` (`checkpoint-last.pth`, beside the official best-by-HTER checkpoints): the
// fine-tuning resume layout (weights, Adam state, generator state) plus what a FAS protocol adds: the run it is in,
// the balanced sampler's position, the evaluations so far and the summaries of the protocol's earlier runs.
import type { RngState } from '../../data/random/seededRng.js';
import type { StateDict } from '../../nn/stateDict.js';
import { loadFinetuneResume, saveFinetuneCheckpoint } from '../finetune/finetuneCheckpoint.js';
import type { TrainerState } from '../graphTrainer.js';
import { DEFAULT_ADAMW } from '../optim/adamw.js';
import type { RunPosition } from '../run/trainingRun.js';
import type { SamplerState } from './balancedSampler.js';
import type { FasEvaluation, FasRunSummary } from './fasTypes.js';

export const FAS_RESUME_CHECKPOINT = 'checkpoint-last.pth';

const FORMAT = 'fsvfm.fas-resume/1';

/** What a FAS run needs to continue exactly, besides its weights and optimizer state. */
interface FasTaskState {
  format: typeof FORMAT;
  run: number;
  sampler: SamplerState;
  best: FasEvaluation | null;
  last: FasEvaluation | null;
  checkpoint: string | null;
  earlier: FasRunSummary[];
}

export interface FasResume {
  run: number;
  /** where the run continues: an evaluation period (the skeleton's epoch) and the step in it */
  start: RunPosition;
  params: StateDict;
  slots: StateDict;
  step: number;
  rngState: RngState;
  sampler: SamplerState;
  best: FasEvaluation | null;
  last: FasEvaluation | null;
  checkpoint: string | null;
  earlier: FasRunSummary[];
}

export interface SaveFasResume extends Omit<FasResume, 'slots' | 'step' | 'earlier'> {
  trainer: Pick<TrainerState, 'slots' | 'step'>;
  trainableNames: string[];
  lr: number;
  args: Record<string, string | number | boolean | null>;
  earlier: readonly FasRunSummary[];
}

/** Writes the resume checkpoint atomically; returns its path. */
export async function saveFasResume(path: string, s: SaveFasResume): Promise<string> {
  const task: FasTaskState = {
    format: FORMAT,
    run: s.run,
    sampler: s.sampler,
    best: s.best,
    last: s.last,
    checkpoint: s.checkpoint,
    earlier: [...s.earlier],
  };
  await saveFinetuneCheckpoint({
    path,
    params: s.params,
    trainer: s.trainer,
    groups: [{ name: 'all', lrScale: 1, weightDecay: 0, params: s.trainableNames }],
    lr: s.lr,
    adamw: DEFAULT_ADAMW,
    // the official field and the resume position agree: the evaluation period the run continues in
    epoch: s.start.epoch,
    args: s.args,
    resume: {
      epoch: s.start.epoch,
      stepInEpoch: s.start.step,
      rngState: JSON.stringify(s.rngState),
      bestValLoss: Number.POSITIVE_INFINITY,
      paramNames: s.trainableNames,
      taskState: JSON.stringify(task),
    },
  });
  return path;
}

/** Reads a checkpoint written by `saveFasResume`; anything else is refused with the reason. */
export async function loadFasResume(path: string): Promise<FasResume> {
  const res = await loadFinetuneResume(path, []);
  let task: FasTaskState | null = null;
  try {
    task = res.taskState ? (JSON.parse(res.taskState) as FasTaskState) : null;
  } catch {
    task = null;
  }
  if (!task || task.format !== FORMAT || !res.rngState)
    throw new Error(`${path} is not a FAS resume checkpoint (fsvfm fas writes ${FAS_RESUME_CHECKPOINT})`);
  return {
    run: task.run,
    start: { epoch: res.epoch, step: res.stepInEpoch ?? 0 },
    params: res.params,
    slots: res.slots,
    step: res.step,
    rngState: JSON.parse(res.rngState) as RngState,
    sampler: task.sampler,
    best: task.best,
    last: task.last,
    checkpoint: task.checkpoint,
    earlier: task.earlier,
  };
}
