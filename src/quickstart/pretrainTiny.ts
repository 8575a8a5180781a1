// Stage 2: pre-train the tiny FS-VFM (CRFR-P masking, 3C objectives) on the training faces for a wall-time budget.
// A short probe run measures the step time, the epoch count follows from it, and the run resumes from the probe's
// checkpoint with that count (the lr and EMA schedules are functions of the fractional epoch, so this is the same run).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readEpochLog } from '../train/pretrain/epochLog.js';
import { runPretrain } from '../train/pretrain/pretrainLoop.js';
import { PRETRAIN_DEFAULTS, type ResolvedPretrainOptions } from '../train/pretrain/pretrainOptions.js';
import { fixedPretrainPlan, type PretrainPlan, planPretrainEpochs } from './pretrainBudget.js';
import { type PretrainRecipe, pretrainRecipe } from './pretrainRecipe.js';
import { type QuickstartConfig, TINY_MODEL } from './quickstartConfig.js';
import { type QuickstartHooks, QuickstartInterrupted } from './quickstartHooks.js';
import type { QuickstartLayout } from './quickstartLayout.js';
import type { StageRecords } from './stageRecords.js';

export interface PretrainRecord {
  epochs: number;
  warmupEpochs: number;
  iterations: number;
  stepsPerEpoch: number;
  batchSize: number;
  lr: number;
  /** measured by the probe (null in --quick, which has a fixed step count) */
  stepSeconds: number | null;
  /** the online checkpoint of the last epoch (the encoder the detectors start from) */
  checkpoint: string;
  /**
   * log.txt: per epoch the mean losses, lr and the target's feature spread across a batch (`train_target_std`: mean
   * per-dimension std of the normalised features, 0 when collapsed, ≈ 1/√d when spread; `train_target_cos`: mean
   * cosine of two different faces' features, 1 when collapsed)
   */
  log: Record<string, number | null>[];
  lossCurves: string;
  /** reconstruction sheets of the first and last epochs */
  sheets: string[];
  skippedBatches: number;
  /** the objective and optimisation flags the run used (`fsvfm pretrain` names) */
  recipe: PretrainRecipe;
}

const PROBE_STEPS = 4;

export async function pretrainTiny(
  cfg: QuickstartConfig,
  layout: QuickstartLayout,
  records: StageRecords,
  hooks: QuickstartHooks & { threads?: number },
): Promise<PretrainRecord> {
  const log = hooks.log ?? (() => {});
  const out = layout.pretrain;
  const base: ResolvedPretrainOptions = {
    ...PRETRAIN_DEFAULTS,
    data: [layout.trainFaces],
    outputDir: out,
    model: 'custom',
    custom: TINY_MODEL,
    batchSize: cfg.pretrain.batchSize,
    lr: cfg.pretrain.lr,
    normPixLoss: cfg.pretrain.normPixLoss,
    epochs: cfg.pretrain.maxEpochs,
    warmupEpochs: 0,
    saveEvery: cfg.pretrain.maxEpochs,
    visCount: 4,
    ...(hooks.threads ? { threads: hooks.threads } : {}),
  };
  const last = join(out, 'checkpoint-last.pth');
  let plan = records.read<PretrainPlan & { stepSeconds: number | null }>('pretrain-plan');
  let stepsPerEpoch = 0;
  const started = performance.now();
  if (!plan) {
    if (cfg.pretrain.probe) {
      // probe: a few steps, timed after the first (which compiles the graphs)
      const times: number[] = [];
      log(`pre-training: measuring the step time (${PROBE_STEPS} steps, batch ${base.batchSize})`);
      const r = await runPretrain(
        { ...base, maxSteps: PROBE_STEPS, visCount: 0 },
        {
          signal: hooks.signal,
          onStart: (i) => {
            stepsPerEpoch = i.stepsPerEpoch;
          },
          onStep: () => times.push(performance.now()),
          onStatsProgress: (done, total) => hooks.progress?.({ stage: 'pretrain statistics', done, total }),
        },
      );
      if (r.stopped === 'signal') throw new QuickstartInterrupted('pre-training');
      const stepSeconds = (times[times.length - 1]! - times[0]!) / 1000 / Math.max(1, times.length - 1);
      const spent = (performance.now() - started) / 1000;
      const fixed = cfg.pretrain.fixedEpochs;
      plan = {
        ...(fixed !== null
          ? fixedPretrainPlan(fixed, stepSeconds, stepsPerEpoch)
          : planPretrainEpochs({
              seconds: cfg.pretrain.seconds - spent,
              stepSeconds,
              stepsPerEpoch,
              minEpochs: cfg.pretrain.minEpochs,
              maxEpochs: cfg.pretrain.maxEpochs,
            })),
        stepSeconds,
      };
      log(
        `pre-training: ${stepSeconds.toFixed(2)} s/step × ${stepsPerEpoch} steps/epoch → ${plan.epochs} epochs (≈${Math.round(plan.expectedSeconds)} s)`,
      );
    } else {
      if (cfg.pretrain.fixedEpochs === null)
        throw new Error('a pre-training plan without a probe needs fixedEpochs');
      plan = { ...fixedPretrainPlan(cfg.pretrain.fixedEpochs, null, 0), stepSeconds: null };
    }
    await records.write('pretrain-plan', plan);
  }
  const opts: ResolvedPretrainOptions = {
    ...base,
    epochs: plan.epochs,
    warmupEpochs: plan.warmupEpochs,
    saveEvery: plan.epochs,
    ...(existsSync(last) ? { resume: last } : {}),
  };
  let total = 0;
  const r = await runPretrain(opts, {
    signal: hooks.signal,
    // the per-epoch lines repeat what the progress shows; the log.txt keeps them
    onLog: (l) => {
      if (!l.startsWith('epoch ')) log(`pre-training: ${l}`);
    },
    onStart: (i) => {
      total = i.totalIterations;
      stepsPerEpoch = i.stepsPerEpoch;
    },
    onStatsProgress: (done, n) => hooks.progress?.({ stage: 'pretrain statistics', done, total: n }),
    onStep: (p) =>
      hooks.progress?.({
        stage: 'pretrain',
        done: p.iteration,
        total: total || p.totalIterations,
        detail: `epoch ${p.epoch + 1}/${plan!.epochs} loss ${p.averages.loss?.toFixed(4)} rec ${p.averages.loss_rec_all?.toFixed(4)} cl ${p.averages.loss_cl?.toFixed(4)} target std ${p.averages.target_std?.toFixed(4)} cos ${p.averages.target_cos?.toFixed(3)}`,
      }),
  });
  if (r.stopped === 'signal') throw new QuickstartInterrupted('pre-training');
  const checkpoint = join(out, `checkpoint-${plan.epochs - 1}.pth`);
  if (!existsSync(checkpoint)) throw new Error(`pre-training finished without writing ${checkpoint}`);
  const sheets = readdirSync(out)
    .map((f) => /^reconstruction-(\d+)\.png$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
  const picked = sheets.length > 1 ? [sheets[0]!, sheets[sheets.length - 1]!] : sheets;
  return {
    epochs: plan.epochs,
    warmupEpochs: plan.warmupEpochs,
    iterations: r.iterations,
    stepsPerEpoch,
    batchSize: opts.batchSize,
    lr: cfg.pretrain.lr,
    stepSeconds: plan.stepSeconds,
    checkpoint,
    log: readEpochLog(out),
    lossCurves: join(out, 'loss_curves.svg'),
    sheets: picked.map((e) => join(out, `reconstruction-${e}.png`)),
    skippedBatches: r.skippedBatches,
    recipe: pretrainRecipe(opts),
  };
}
