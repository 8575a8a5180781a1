// `fsvfm pretrain`: the FS-VFM pre-training run (SPEC §5.1–5.2), resumable bit for bit and interruptible between
// steps: set-up (pretrainSetup), then the shared epoch skeleton over what a pre-training epoch does (pretrainRun).
import { mkdirSync } from 'node:fs';
import { scanPretrainDataset } from '../../data/loaders/pretrainDataset.js';
import { LoaderPool } from '../../data/loaders/workerPool.js';
import type { RunHooks } from '../run/runHooks.js';
import { runTraining } from '../run/trainingRun.js';
import { ADAMW_PRETRAIN } from './pretrainGraph.js';
import { asInputError } from './pretrainInputError.js';
import { type PretrainOptions, pretrainSize, resolvePretrainOptions } from './pretrainOptions.js';
import { type PretrainEpoch, type PretrainProgress, PretrainRun } from './pretrainRun.js';
import { setUpPretrain } from './pretrainSetup.js';

export { ADAMW_PRETRAIN, type PretrainEpoch, type PretrainProgress };

export interface PretrainStart {
  totalIterations: number;
  startIteration: number;
  stepsPerEpoch: number;
}

export interface PretrainHooks extends RunHooks<PretrainStart, PretrainProgress, PretrainEpoch> {
  onStatsProgress?: (done: number, total: number) => void;
}

export interface PretrainResult {
  outputDir: string;
  /** stopped early (signal or --max_steps) with a resumable checkpoint */
  stopped: 'signal' | 'max_steps' | null;
  /** data iterations done in the whole run */
  iterations: number;
  epochsCompleted: number;
  skippedBatches: number;
  checkpoints: string[];
  statsComputed: boolean;
}

export async function runPretrain(
  options: PretrainOptions,
  hooks: PretrainHooks = {},
): Promise<PretrainResult> {
  const opts = resolvePretrainOptions(options);
  const log = hooks.onLog ?? (() => {});
  const { size, samples } = await asInputError(() => {
    if (!(opts.maskRatio > 0 && opts.maskRatio < 1))
      throw new Error(`--mask_ratio must be in (0, 1), got ${opts.maskRatio}`);
    if (!(opts.accumIter >= 1 && Number.isInteger(opts.accumIter)))
      throw new Error('--accum_iter must be a positive integer');
    return { size: pretrainSize(opts), samples: scanPretrainDataset(opts.data) };
  });
  mkdirSync(opts.outputDir, { recursive: true });
  const pool = new LoaderPool(opts.workers);
  try {
    const setup = await setUpPretrain(opts, size, samples, pool, {
      log,
      ...(hooks.onStatsProgress ? { onStatsProgress: hooks.onStatsProgress } : {}),
    });
    const run = await PretrainRun.create(opts, setup, size, samples, {
      log,
      ...(hooks.onStep ? { onStep: hooks.onStep } : {}),
      ...(hooks.onEpoch ? { onEpoch: hooks.onEpoch } : {}),
    });
    const len = run.stepsPerEpoch;
    hooks.onStart?.({
      totalIterations: run.totalIterations,
      startIteration: run.start.epoch * len + run.start.step,
      stepsPerEpoch: len,
    });
    const end = await runTraining(run, hooks.signal);
    return {
      outputDir: opts.outputDir,
      stopped: end.stopped,
      iterations: end.stopped ? end.at.epoch * len + end.at.step : run.totalIterations,
      epochsCompleted: end.stopped ? end.at.epoch : opts.epochs,
      skippedBatches: run.skippedBatches,
      checkpoints: run.checkpoints,
      statsComputed: setup.statsComputed,
    };
  } finally {
    await pool.close();
  }
}
