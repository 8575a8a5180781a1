// What a pre-training epoch does (engine_pretrain): per-iteration warm-up + cosine lr set at each accumulation
// window, the EMA teacher after every micro-batch with a cosine momentum, running epoch averages; at the epoch end the
// log line, loss curves, reconstruction pictures and the official checkpoints.
import { join } from 'node:path';
import type { PretrainSample } from '../../data/loaders/pretrainDataset.js';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import { writeSafetensors } from '../../io/safetensors.js';
import { type TensorValue, torchTensor } from '../../io/torchSave.js';
import type { SizeConfig } from '../../models/sizes.js';
import type { StateDict } from '../../nn/stateDict.js';
import type { RunOutputs } from '../run/reconcileOutputs.js';
import type { RunPosition, StopReason, TrainingTask } from '../run/trainingRun.js';
import { emaMomentumAt, lrAt } from '../schedules.js';
import {
  appendEpochLog,
  EPOCH_METRICS,
  type EpochLogEntry,
  epochLogEntry,
  readEpochLog,
} from './epochLog.js';
import { lossCurvesSvg } from './lossCurves.js';
import { pretrainArgs } from './pretrainArgs.js';
import {
  argsNamespace,
  type PretrainCheckpoint,
  type RunProgress,
  writePretrainCheckpoints,
} from './pretrainCheckpoint.js';
import { ADAMW_PRETRAIN, TARGET_PREFIX } from './pretrainGraph.js';
import { asInputError } from './pretrainInputError.js';
import { effectiveLr, type ResolvedPretrainOptions } from './pretrainOptions.js';
import type { PretrainSetup } from './pretrainSetup.js';
import { batchFeeds, pretrainStep } from './pretrainStep.js';
import { ReconstructionPreview } from './reconstructionPreview.js';
import { torchAdamwStateDict } from './torchOptimizerState.js';

export interface PretrainProgress {
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  /** data iterations done in the whole run (resumed ones included) */
  iteration: number;
  totalIterations: number;
  /** running epoch averages of EPOCH_METRICS (losses, the target's feature spread, lr); NaN before the first step */
  averages: Record<string, number>;
  skipped: boolean;
}

/** What a finished epoch reports: its log.txt line (mean losses, the target's feature spread, lr). */
export interface PretrainEpoch {
  epoch: number;
  log: EpochLogEntry;
}

interface PretrainRunHooks {
  log: (line: string) => void;
  onStep?: (p: PretrainProgress) => void;
  onEpoch?: (e: PretrainEpoch) => void;
}

export class PretrainRun implements TrainingTask<void> {
  readonly epochs: number;
  readonly start: RunPosition;
  /** its epoch log needs no cutting back: `appendEpochLog` replaces the lines of the epoch it writes and later ones */
  readonly outputs: RunOutputs;
  readonly checkpoints: string[] = [];
  skippedBatches = 0;
  private readonly len: number;
  private readonly sched: { lr: number; minLr: number; warmupEpochs: number; epochs: number };
  private readonly args: ReturnType<typeof argsNamespace>;
  private windowLr: number;
  private sums: Record<string, number>;
  private count: number;
  private minLoss: number | null;

  private constructor(
    private readonly opts: ResolvedPretrainOptions,
    private readonly s: PretrainSetup,
    private readonly size: SizeConfig,
    private readonly preview: ReconstructionPreview | null,
    private readonly hooks: PretrainRunHooks,
  ) {
    const p = s.progress;
    this.epochs = opts.epochs;
    this.start = { epoch: s.startEpoch, step: p?.step ?? 0 };
    this.outputs = { dir: opts.outputDir };
    this.len = s.loader.stepsPerEpoch;
    const lr = effectiveLr(opts);
    this.sched = { lr, minLr: opts.minLr, warmupEpochs: opts.warmupEpochs, epochs: opts.epochs };
    this.args = argsNamespace(pretrainArgs(opts, lr));
    this.windowLr = lrAt(this.sched, this.start.epoch + this.start.step / this.len);
    this.sums = { ...(p?.epochSums ?? {}) };
    this.count = p?.epochCount ?? 0;
    this.minLoss = p?.minLoss ?? null;
    // a mid-epoch checkpoint without the sum of a metric (one written before the feature-spread metrics, or a NaN
    // that JSON stored as null): that epoch's mean is unknown (null in log.txt), not an average over part of it
    if (this.count > 0)
      for (const k of EPOCH_METRICS) if (typeof this.sums[k] !== 'number') this.sums[k] = Number.NaN;
  }

  static async create(
    opts: ResolvedPretrainOptions,
    setup: PretrainSetup,
    size: SizeConfig,
    samples: PretrainSample[],
    hooks: PretrainRunHooks,
  ): Promise<PretrainRun> {
    const preview =
      opts.visCount > 0
        ? await ReconstructionPreview.create(samples, size, {
            count: opts.visCount,
            stats: setup.stats,
            mask: setup.mask,
            seed: opts.seed,
            normPix: opts.normPixLoss,
            ...(opts.threads ? { threads: opts.threads } : {}),
          })
        : null;
    return new PretrainRun(opts, setup, size, preview, hooks);
  }

  get stepsPerEpoch(): number {
    return this.len;
  }

  get totalIterations(): number {
    return this.epochs * this.len;
  }

  stepsIn(): number {
    return this.len;
  }

  budgetReached(at: RunPosition): boolean {
    return this.opts.maxSteps !== undefined && at.epoch * this.len + at.step >= this.opts.maxSteps;
  }

  beginEpoch(epoch: number, firstStep: number): void {
    if (firstStep === 0) {
      this.s.trainer.setAccumulation({ count: 0, buffers: null }); // optimizer.zero_grad() at the epoch start
      this.sums = {};
      this.count = 0;
    }
    this.s.loader.startEpoch(epoch, firstStep);
  }

  async trainStep({ epoch, step }: RunPosition): Promise<void> {
    const { loader, graph, trainer } = this.s;
    const iteration = epoch * this.len + step;
    const batch = await asInputError(() => loader.next());
    // util/lr_sched: the lr is set at the start of every accumulation window, at the fractional epoch
    const windowStart = step - (step % this.opts.accumIter);
    this.windowLr = lrAt(this.sched, epoch + windowStart / this.len);
    const momentum = this.opts.emaNoop
      ? 1
      : emaMomentumAt(this.opts.tMomentum, iteration, this.totalIterations);
    const feeds = batchFeeds(batch, this.size.imgSize, graph.numPatches, graph.nKeep);
    const r = await pretrainStep(trainer, feeds, { lr: this.windowLr, emaMomentum: momentum });
    if (r.kind === 'skipped') {
      this.skippedBatches++;
      this.hooks.log(
        `epoch ${epoch} step ${step}: contrastive loss is ${r.metrics.loss_cl}; batch skipped (no update, no EMA)`,
      );
    } else {
      const m = r.metrics;
      const values: Record<string, number | undefined> = {
        loss: m.total,
        loss_rec_all: m.loss_rec_all,
        loss_rec_sfr: m.loss_rec_sfr,
        loss_cl: m.loss_cl,
        target_std: m.target_std,
        target_cos: m.target_cos,
        lr: this.windowLr,
      };
      for (const k of EPOCH_METRICS) {
        const v = values[k];
        if (v !== undefined) this.sums[k] = (this.sums[k] ?? 0) + v;
      }
      this.count++;
    }
    const averages: Record<string, number> = {};
    for (const k of EPOCH_METRICS) {
      const sum = this.sums[k];
      averages[k] = this.count && sum !== undefined ? sum / this.count : Number.NaN;
    }
    this.hooks.onStep?.({
      epoch,
      step: step + 1,
      stepsPerEpoch: this.len,
      iteration: iteration + 1,
      totalIterations: this.totalIterations,
      averages,
      skipped: r.kind === 'skipped',
    });
  }

  /** Pre-training has no validation split: the epoch's training averages are its log line. */
  async validate(): Promise<void> {}

  async save(epoch: number): Promise<void> {
    const out = this.opts.outputDir;
    const entry = epochLogEntry(this.sums, this.count, epoch);
    await appendEpochLog(out, entry);
    await writeFileAtomic(join(out, 'loss_curves.svg'), lossCurvesSvg(readEpochLog(out)));
    if (this.preview)
      await this.preview.write(join(out, `reconstruction-${epoch}.png`), this.s.trainer.state.params);
    const epochLoss = entry.train_loss;
    const improved =
      epoch >= 1 && typeof epochLoss === 'number' && (this.minLoss === null || epochLoss < this.minLoss);
    if (improved) this.minLoss = epochLoss;
    const prog: RunProgress = {
      epoch: epoch + 1,
      step: 0,
      loader: this.s.loader.stateAtNextEpoch(),
      accumulationCount: 0,
      epochSums: {},
      epochCount: 0,
      minLoss: this.minLoss,
    };
    // checkpoint-<epoch>.pth, the pair a resume starts from, comes last (reconcileOutputs.ts): a run killed before
    // it resumes from an earlier pair and writes this epoch's other files again
    if (improved) await this.saveCheckpoints('min_pretrain_loss', epoch, prog);
    if ((epoch + 1) % this.opts.saveEvery === 0 || epoch + 1 === this.opts.epochs) {
      await this.saveEncoder(epoch);
      await this.saveCheckpoints(epoch, epoch, prog);
    }
    this.hooks.log(`epoch ${epoch}: ${JSON.stringify(entry)}`);
    this.hooks.onEpoch?.({ epoch, log: entry });
  }

  async saveStopped({ epoch, step }: RunPosition, reason: StopReason): Promise<void> {
    await this.s.loader.drain();
    const prog: RunProgress = {
      epoch,
      step,
      loader: this.s.loader.state(),
      accumulationCount: this.s.trainer.accumulation().count,
      epochSums: this.sums,
      epochCount: this.count,
      minLoss: this.minLoss,
    };
    await this.saveCheckpoints('last', epoch - 1, prog);
    this.hooks.log(
      `stopped at epoch ${epoch} step ${step} (${reason}); resume with --resume ${this.opts.outputDir}`,
    );
  }

  private async saveCheckpoints(tag: string | number, epochField: number, prog: RunProgress): Promise<void> {
    const paths = await writePretrainCheckpoints(this.opts.outputDir, tag, this.content(epochField, prog));
    this.checkpoints.push(paths.online, paths.target);
  }

  private async saveEncoder(epoch: number): Promise<void> {
    const st = join(this.opts.outputDir, `checkpoint-${epoch}.safetensors`);
    await writeSafetensors(
      st,
      [...this.s.trainer.state.params].map(
        ([k, v]) => [k, torchTensor('float32', v.shape, v.data)] as [string, TensorValue],
      ),
      { format: 'pt', epoch: String(epoch), model: this.opts.model },
    );
    this.checkpoints.push(st);
  }

  private content(epochField: number, prog: RunProgress): PretrainCheckpoint {
    const { trainer, groups } = this.s;
    const acc = trainer.accumulation();
    const target: StateDict = new Map(
      [...trainer.state.teacher!].map(([k, v]) => [k.slice(TARGET_PREFIX.length), v]),
    );
    return {
      online: trainer.state.params,
      target,
      optimizer: torchAdamwStateDict(
        groups,
        trainer.state.slots,
        trainer.state.step,
        this.windowLr,
        ADAMW_PRETRAIN,
      ),
      epoch: epochField,
      args: this.args,
      progress: prog,
      accumulated: acc.buffers
        ? new Map([...acc.buffers].map(([k, v]) => [k.slice('acc:'.length), v]))
        : null,
    };
  }
}
