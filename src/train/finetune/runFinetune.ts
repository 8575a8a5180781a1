// `fsvfm finetune`: DfD / DiFF transfer from a pre-trained encoder (SPEC §5.3 full fine-tuning, §5.4 FS-Adapter):
// official load rules, layer-wise lr decay + weight-decay groups, warm-up + cosine per iteration, drop path,
// Mixup/CutMix with smoothed soft targets, the real-anchor loss on pre-mixup labels (FS-Adapter), model selection by
// validation CE, official checkpoints with their normalisation statistics, JSON-lines log, resumable and
// interruptible between steps. Set-up in finetuneSetup, the epoch in finetuneRun, the loop in the shared skeleton.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedNormStats } from '../../io/normStats.js';
import { recipeLines } from '../recipeReport.js';
import { runTraining } from '../run/trainingRun.js';
import { type FinetuneOptions, resolveFinetuneOptions } from './finetuneOptions.js';
import { BEST_CHECKPOINT, type FinetuneCallbacks, FinetuneRun } from './finetuneRun.js';
import { setUpFinetune } from './finetuneSetup.js';

export interface FinetuneResult {
  outputDir: string;
  /** checkpoint-min_val_loss.pth (or null when interrupted before the first epoch ended) */
  best: string | null;
  last: string | null;
  interrupted: boolean;
  epochsDone: number;
  bestValLoss: number;
  trainableParameters: number;
  /** the values every frozen tensor had at load (for checks) is not kept; these are the names */
  frozen: string[];
  log: string;
  norm: ResolvedNormStats;
}

/** Fine-tunes and writes checkpoints / logs into `outputDir`. */
export async function finetune(o: FinetuneOptions, cb: FinetuneCallbacks = {}): Promise<FinetuneResult> {
  const r = resolveFinetuneOptions(o);
  const setup = await setUpFinetune(r, (line) => cb.onLog?.(line));
  // what this run trains with (also in every checkpoint's args), once the data and checkpoint are known to fit: bad
  // input stays a one-line error
  for (const line of recipeLines(r.appliedRecipe)) cb.onLog?.(line);
  cb.onStart?.({
    stepsPerEpoch: setup.stepsPerEpoch,
    startEpoch: setup.start.epoch,
    startStep: setup.start.step,
    epochs: r.epochs,
    // online SBI: the real faces and as many fresh fakes per epoch
    trainImages: setup.onlineSbi ? 2 * setup.onlineSbi.faces.length : setup.data.train.length,
    valImages: setup.data.val?.length ?? 0,
  });
  const run = new FinetuneRun(r, setup, cb, existsSync(join(r.outputDir, BEST_CHECKPOINT)));
  // the loader workers of online SBI end with the run, however it ends
  const end = await runTraining(run, cb.signal).finally(() => run.batches.close());
  return {
    outputDir: r.outputDir,
    best: run.best,
    last: run.last,
    interrupted: end.stopped !== null,
    epochsDone: run.epochsDone,
    bestValLoss: run.bestValLoss,
    trainableParameters: setup.trainableNumel,
    frozen: setup.frozen,
    log: run.logPath,
    norm: setup.norm,
  };
}
