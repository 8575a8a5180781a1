// What a fine-tuning epoch does (engine_finetune): warm-up + cosine lr per accumulation window, augmentation with
// the optional whole-image jitter, Mixup/CutMix soft targets, the FS-Adapter's labels for the real-anchor loss and its
// skip of a non-finite batch; validation; model selection by validation loss and the official checkpoints.
import { join } from 'node:path';
import type { EvalTransformName } from '../../data/transforms/evalTransforms.js';
import { FINETUNE_MIXUP, mixupCutmix, mixupTargets } from '../../data/transforms/mixupCutmix.js';
import type { HostTensor } from '../../graph/index.js';
import { DEFAULT_ADAMW } from '../optim/adamw.js';
import { calibrationEntry } from '../run/calibrationEntry.js';
import { appendJsonLine } from '../run/jsonLinesLog.js';
import type { LossRule } from '../run/lossRule.js';
import { stepUnderLossRule } from '../run/lossRule.js';
import type { RunOutputs } from '../run/reconcileOutputs.js';
import type { RunHooks } from '../run/runHooks.js';
import { type SavedCalibration, saveDetector } from '../run/saveDetector.js';
import type { RunPosition, TrainingTask } from '../run/trainingRun.js';
import { lrAt, scaledLr } from '../schedules.js';
import { finetuneArgs } from './finetuneArgs.js';
import { saveFinetuneCheckpoint } from './finetuneCheckpoint.js';
import type { ResolvedFinetuneOptions } from './finetuneOptions.js';
import type { FinetuneSetup } from './finetuneSetup.js';
import { type FinetuneValidation, validateFinetune } from './finetuneValidation.js';
import { DecodedImageCache } from './imageBatches.js';
import { TrainBatches } from './trainBatches.js';

export interface FinetuneStepInfo {
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  loss: number;
  lr: number;
  metrics: Record<string, number>;
}

export interface FinetuneEpochInfo extends FinetuneValidation {
  epoch: number;
  trainLoss: number;
  lr: number;
  bestValLoss: number;
  saved: string[];
  skippedSteps: number;
}

export interface FinetuneStart {
  stepsPerEpoch: number;
  startEpoch: number;
  startStep: number;
  epochs: number;
  trainImages: number;
  valImages: number;
}

export interface FinetuneCallbacks extends RunHooks<FinetuneStart, FinetuneStepInfo, FinetuneEpochInfo> {
  onValidation?: (p: { done: number; total: number }) => void;
}

export const BEST_CHECKPOINT = 'checkpoint-min_val_loss.pth';
export const LAST_CHECKPOINT = 'checkpoint-last.pth';

export class FinetuneRun implements TrainingTask<FinetuneValidation> {
  readonly epochs: number;
  readonly start: RunPosition;
  readonly logPath: string;
  readonly outputs: RunOutputs;
  bestValLoss: number;
  best: string | null = null;
  last: string | null = null;
  epochsDone: number;
  private readonly schedule: { lr: number; minLr: number; warmupEpochs: number; epochs: number };
  private readonly args: ReturnType<typeof finetuneArgs>;
  private readonly cache: DecodedImageCache;
  /** the training batches: listed images or online self-blends (trainBatches.ts) */
  readonly batches: TrainBatches;
  private curLr: number;
  private lossSum = 0;
  private lossCount = 0;
  private skipped = 0;
  private saidNoCalibration = false;

  constructor(
    private readonly r: ResolvedFinetuneOptions,
    private readonly s: FinetuneSetup,
    private readonly hooks: FinetuneCallbacks,
    bestExists: boolean,
  ) {
    this.epochs = r.epochs;
    this.start = s.start;
    this.epochsDone = s.start.epoch;
    this.bestValLoss = s.bestValLoss;
    this.logPath = join(r.outputDir, 'log.txt');
    if (bestExists) this.best = join(r.outputDir, BEST_CHECKPOINT);
    this.outputs = {
      dir: r.outputDir,
      log: { path: this.logPath, before: (e, at) => Number(e.epoch) < at.epoch },
    };
    const lr = r.lr ?? scaledLr(r.blr, r.batchSize * r.accumIter);
    this.schedule = { lr, minLr: r.minLr, warmupEpochs: r.warmupEpochs, epochs: r.epochs };
    this.args = finetuneArgs(r, { lr, inputSize: s.size.imgSize, numClasses: s.data.numClasses });
    this.cache = new DecodedImageCache(r.cacheBytes);
    this.batches = new TrainBatches(r, s, this.cache);
    this.curLr = lrAt(this.schedule, s.start.epoch + s.start.step / s.stepsPerEpoch);
  }

  stepsIn(): number {
    return this.s.stepsPerEpoch;
  }

  beginEpoch(epoch: number): void {
    this.batches.beginEpoch(epoch);
    this.lossSum = 0;
    this.lossCount = 0;
    this.skipped = 0;
  }

  async trainStep({ epoch, step }: RunPosition): Promise<void> {
    const { r, s } = this;
    if (step % r.accumIter === 0) this.curLr = lrAt(this.schedule, step / s.stepsPerEpoch + epoch);
    const res = await stepUnderLossRule(
      s.trainer,
      await this.feeds(epoch, step),
      { lr: this.curLr },
      this.lossRule(epoch, step),
    );
    if (res.kind === 'skipped') {
      this.skipped++;
      this.hooks.onLog?.(`warning: loss is ${lossOf(res)} at epoch ${epoch} step ${step}, batch skipped`);
      return;
    }
    const loss = lossOf(res);
    this.lossSum += loss;
    this.lossCount++;
    this.hooks.onStep?.({
      epoch,
      step,
      stepsPerEpoch: s.stepsPerEpoch,
      loss,
      lr: this.curLr,
      metrics: res.metrics,
    });
  }

  private get valTransform(): EvalTransformName {
    return this.r.valTransform ?? 'resize256-centercrop224';
  }

  async validate(): Promise<FinetuneValidation> {
    const { s } = this;
    if (!s.data.val || !s.evaluator) return { valLoss: null, valAuc: null, valAcc: null };
    const inputs = {
      evaluator: s.evaluator,
      samples: s.data.val,
      numClasses: s.data.numClasses,
      realIndex: s.data.realIndex,
      imgSize: s.size.imgSize,
      norm: s.norm.stats,
      transform: this.valTransform,
      cache: this.cache,
    } as const;
    return validateFinetune(inputs, s.trainer.state.params, this.hooks.onValidation);
  }

  /** Selection by validation loss, or by the training loss when there is no validation split. */
  async save(epoch: number, validation: FinetuneValidation): Promise<void> {
    const { scores, ...v } = validation;
    const trainLoss = this.lossCount ? this.lossSum / this.lossCount : Number.NaN;
    const selectBy = v.valLoss ?? trainLoss;
    const saved: string[] = [];
    const calibration = this.calibration(epoch, v, scores);
    if (selectBy < this.bestValLoss) {
      this.bestValLoss = selectBy;
      this.best = await this.saveCheckpoint(BEST_CHECKPOINT, epoch, null, {
        ...calibration,
        recommended: true,
      });
      saved.push(this.best);
    }
    if (epoch + 1 === this.epochs)
      saved.push(await this.saveCheckpoint(`checkpoint-${epoch}.pth`, epoch, null, calibration));
    // the log line before checkpoint-last.pth, which resumes after this epoch (reconcileOutputs.ts)
    await appendJsonLine(this.logPath, {
      train_lr: this.curLr,
      train_loss: trainLoss,
      ...(v.valLoss !== null ? { test_loss: v.valLoss, test_auc: v.valAuc, test_acc1: v.valAcc } : {}),
      selected_by: v.valLoss !== null ? 'val_loss' : 'train_loss',
      epoch,
      n_parameters: this.s.trainableNumel,
      skipped_steps: this.skipped,
      // the reference recipe this run trains with (its values: the checkpoints' args and the console log before training)
      recipe: this.r.appliedRecipe.name,
    });
    this.last = await this.saveCheckpoint(LAST_CHECKPOINT, epoch, null, calibration);
    this.epochsDone = epoch + 1;
    const info = { epoch, trainLoss, lr: this.curLr, ...v, bestValLoss: this.bestValLoss, saved };
    this.hooks.onEpoch?.({ ...info, skippedSteps: this.skipped });
  }

  async saveStopped({ epoch, step }: RunPosition): Promise<void> {
    // mid-epoch weights were never validated: no threshold describes them
    this.last = await this.saveCheckpoint(LAST_CHECKPOINT, epoch, step, { entry: null, recommended: false });
    this.hooks.onLog?.(`interrupted at epoch ${epoch} step ${step}; resume with --resume ${this.last}`);
  }

  private async feeds(epoch: number, step: number): Promise<Record<string, HostTensor>> {
    const { r, s } = this;
    const B = r.batchSize;
    const S = s.size.imgSize;
    const C = s.data.numClasses;
    const batch = await this.batches.load(epoch, step);
    const shape = [B, 3, S, S] as const;
    const mixOpts = {
      ...FINETUNE_MIXUP,
      mixupAlpha: r.mixup,
      cutmixAlpha: r.cutmix,
      prob: r.mixupProb,
      switchProb: r.mixupSwitchProb,
      labelSmoothing: r.smoothing,
      numClasses: C,
    };
    const targets =
      r.mixup > 0 || r.cutmix > 0
        ? mixupCutmix(batch.images, shape, batch.labels, mixOpts, s.rng).targets
        : mixupTargets(batch.labels, C, 1, r.smoothing);
    const feeds: Record<string, HostTensor> = {
      images: { dtype: 'float32', shape: [...shape], data: batch.images },
      targets: { dtype: 'float32', shape: [B, C], data: targets },
    };
    if (r.trainable === 'fs-adapter')
      feeds.labels = { dtype: 'int64', shape: [B], data: BigInt64Array.from(batch.labels, (v) => BigInt(v)) };
    return feeds;
  }

  /** The FS-Adapter skips a non-finite batch (SPEC §5.4); full fine-tuning stops. */
  private lossRule(epoch: number, step: number): LossRule {
    return {
      verdict: (l) =>
        Number.isFinite(lossOf(l)) ? 'ok' : this.r.trainable === 'fs-adapter' ? 'skip' : 'abort',
      abortError: (l) =>
        new Error(
          `loss is ${lossOf(l)} at epoch ${epoch} step ${step}; stopping (lower --blr, or check the data)`,
        ),
      skippedWindow: 'restart',
    };
  }

  /**
   * The threshold of the checkpoints saved after this epoch: the EER point of the validation split's scores. Without
   * a split (or with one class in it) none is made, and the log says so once: scans then use 0.5 or what they are given.
   */
  private calibration(
    epoch: number,
    v: Omit<FinetuneValidation, 'scores'>,
    scores: FinetuneValidation['scores'],
  ): SavedCalibration {
    const none = (why: string): SavedCalibration => {
      if (!this.saidNoCalibration)
        this.hooks.onLog?.(
          `no decision threshold is calibrated (${why}); no calibration.json entry is written, and scans of these checkpoints use 0.5 unless given --threshold or --calibration`,
        );
      this.saidNoCalibration = true;
      return { entry: null, recommended: false };
    };
    if (!scores) return none('no validation split');
    const made = calibrationEntry(
      { ...scores, unit: 'images' },
      {
        rule: 'eer-midpoint',
        split: 'the validation split',
        splitPaths: this.s.data.source.val,
        auc: v.valAuc === null ? null : v.valAuc / 100,
        transform: this.valTransform,
        epoch,
      },
    );
    return 'why' in made ? none(made.why) : { entry: made.entry, recommended: false };
  }

  private saveCheckpoint(
    file: string,
    epoch: number,
    stepInEpoch: number | null,
    calibration: SavedCalibration,
  ): Promise<string> {
    const { s } = this;
    return saveDetector(
      join(this.r.outputDir, file),
      s.norm.stats,
      (path) =>
        saveFinetuneCheckpoint({
          path,
          params: s.trainer.state.params,
          trainer: s.trainer.state,
          groups: s.groups,
          lr: this.curLr,
          adamw: DEFAULT_ADAMW,
          epoch,
          args: this.args,
          resume: {
            epoch,
            stepInEpoch,
            rngState: JSON.stringify(s.rng.getState()),
            bestValLoss: this.bestValLoss,
            paramNames: s.paramNames,
          },
        }),
      calibration,
    );
  }
}

/** The loss the rules and logs use: the unscaled one when gradient accumulation scales the graph's loss. */
const lossOf = (r: { loss: number; metrics: Record<string, number> }): number =>
  r.metrics.loss_unscaled ?? r.loss;
