// `fsvfm pretrain`: the FS-VFM pre-training loop (SPEC §5.1–5.2) — per-iteration warm-up + cosine lr at each
// accumulation window, EMA teacher after every micro-batch with a cosine momentum, official checkpoints and log,
// resumable bit for bit and interruptible between steps.
import { mkdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDatasetStats } from '../../data/loaders/datasetStats.js';
import type { MaskSpec } from '../../data/loaders/loaderJobs.js';
import { scanPretrainDataset } from '../../data/loaders/pretrainDataset.js';
import { PretrainLoader } from '../../data/loaders/pretrainLoader.js';
import { LoaderPool } from '../../data/loaders/workerPool.js';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import { writeSafetensors } from '../../io/safetensors.js';
import { type TensorValue, torchTensor } from '../../io/torchSave.js';
import { seededRandom } from '../../nn/random.js';
import { matchStateDict, type StateDict } from '../../nn/stateDict.js';
import { GraphTrainer } from '../graphTrainer.js';
import { weightDecayGroups } from '../paramGroups.js';
import { emaMomentumAt, lrAt } from '../schedules.js';
import { appendEpochLog, EPOCH_METRICS, epochLogEntry, readEpochLog } from './epochLog.js';
import { lossCurvesSvg } from './lossCurves.js';
import {
  argsNamespace,
  type PretrainCheckpoint,
  type RunProgress,
  readPretrainCheckpoint,
  resolveResume,
  writePretrainCheckpoints,
} from './pretrainCheckpoint.js';
import {
  ADAMW_PRETRAIN,
  initialWeights,
  orderedSpecs,
  pretrainTrainerSpec,
  TARGET_PREFIX,
  tracePretrainStep,
} from './pretrainGraph.js';
import { asInputError } from './pretrainInputError.js';
import { effectiveLr, type PretrainOptions, pretrainSize } from './pretrainOptions.js';
import { batchFeeds, pretrainStep } from './pretrainStep.js';
import { ReconstructionPreview } from './reconstructionPreview.js';
import { torchAdamwStateDict } from './torchOptimizerState.js';

export { ADAMW_PRETRAIN };

export interface PretrainProgress {
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  /** data iterations done in the whole run (resumed ones included) */
  iteration: number;
  totalIterations: number;
  /** running epoch averages */
  averages: Record<string, number>;
  skipped: boolean;
}

export interface PretrainHooks {
  signal?: AbortSignal;
  onLog?: (line: string) => void;
  onStart?: (info: { totalIterations: number; startIteration: number; stepsPerEpoch: number }) => void;
  onProgress?: (p: PretrainProgress) => void;
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

function optionsArgs(
  o: PretrainOptions,
  lr: number,
): Record<string, string | number | boolean | null | string[]> {
  return {
    batch_size: o.batchSize,
    epochs: o.epochs,
    accum_iter: o.accumIter,
    model: o.model,
    input_size: 224,
    mask_ratio: o.maskRatio,
    mask_strategy: o.maskStrategy,
    norm_pix_loss: o.normPixLoss,
    weight_sfr: o.weightSfr,
    weight_cl: o.weightCl,
    cl_loss: o.clLoss,
    cl_sample: 'all',
    weight_decay: o.weightDecay,
    lr,
    blr: o.blr,
    min_lr: o.minLr,
    warmup_epochs: o.warmupEpochs,
    t_momentum: o.tMomentum,
    clip_grad: o.clipGrad,
    pretrain_data_path: o.data,
    output_dir: o.outputDir,
    seed: o.seed,
    resume: o.resume ?? '',
    ema_noop: o.emaNoop,
    ...(o.custom
      ? {
          embed_dim: o.custom.embedDim,
          depth: o.custom.depth,
          num_heads: o.custom.numHeads,
          decoder_embed_dim: o.custom.decoderEmbedDim,
          decoder_depth: o.custom.decoderDepth,
          decoder_num_heads: o.custom.decoderNumHeads,
          rep_decoder_depth: o.custom.repDecoderDepth,
          rep_decoder_num_heads: o.custom.repDecoderNumHeads,
          projection_size: o.custom.projectionSize,
          projection_hidden_size: o.custom.projectionHiddenSize,
        }
      : {}),
  };
}

function strictMatch(what: string, specs: Parameters<typeof matchStateDict>[0], sd: StateDict): void {
  const { missing, unexpected, mismatched } = matchStateDict(specs, sd);
  const problems = [
    ...missing.slice(0, 3).map((k) => `missing ${k}`),
    ...unexpected.slice(0, 3).map((k) => `unexpected ${k}`),
    ...mismatched.slice(0, 3),
  ];
  if (problems.length)
    throw new Error(
      `${what} does not match --model (${problems.join('; ')}): resume with the model options of the original run`,
    );
}

export async function runPretrain(opts: PretrainOptions, hooks: PretrainHooks = {}): Promise<PretrainResult> {
  const log = hooks.onLog ?? (() => {});
  const { size, samples } = await asInputError(() => {
    if (!(opts.maskRatio > 0 && opts.maskRatio < 1))
      throw new Error(`--mask_ratio must be in (0, 1), got ${opts.maskRatio}`);
    if (!(opts.accumIter >= 1 && Number.isInteger(opts.accumIter)))
      throw new Error('--accum_iter must be a positive integer');
    return { size: pretrainSize(opts), samples: scanPretrainDataset(opts.data) };
  });
  const out = opts.outputDir;
  mkdirSync(out, { recursive: true });
  const pool = new LoaderPool(opts.workers);
  const checkpoints: string[] = [];
  try {
    const statsRes = await asInputError(() =>
      ensureDatasetStats(out, samples, {
        batchSize: opts.batchSize,
        imgSize: size.imgSize,
        pool,
        ...(hooks.onStatsProgress ? { onProgress: hooks.onStatsProgress } : {}),
      }),
    );
    log(
      `${statsRes.computed ? 'dataset statistics written to' : 'reusing dataset statistics from'} ${statsRes.path}`,
    );
    const stats = statsRes.stats;
    const mask: MaskSpec = {
      strategy: opts.maskStrategy,
      patchSize: size.patchSize,
      maskRatio: opts.maskRatio,
    };

    const loader = await asInputError(
      () =>
        new PretrainLoader(samples, pool, {
          batchSize: opts.batchSize,
          imgSize: size.imgSize,
          stats,
          mask,
          seed: opts.seed,
          prefetch: opts.prefetch,
        }),
    );
    const graph = tracePretrainStep(size, opts.batchSize, { ...opts, accumIter: opts.accumIter });
    const specs = orderedSpecs(graph.online.registry);
    const targetSpecs = orderedSpecs(graph.target.registry);
    const trainable = (n: string) => graph.online.registry.specs.get(n)?.trainable ?? false;
    const groups = weightDecayGroups(specs, opts.weightDecay, trainable);
    const lr = effectiveLr(opts);
    const sched = { lr, minLr: opts.minLr, warmupEpochs: opts.warmupEpochs, epochs: opts.epochs };

    let { online: params, target: teacher } = initialWeights(graph, opts.seed);
    let slots: StateDict | undefined;
    let optimizerStep = 0;
    let progress: RunProgress | null = null;
    let accumulated: StateDict | null = null;
    let startEpoch = 0;
    if (opts.resume) {
      const resume = opts.resume;
      const { paths, ck, prefixed } = await asInputError(async () => {
        const paths = resolveResume(resume);
        const ck = await readPretrainCheckpoint(paths, groups);
        strictMatch(paths.online, specs, ck.online);
        const prefixed: StateDict = new Map([...ck.target].map(([k, v]) => [TARGET_PREFIX + k, v]));
        strictMatch(paths.target, targetSpecs, prefixed);
        return { paths, ck, prefixed };
      });
      params = new Map(specs.map((s) => [s.name, ck.online.get(s.name)!]));
      teacher = new Map(targetSpecs.map((s) => [s.name, prefixed.get(s.name)!]));
      slots = ck.slots;
      optimizerStep = ck.optimizerStep;
      progress = ck.progress;
      accumulated = ck.accumulated;
      startEpoch = progress?.epoch ?? ck.epoch + 1;
      log(
        `resumed from ${paths.online} (epoch ${startEpoch}, step ${progress?.step ?? 0}, optimizer step ${optimizerStep})`,
      );
    }

    const trainer = await GraphTrainer.create(
      pretrainTrainerSpec(graph, groups, opts.clipGrad),
      { params, teacher, ...(slots ? { slots } : {}), step: optimizerStep },
      {
        rng: seededRandom(opts.seed),
        accumSteps: opts.accumIter,
        ...(opts.threads ? { threads: opts.threads } : {}),
      },
    );
    if (progress) loader.restore(progress.loader);
    const preview =
      opts.visCount > 0
        ? await ReconstructionPreview.create(samples, size, {
            count: opts.visCount,
            stats,
            mask,
            seed: opts.seed,
            normPix: opts.normPixLoss,
            ...(opts.threads ? { threads: opts.threads } : {}),
          })
        : null;

    const len = loader.stepsPerEpoch;
    const totalIterations = opts.epochs * len;
    let startStep = progress?.step ?? 0;
    let sums: Record<string, number> = progress?.epochSums ?? {};
    let count = progress?.epochCount ?? 0;
    let minLoss = progress?.minLoss ?? null;
    let skippedBatches = 0;
    if (progress)
      trainer.setAccumulation({
        count: progress.accumulationCount,
        buffers: accumulated ? new Map([...accumulated].map(([k, v]) => [`acc:${k}`, v])) : null,
      });
    hooks.onStart?.({ totalIterations, startIteration: startEpoch * len + startStep, stepsPerEpoch: len });
    const args = argsNamespace(optionsArgs(opts, lr));
    const officialTarget = (): StateDict =>
      new Map([...trainer.state.teacher!].map(([k, v]) => [k.slice(TARGET_PREFIX.length), v]));
    const content = (epochField: number, windowLr: number, prog?: RunProgress): PretrainCheckpoint => {
      const acc = trainer.accumulation();
      return {
        online: trainer.state.params,
        target: officialTarget(),
        optimizer: torchAdamwStateDict(
          groups,
          trainer.state.slots,
          trainer.state.step,
          windowLr,
          ADAMW_PRETRAIN,
        ),
        epoch: epochField,
        args,
        ...(prog
          ? {
              progress: prog,
              accumulated: acc.buffers
                ? new Map([...acc.buffers].map(([k, v]) => [k.slice('acc:'.length), v]))
                : null,
            }
          : {}),
      };
    };
    const saveEpoch = async (
      tag: string | number,
      epochField: number,
      windowLr: number,
      prog: RunProgress,
    ) => {
      const paths = await writePretrainCheckpoints(out, tag, content(epochField, windowLr, prog));
      checkpoints.push(paths.online, paths.target);
    };

    let windowLr = lrAt(sched, startEpoch + startStep / len);
    for (let epoch = startEpoch; epoch < opts.epochs; epoch++, startStep = 0) {
      if (startStep === 0) {
        trainer.setAccumulation({ count: 0, buffers: null }); // optimizer.zero_grad() at the epoch start
        sums = {};
        count = 0;
      }
      loader.startEpoch(epoch, startStep);
      for (let step = startStep; step < len; step++) {
        const iteration = epoch * len + step;
        const stop = hooks.signal?.aborted
          ? 'signal'
          : opts.maxSteps !== undefined && iteration >= opts.maxSteps
            ? 'max_steps'
            : null;
        if (stop) {
          await loader.drain();
          const prog: RunProgress = {
            epoch,
            step,
            loader: loader.state(),
            accumulationCount: trainer.accumulation().count,
            epochSums: sums,
            epochCount: count,
            minLoss,
          };
          await saveEpoch('last', epoch - 1, windowLr, prog);
          log(`stopped at epoch ${epoch} step ${step} (${stop}); resume with --resume ${out}`);
          return {
            outputDir: out,
            stopped: stop,
            iterations: iteration,
            epochsCompleted: epoch,
            skippedBatches,
            checkpoints,
            statsComputed: statsRes.computed,
          };
        }
        const batch = await asInputError(() => loader.next());
        // util/lr_sched: the lr is set at the start of every accumulation window, at the fractional epoch
        const windowStart = step - (step % opts.accumIter);
        windowLr = lrAt(sched, epoch + windowStart / len);
        const momentum = opts.emaNoop ? 1 : emaMomentumAt(opts.tMomentum, iteration, totalIterations);
        const r = await pretrainStep(
          trainer,
          batchFeeds(batch, size.imgSize, graph.numPatches, graph.nKeep),
          { lr: windowLr, emaMomentum: momentum },
          opts.accumIter,
        );
        if (r.kind === 'skipped') {
          skippedBatches++;
          log(
            `epoch ${epoch} step ${step}: contrastive loss is ${r.metrics.loss_cl}; batch skipped (no update, no EMA)`,
          );
        } else {
          const values: Record<string, number> = {
            loss: r.metrics.total!,
            loss_rec_all: r.metrics.loss_rec_all!,
            loss_rec_sfr: r.metrics.loss_rec_sfr!,
            loss_cl: r.metrics.loss_cl!,
            lr: windowLr,
          };
          for (const k of EPOCH_METRICS) sums[k] = (sums[k] ?? 0) + values[k]!;
          count++;
        }
        const averages: Record<string, number> = {};
        for (const k of EPOCH_METRICS) averages[k] = count ? sums[k]! / count : Number.NaN;
        hooks.onProgress?.({
          epoch,
          step: step + 1,
          stepsPerEpoch: len,
          iteration: iteration + 1,
          totalIterations,
          averages,
          skipped: r.kind === 'skipped',
        });
      }

      // end of epoch: log, pictures, checkpoints
      const entry = epochLogEntry(sums, count, epoch);
      await appendEpochLog(out, entry);
      const svg = lossCurvesSvg(readEpochLog(out));
      await writeFileAtomic(join(out, 'loss_curves.svg'), (fd) => {
        writeSync(fd, svg);
      });
      if (preview) await preview.write(join(out, `reconstruction-${epoch}.png`), trainer.state.params);
      const epochLoss = entry.train_loss;
      const improved =
        epoch >= 1 && typeof epochLoss === 'number' && (minLoss === null || epochLoss < minLoss);
      if (improved) minLoss = epochLoss;
      const prog: RunProgress = {
        epoch: epoch + 1,
        step: 0,
        loader: loader.stateAtNextEpoch(),
        accumulationCount: 0,
        epochSums: {},
        epochCount: 0,
        minLoss,
      };
      if ((epoch + 1) % opts.saveEvery === 0 || epoch + 1 === opts.epochs) {
        await saveEpoch(epoch, epoch, windowLr, prog);
        const st = join(out, `checkpoint-${epoch}.safetensors`);
        await writeSafetensors(
          st,
          [...trainer.state.params].map(
            ([k, v]) => [k, torchTensor('float32', v.shape, v.data)] as [string, TensorValue],
          ),
          { format: 'pt', epoch: String(epoch), model: opts.model },
        );
        checkpoints.push(st);
      }
      if (improved) await saveEpoch('min_pretrain_loss', epoch, windowLr, prog);
      log(`epoch ${epoch}: ${JSON.stringify(entry)}`);
    }
    return {
      outputDir: out,
      stopped: null,
      iterations: totalIterations,
      epochsCompleted: opts.epochs,
      skippedBatches,
      checkpoints,
      statsComputed: statsRes.computed,
    };
  } finally {
    await pool.close();
  }
}
