// The skeleton every training command runs (MAE's main_* around engine_*'s train_one_epoch): after the task's set-up,
// epochs of trainOneEpoch → validate → save, with the one rule for stopping (abort signal, step budget) and for
// resuming inside an epoch, and for what a killed run leaves behind (reconcileOutputs.ts). The task supplies what
// differs: its steps, its validation and its files.
import { type RunOutputs, reconcileOutputs } from './reconcileOutputs.js';

export type StopReason = 'signal' | 'max_steps';

/** A place in the run: the step about to run in `epoch`. */
export interface RunPosition {
  epoch: number;
  step: number;
}

export interface TrainingTask<Validation> {
  epochs: number;
  /** where this run starts: a resumed run may start inside an epoch */
  start: RunPosition;
  stepsIn(epoch: number): number;
  /** a step budget: the run stops before the first step this returns true for */
  budgetReached?(at: RunPosition): boolean;
  /** before the first step of `epoch` this run takes (`firstStep` > 0 when resumed inside it) */
  beginEpoch?(epoch: number, firstStep: number): void | Promise<void>;
  trainStep(at: RunPosition): Promise<void>;
  validate(epoch: number): Promise<Validation>;
  save(epoch: number, validation: Validation): Promise<void>;
  /** the run stops before `at`: keep what resuming needs and say how to resume */
  saveStopped(at: RunPosition, reason: StopReason): Promise<void>;
  /** where the run writes; reconciled with what a killed run left there before the first step */
  outputs?: RunOutputs;
}

export interface RunEnd {
  stopped: StopReason | null;
  /** where the run stopped (after the last epoch: its end) */
  at: RunPosition;
}

export async function runTraining<V>(task: TrainingTask<V>, signal?: AbortSignal): Promise<RunEnd> {
  if (task.outputs) await reconcileOutputs(task.outputs, task.start);
  for (let epoch = task.start.epoch; epoch < task.epochs; epoch++) {
    const firstStep = epoch === task.start.epoch ? task.start.step : 0;
    const stopped = await trainOneEpoch(task, epoch, firstStep, signal);
    if (stopped) return stopped;
    await task.save(epoch, await task.validate(epoch));
  }
  return { stopped: null, at: { epoch: task.epochs, step: 0 } };
}

async function trainOneEpoch<V>(
  task: TrainingTask<V>,
  epoch: number,
  firstStep: number,
  signal: AbortSignal | undefined,
): Promise<RunEnd | null> {
  await task.beginEpoch?.(epoch, firstStep);
  const steps = task.stepsIn(epoch);
  for (let step = firstStep; step < steps; step++) {
    const at = { epoch, step };
    const reason: StopReason | null = signal?.aborted
      ? 'signal'
      : task.budgetReached?.(at)
        ? 'max_steps'
        : null;
    if (reason) {
      await task.saveStopped(at, reason);
      return { stopped: reason, at };
    }
    await task.trainStep(at);
  }
  return null;
}
