// One FAS run (one seed): per-domain balanced real/spoof batches, constant-lr Adam, the classifier columns
// re-normalised after each update; every `evalEvery` iterations the official evaluation on the target test set
// (an "epoch" of the run skeleton) and the best-by-HTER checkpoint.
import { join } from 'node:path';
import { fasVideoId, type LabeledSample } from '../../data/folders/index.js';
import { SeededRng } from '../../data/random/seededRng.js';
import { fasTestTransform, fasTrainTransform } from '../../data/transforms/fasHsvJitter.js';
import { officialFasEval } from '../../eval/officialFas.js';
import type { HostTensor } from '../../graph/index.js';
import type { ResolvedNormStats } from '../../io/normStats.js';
import { DetectorRunner, scoreInBatches } from '../../models/detectorRunner.js';
import { normalizeFasClassifier } from '../../models/fasModel.js';
import { initFromPretrained, type ReadCheckpoint } from '../../models/loadPretrained.js';
import { seededRandom } from '../../nn/random.js';
import type { StateDict } from '../../nn/stateDict.js';
import { type DecodedImageCache, loadBatch } from '../finetune/imageBatches.js';
import { GraphTrainer } from '../graphTrainer.js';
import { DEFAULT_ADAMW } from '../optim/adamw.js';
import { calibrationEntry } from '../run/calibrationEntry.js';
import { appendJsonLine } from '../run/jsonLinesLog.js';
import { stepUnderLossRule } from '../run/lossRule.js';
import type { RunOutputs } from '../run/reconcileOutputs.js';
import { type SavedCalibration, saveDetector } from '../run/saveDetector.js';
import type { RunPosition, TrainingTask } from '../run/trainingRun.js';
import { BalancedDomainSampler } from './balancedSampler.js';
import { fasCheckpointName, saveFasCheckpoint, unusedAdapterHead } from './fasCheckpoint.js';
import { buildFasTrainGraph, type FasModelConfig, fasValidationSpec } from './fasGraphs.js';
import type { ResolvedFasOptions } from './fasOptions.js';
import { FAS_RESUME_CHECKPOINT, type FasResume, saveFasResume } from './fasResume.js';
import type { FasDomain } from './fasSources.js';
import type { FasCallbacks, FasEvaluation, FasRunSummary } from './fasTypes.js';

/** What every run of one protocol shares. */
export interface FasContext {
  r: ResolvedFasOptions;
  ckpt: ReadCheckpoint;
  model: FasModelConfig;
  embedDim: number;
  domains: FasDomain[];
  test: LabeledSample[];
  norm: ResolvedNormStats;
  cache: DecodedImageCache;
  logPath: string;
  hooks: FasCallbacks;
}

const f32 = (data: Float32Array, shape: number[]): HostTensor => ({ dtype: 'float32', shape, data });

/** How a run starts: fresh, or from the resume checkpoint of an interrupted invocation. */
export interface FasRunStart {
  /** the summaries of the protocol's earlier runs (kept in every resume checkpoint) */
  earlier: readonly FasRunSummary[];
  /** the state to continue this run from */
  from?: FasResume;
}

export class FasRun implements TrainingTask<FasEvaluation | null> {
  readonly epochs: number;
  readonly start: RunPosition;
  readonly outputs: RunOutputs;
  best: FasEvaluation | null;
  last: FasEvaluation | null;
  checkpoint: string | null;
  /** the threshold of the weights evaluated last, for the checkpoint saved after that evaluation */
  private calibration: SavedCalibration = { entry: null, recommended: true };

  private constructor(
    private readonly c: FasContext,
    readonly run: number,
    private readonly sampler: BalancedDomainSampler,
    private readonly rng: SeededRng,
    private readonly trainer: GraphTrainer,
    private readonly trainableNames: string[],
    private readonly evaluator: DetectorRunner,
    private readonly extraHead: StateDict,
    private readonly how: FasRunStart,
  ) {
    this.epochs = Math.ceil(c.r.iterations / c.r.evalEvery);
    const from = how.from;
    this.start = from ? from.start : { epoch: 0, step: 0 };
    this.best = from?.best ?? null;
    this.last = from?.last ?? null;
    this.checkpoint = from?.checkpoint ?? null;
    const evalEvery = c.r.evalEvery;
    this.outputs = {
      dir: c.r.outputDir,
      log: {
        path: c.logPath,
        before: (e, at) =>
          Number(e.run) < run || (Number(e.run) === run && Number(e.iteration) < at.epoch * evalEvery),
      },
    };
  }

  static async create(c: FasContext, run: number, how: FasRunStart): Promise<FasRun> {
    const { r } = c;
    const sampler = new BalancedDomainSampler(c.domains, r.perClass, run);
    const train = buildFasTrainGraph(r, c.model, sampler.batchSize);
    const specs = train.scope.registry.list();
    const rng = new SeededRng(run);
    const adapter = r.trainable === 'fs-adapter';
    const loaded = initFromPretrained(c.ckpt, specs, {
      kind: adapter ? 'fas-fs-adapter' : 'fas',
      rng: seededRandom(run),
      modelName: r.model,
    });
    normalizeFasClassifier(loaded.stateDict);
    const trainableNames = specs.filter((p) => train.isTrainable(p.name)).map((p) => p.name);
    const from = how.from;
    if (from) {
      const missing = specs.filter((p) => !from.params.has(p.name)).map((p) => p.name);
      if (missing.length)
        throw new Error(
          `the FAS resume checkpoint does not fit this model: missing ${missing.slice(0, 5).join(', ')}`,
        );
      rng.setState(from.rngState);
      sampler.setState(from.sampler);
    }
    const trainer = await GraphTrainer.create(
      {
        loss: train.loss,
        registry: train.scope.registry,
        trainable: train.isTrainable,
        groups: [{ name: 'all', lrScale: 1, weightDecay: 0, params: trainableNames }],
        optimizer: { kind: 'adamw', config: DEFAULT_ADAMW },
        metrics: train.metrics,
      },
      from
        ? {
            // in the fresh run's order: the official checkpoint lists its state dict in it
            params: new Map([...loaded.stateDict.keys()].map((k) => [k, from.params.get(k)!])),
            slots: from.slots,
            step: from.step,
          }
        : { params: loaded.stateDict },
      { ...(r.runtime ?? {}), rng },
    );
    const extraHead: StateDict = adapter ? unusedAdapterHead(c.embedDim, run) : new Map();
    const evalBatch = Math.min(r.evalBatchSize, c.test.length);
    const evaluator = await DetectorRunner.create(fasValidationSpec(r, c.model), evalBatch, r.runtime ?? {});
    return new FasRun(c, run, sampler, rng, trainer, trainableNames, evaluator, extraHead, how);
  }

  /** `evalEvery` iterations an epoch; the last one holds what is left (evaluated only when full). */
  stepsIn(epoch: number): number {
    const { iterations, evalEvery } = this.c.r;
    return Math.min(evalEvery, iterations - epoch * evalEvery);
  }

  async trainStep({ epoch, step }: RunPosition): Promise<void> {
    const { r, norm, cache } = this.c;
    const it = epoch * r.evalEvery + step;
    const S = this.c.model.encoder.imgSize;
    const B = this.sampler.batchSize;
    const batch = await loadBatch(this.sampler.next(), cache, S, (img) =>
      fasTrainTransform(img, norm.stats, this.rng, S),
    );
    const feeds = {
      images: f32(batch.images, [B, 3, S, S]),
      labels: { dtype: 'int64', shape: [B], data: BigInt64Array.from(batch.labels, (v) => BigInt(v)) },
    } satisfies Record<string, HostTensor>;
    const res = await stepUnderLossRule(
      this.trainer,
      feeds,
      { lr: r.lr },
      {
        verdict: ({ loss }) => (Number.isFinite(loss) ? 'ok' : 'abort'),
        abortError: ({ loss }) =>
          new Error(`FAS run ${this.run}: loss is ${loss} at iteration ${it}; lower --lr`),
        skippedWindow: 'restart',
      },
    );
    // the official forward re-normalises the classifier columns in place: keep the stored weight normalised
    normalizeFasClassifier(this.trainer.state.params);
    this.c.hooks.onStep?.({
      run: this.run,
      iteration: it,
      iterations: r.iterations,
      loss: res.loss,
      metrics: res.metrics,
    });
  }

  async validate(epoch: number): Promise<FasEvaluation | null> {
    const { r, test, norm, cache } = this.c;
    if (this.stepsIn(epoch) < r.evalEvery) return null;
    const S = this.c.model.encoder.imgSize;
    this.evaluator.setWeights(this.trainer.state.params);
    const load = (chunk: readonly LabeledSample[]) =>
      loadBatch(chunk, cache, S, (img) => fasTestTransform(img, norm.stats, S));
    const logits: number[][] = [];
    for await (const { packed, logits: z } of scoreInBatches(this.evaluator, test, load)) {
      for (let k = 0; k < packed.count; k++) logits.push([z[2 * k]!, z[2 * k + 1]!]);
    }
    const ev = officialFasEval({
      logits,
      labels: test.map((t) => t.label),
      videoIds: test.map((t) => fasVideoId(t.path)),
    });
    const iteration = epoch * r.evalEvery + r.evalEvery - 1;
    this.calibration = fasCalibration(ev.probList, ev.labelList, ev.validArgs.AUC, iteration, this.c.hooks);
    return { iteration, validArgs: ev.validArgs };
  }

  /**
   * Keeps the best-by-HTER checkpoint (ties → the later evaluation) and logs every evaluation, then writes the resume
   * checkpoint after them (reconcileOutputs.ts).
   */
  async save(epoch: number, ev: FasEvaluation | null): Promise<void> {
    if (ev) {
      const { r, norm } = this.c;
      this.last = ev;
      const isBest = this.best === null || ev.validArgs.HTER <= this.best.validArgs.HTER;
      if (isBest) {
        this.best = ev;
        const name = fasCheckpointName(r.config, this.run);
        const params = new Map([...this.trainer.state.params, ...this.extraHead]);
        this.checkpoint = await saveDetector(
          join(r.outputDir, name),
          norm.stats,
          (path) => saveFasCheckpoint(path, name.replace(/\.tar$/, ''), params, epoch, ev.validArgs),
          this.calibration,
        );
      }
      await appendJsonLine(this.c.logPath, {
        run: this.run,
        iteration: ev.iteration,
        ...ev.validArgs,
        best: isBest,
      });
      this.c.hooks.onEpoch?.({ run: this.run, ...ev, best: isBest });
    }
    await this.saveResume({ epoch: epoch + 1, step: 0 });
  }

  /** A stopped run writes where it stands; `--resume` continues it (and the protocol's later runs). */
  async saveStopped(at: RunPosition): Promise<void> {
    const path = await this.saveResume(at);
    this.c.hooks.onLog?.(
      `interrupted at run ${this.run} iteration ${at.epoch * this.c.r.evalEvery + at.step}; resume with --resume ${path}`,
    );
  }

  private saveResume(at: RunPosition): Promise<string> {
    const { r } = this.c;
    return saveFasResume(join(r.outputDir, FAS_RESUME_CHECKPOINT), {
      run: this.run,
      start: at,
      params: this.trainer.state.params,
      trainer: this.trainer.state,
      trainableNames: this.trainableNames,
      lr: r.lr,
      rngState: this.rng.getState(),
      sampler: this.sampler.getState(),
      best: this.best,
      last: this.last,
      checkpoint: this.checkpoint,
      earlier: this.how.earlier,
      args: { config: r.config, trainable: r.trainable, iterations: r.iterations, eval_every: r.evalEvery },
    });
  }
}

/**
 * The threshold of a FAS checkpoint: SPEC §7.4's grid EER rule on the video-level scores of the evaluation that
 * selected it. The 0-shot protocol has no validation split: it evaluates and selects on the target domain's test set,
 * so the threshold comes from that set and the entry says so (it is optimistic, as the official HTER is, §9 #18).
 */
function fasCalibration(
  pLive: Float64Array,
  labels: Float64Array,
  auc: number,
  iteration: number,
  hooks: FasCallbacks,
): SavedCalibration {
  const made = calibrationEntry(
    {
      pFake: Array.from(pLive, (p) => 1 - p),
      isFake: Array.from(labels, (y) => (Math.round(y) === 1 ? 0 : 1)),
      unit: 'videos',
    },
    {
      rule: 'fas-grid-eer',
      split:
        "the target domain's test set (the 0-shot protocol has no validation split; optimistic, SPEC §9 #18)",
      auc,
      iteration,
    },
  );
  if ('why' in made) {
    hooks.onLog?.(`no decision threshold is calibrated at iteration ${iteration} (${made.why})`);
    return { entry: null, recommended: true };
  }
  return { entry: made.entry, recommended: true };
}
