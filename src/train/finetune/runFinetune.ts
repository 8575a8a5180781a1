// `fsvfm finetune`: DfD / DiFF transfer from a pre-trained encoder (SPEC §5.3 full fine-tuning, §5.4 FS-Adapter):
// official load rules, layer-wise lr decay + weight-decay groups, warm-up + cosine per iteration, drop path,
// Mixup/CutMix with smoothed soft targets, the real-anchor loss on pre-mixup labels (FS-Adapter), model selection by
// validation CE, official checkpoints, JSON-lines log, resumable and interruptible between steps.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RgbImage } from '../../data/image/rgbImage.js';
import { SeededRng } from '../../data/random/seededRng.js';
import { type EvalTransformName, evalTransform } from '../../data/transforms/evalTransforms.js';
import { FINETUNE_MIXUP, mixupCutmix, mixupTargets } from '../../data/transforms/mixupCutmix.js';
import { FINETUNE_RRC } from '../../data/transforms/randomResizedCrop.js';
import { gauss } from '../../data/transforms/rng.js';
import { finetuneTrainPipeline, runPipeline } from '../../data/transforms/trainTransform.js';
import { rocAucRaw } from '../../eval/auc.js';
import { compile, type HostTensor, type RuntimeOptions } from '../../graph/index.js';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import {
  IMAGENET_STATS,
  NORM_STATS_FILE,
  normStatsForCheckpoint,
  type ResolvedNormStats,
} from '../../io/normStats.js';
import { encoderConfig } from '../../models/encoderConfig.js';
import { initFromPretrained, readCheckpoint, resolveModelSize } from '../../models/loadPretrained.js';
import { seededRandom } from '../../nn/random.js';
import type { StateDict } from '../../nn/stateDict.js';
import { GraphTrainer, type ParamGroup } from '../graphTrainer.js';
import { DEFAULT_ADAMW } from '../optim/adamw.js';
import { layerDecayGroups } from '../paramGroups.js';
import { lrAt, scaledLr } from '../schedules.js';
import { loadFinetuneResume, saveFinetuneCheckpoint } from './finetuneCheckpoint.js';
import { type FinetuneDataOptions, loadFinetuneData } from './finetuneData.js';
import {
  buildEvalGraph,
  buildTrainGraph,
  type FinetuneModelSpec,
  type TrainableModules,
} from './finetuneModel.js';
import { DecodedImageCache, loadBatch } from './imageBatches.js';
import { pairedCount, pairedEpochLength, pairedOrder } from './pairedOrder.js';
import { jitterWholeImage } from './wholeImageJitter.js';

export interface FinetuneOptions extends FinetuneDataOptions {
  /** pre-training checkpoint (.pth online / target) or encoder .safetensors */
  finetune: string;
  /** official downstream name (vit_small_patch16 …) or `custom` (size from the checkpoint) */
  model: string;
  numHeads?: number;
  embedDim?: number;
  depth?: number;
  trainable: TrainableModules;
  outputDir: string;
  batchSize?: number;
  epochs?: number;
  /** absolute lr; default blr · batch · accum / 256 */
  lr?: number;
  blr?: number;
  minLr?: number;
  layerDecay?: number;
  weightDecay?: number;
  dropPath?: number;
  warmupEpochs?: number;
  smoothing?: number;
  mixup?: number;
  cutmix?: number;
  mixupProb?: number;
  mixupSwitchProb?: number;
  reprob?: number;
  /**
   * probability of the whole-image SBI-family jitter (colour shift, downscale/sharpen) on every training image,
   * real and fake alike, before the crop; 0 (default) off
   */
  wholeJitter?: number;
  /** keep each real image and the fakes named after it in the same batch (see pairedOrder) */
  pairedBatches?: boolean;
  /**
   * with pairedBatches: each epoch pairs every real image with one of its fakes, a different one each epoch, so K
   * pre-made fakes per face act as fresh self-blends and the classes stay balanced (see pairedOrder)
   */
  rotateFakes?: boolean;
  /** RandAugment config (timm syntax) or null for none */
  aa?: string | null;
  /** RandomResizedCrop area range; [1, 1] keeps the whole face (blending traces sit on its outline) */
  cropScale?: readonly [number, number];
  weightCl?: number;
  temperature?: number;
  adapterReduction?: number;
  accumIter?: number;
  clipGrad?: number;
  seed?: number;
  /** checkpoint written by this command (checkpoint-last.pth or any checkpoint-*.pth) */
  resume?: string;
  valTransform?: EvalTransformName;
  normalizeFromImagenet?: boolean;
  /** decoded-image cache size in bytes */
  cacheBytes?: number;
  runtime?: RuntimeOptions;
  /** stop after the current step; the state is saved to checkpoint-last.pth */
  signal?: AbortSignal;
}

export interface FinetuneStepInfo {
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  loss: number;
  lr: number;
  metrics: Record<string, number>;
}

export interface FinetuneEpochInfo {
  epoch: number;
  trainLoss: number;
  lr: number;
  valLoss: number | null;
  valAuc: number | null;
  valAcc: number | null;
  bestValLoss: number;
  saved: string[];
  skippedSteps: number;
}

export interface FinetuneCallbacks {
  onStart?: (info: {
    stepsPerEpoch: number;
    startEpoch: number;
    startStep: number;
    epochs: number;
    trainImages: number;
    valImages: number;
  }) => void;
  onStep?: (s: FinetuneStepInfo) => void;
  onEpoch?: (e: FinetuneEpochInfo) => void;
  onValidation?: (p: { done: number; total: number }) => void;
  onLog?: (line: string) => void;
}

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

interface Resolved {
  batchSize: number;
  epochs: number;
  blr: number;
  minLr: number;
  layerDecay: number;
  weightDecay: number;
  dropPath: number;
  warmupEpochs: number;
  smoothing: number;
  mixup: number;
  cutmix: number;
  mixupProb: number;
  mixupSwitchProb: number;
  reprob: number;
  wholeJitter: number;
  aa: string | null;
  cropScale: readonly [number, number];
  weightCl: number;
  temperature: number;
  adapterReduction: number;
  accumIter: number;
  seed: number;
}

/** Defaults: the packaged scripts' common values (§5.3 full FT, §5.4 FS-Adapter). */
export function finetuneDefaults(trainable: TrainableModules): Resolved {
  const adapter = trainable === 'fs-adapter';
  return {
    batchSize: 32,
    epochs: adapter ? 50 : 10,
    blr: adapter ? 5e-3 : 2e-4,
    minLr: 1e-6,
    layerDecay: adapter ? 0 : 0.65,
    weightDecay: adapter ? 0 : 0.03,
    dropPath: 0.1,
    warmupEpochs: 5,
    smoothing: 0.1,
    mixup: 0.8,
    cutmix: 1.0,
    mixupProb: 1.0,
    mixupSwitchProb: 0.5,
    reprob: 0.25,
    wholeJitter: 0,
    aa: 'rand-m9-mstd0.5-inc1',
    cropScale: FINETUNE_RRC.scale,
    weightCl: 0.01,
    temperature: 0.07,
    adapterReduction: 4,
    accumIter: 1,
    seed: 0,
  };
}

function resolve(o: FinetuneOptions): Resolved {
  const d = finetuneDefaults(o.trainable);
  const r: Resolved = {
    batchSize: o.batchSize ?? d.batchSize,
    epochs: o.epochs ?? d.epochs,
    blr: o.blr ?? d.blr,
    minLr: o.minLr ?? d.minLr,
    layerDecay: o.layerDecay ?? d.layerDecay,
    weightDecay: o.weightDecay ?? d.weightDecay,
    dropPath: o.dropPath ?? d.dropPath,
    warmupEpochs: o.warmupEpochs ?? d.warmupEpochs,
    smoothing: o.smoothing ?? d.smoothing,
    mixup: o.mixup ?? d.mixup,
    cutmix: o.cutmix ?? d.cutmix,
    mixupProb: o.mixupProb ?? d.mixupProb,
    mixupSwitchProb: o.mixupSwitchProb ?? d.mixupSwitchProb,
    reprob: o.reprob ?? d.reprob,
    wholeJitter: o.wholeJitter ?? d.wholeJitter,
    aa: o.aa === undefined ? d.aa : o.aa,
    cropScale: o.cropScale ?? d.cropScale,
    weightCl: o.weightCl ?? d.weightCl,
    temperature: o.temperature ?? d.temperature,
    adapterReduction: o.adapterReduction ?? d.adapterReduction,
    accumIter: o.accumIter ?? d.accumIter,
    seed: o.seed ?? d.seed,
  };
  const positiveInt = (k: 'batchSize' | 'epochs' | 'accumIter') => {
    if (!Number.isInteger(r[k]) || r[k] < 1)
      throw new Error(
        `--${k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)} must be a positive integer, got ${r[k]}`,
      );
  };
  positiveInt('batchSize');
  positiveInt('epochs');
  positiveInt('accumIter');
  const [cLo, cHi] = r.cropScale;
  if (!(cLo > 0 && cLo <= cHi && cHi <= 1))
    throw new Error(`--crop_scale must be lo,hi with 0 < lo ≤ hi ≤ 1, got ${r.cropScale.join(',')}`);
  if (!(r.wholeJitter >= 0 && r.wholeJitter <= 1))
    throw new Error(`--whole_jitter must be a probability in [0, 1], got ${r.wholeJitter}`);
  if ((r.mixup > 0 || r.cutmix > 0) && r.batchSize % 2 !== 0)
    throw new Error(`Mixup/CutMix needs an even --batch_size, got ${r.batchSize}`);
  if (!(r.warmupEpochs >= 0 && r.warmupEpochs <= r.epochs))
    throw new Error(`--warmup_epochs ${r.warmupEpochs} must lie in [0, --epochs ${r.epochs}]`);
  return r;
}

/** RandomSource (drop-path masks, inits) over the JSON-serialisable data generator. */
const randomSourceOf = (rng: SeededRng) => ({ uniform: () => rng.uniform(), normal: () => gauss(rng) });

function shuffled(n: number, seed: number, epoch: number): Int32Array {
  return new SeededRng(seed * 100_003 + epoch).randperm(n);
}

const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Deep copies of the named entries (optimizers may update arrays in place). */
function copyEntries(sd: StateDict, names: readonly string[]): StateDict {
  const out: StateDict = new Map();
  for (const n of names) {
    const t = sd.get(n);
    if (t) out.set(n, { shape: [...t.shape], data: Float32Array.from(t.data) });
  }
  return out;
}

/** Fine-tunes and writes checkpoints / logs into `outputDir`. */
export async function finetune(o: FinetuneOptions, cb: FinetuneCallbacks = {}): Promise<FinetuneResult> {
  const r = resolve(o);
  const log = (line: string) => cb.onLog?.(line);
  const data = loadFinetuneData(o);
  for (const w of data.warnings) log(`warning: ${w}`);
  if (o.rotateFakes && !o.pairedBatches)
    throw new Error('--rotate_fakes picks one fake per real image of a pair: use it with --paired_batches');
  const epochLength = o.pairedBatches
    ? pairedEpochLength(data.train, o.rotateFakes ?? false)
    : data.train.length;
  const stepsPerEpoch = Math.floor(epochLength / r.batchSize);
  if (stepsPerEpoch === 0)
    throw new Error(
      `the training split has ${epochLength} image(s)${o.rotateFakes ? ' per epoch (one fake per real face with --rotate_fakes)' : ''}, fewer than --batch_size ${r.batchSize} (the last incomplete batch is dropped): lower --batch_size or add images`,
    );
  if (o.trainable === 'fs-adapter' && data.realIndex === null)
    throw new Error(
      `the FS-Adapter real-anchor loss needs a real class, but no class folder name contains 'real' (classes: ${Object.keys(data.classToIdx).join(', ')})`,
    );

  // model + official init from the pre-training checkpoint
  const ckpt = await readCheckpoint(o.finetune);
  const size = resolveModelSize(ckpt, o.model, o);
  const encoder = encoderConfig(size, { dropPath: r.dropPath, posEmbedTrainable: true });
  const spec: FinetuneModelSpec = {
    encoder,
    numClasses: data.numClasses,
    trainable: o.trainable,
    adapterReduction: r.adapterReduction,
    realIndex: data.realIndex,
    weightCl: r.weightCl,
    temperature: r.temperature,
  };
  const train = buildTrainGraph(spec, r.batchSize, 1 / r.accumIter);
  const specs = train.scope.registry.list();
  const initRng = seededRandom(r.seed);
  let params: StateDict;
  if (!o.resume) {
    const loaded = initFromPretrained(ckpt, specs, {
      kind: o.trainable === 'fs-adapter' ? 'fs-adapter' : 'classifier',
      rng: initRng,
      modelName: o.model,
    });
    params = loaded.stateDict;
    log(
      `loaded ${o.finetune} (${ckpt.detected.kind}): missing ${loaded.missing.join(', ')}; ${loaded.unexpected.length} unexpected key(s) ignored${loaded.interpolated ? `; pos_embed interpolated ${loaded.interpolated.from}→${loaded.interpolated.to}` : ''}`,
    );
  } else params = new Map();

  // normalisation statistics: copied beside the outputs (SPEC §2.6)
  mkdirSync(o.outputDir, { recursive: true });
  const statsSrc = join(dirname(o.finetune), NORM_STATS_FILE);
  const statsDst = join(o.outputDir, NORM_STATS_FILE);
  if (!o.normalizeFromImagenet && existsSync(statsSrc) && !existsSync(statsDst))
    copyFileSync(statsSrc, statsDst);
  const norm: ResolvedNormStats = o.normalizeFromImagenet
    ? { stats: IMAGENET_STATS, source: 'imagenet' }
    : normStatsForCheckpoint(statsDst, 'vggface2');
  log(`normalisation: ${norm.source}${norm.path ? ` (${norm.path})` : ''}`);

  const groups: ParamGroup[] = layerDecayGroups(specs, {
    weightDecay: r.weightDecay,
    layerDecay: r.layerDecay,
    depth: size.depth,
    trainable: train.isTrainable,
  });
  const paramNames = groups.flatMap((g) => g.params);
  const frozen = specs.map((s) => s.name).filter((n) => !train.isTrainable(n));
  const trainableNumel = specs
    .filter((s) => train.isTrainable(s.name))
    .reduce((a, s) => a + numel(s.shape), 0);
  const rng = new SeededRng(r.seed);
  let startEpoch = 0;
  let startStep = 0;
  let bestValLoss = Number.POSITIVE_INFINITY;
  let slots: StateDict | undefined;
  let optStep = 0;
  if (o.resume) {
    const res = await loadFinetuneResume(o.resume, paramNames);
    const missing = specs.filter((s) => !res.params.has(s.name)).map((s) => s.name);
    if (missing.length)
      throw new Error(`${o.resume} does not fit this model: missing ${missing.slice(0, 5).join(', ')}`);
    params = new Map(specs.map((s) => [s.name, res.params.get(s.name)!]));
    slots = res.slots;
    optStep = res.step;
    bestValLoss = res.bestValLoss;
    if (res.rngState) rng.setState(JSON.parse(res.rngState));
    if (res.stepInEpoch === null) startEpoch = res.epoch + 1;
    else {
      startEpoch = res.epoch;
      startStep = res.stepInEpoch;
    }
    log(`resumed from ${o.resume}: epoch ${startEpoch}, step ${startStep}, optimizer step ${optStep}`);
  }

  const runtime = o.runtime ?? {};
  const trainer = await GraphTrainer.create(
    {
      loss: train.loss,
      registry: train.scope.registry,
      trainable: train.isTrainable,
      groups,
      optimizer: { kind: 'adamw', config: DEFAULT_ADAMW },
      clipGrad: o.clipGrad,
      metrics: train.metrics,
    },
    { params, ...(slots ? { slots } : {}), step: optStep },
    { ...runtime, accumSteps: r.accumIter, rng: randomSourceOf(rng) },
  );
  const evalGraph = data.val ? buildEvalGraph(spec, r.batchSize) : null;
  const evalExe = evalGraph ? await compile({ logits: evalGraph.logits }, runtime) : null;

  const lr = o.lr ?? scaledLr(r.blr, r.batchSize * r.accumIter);
  const schedule = { lr, minLr: r.minLr, warmupEpochs: r.warmupEpochs, epochs: r.epochs };
  const mixActive = r.mixup > 0 || r.cutmix > 0;
  const mixOpts = {
    ...FINETUNE_MIXUP,
    mixupAlpha: r.mixup,
    cutmixAlpha: r.cutmix,
    prob: r.mixupProb,
    switchProb: r.mixupSwitchProb,
    labelSmoothing: r.smoothing,
    numClasses: data.numClasses,
  };
  const pipeline = finetuneTrainPipeline({
    norm: norm.stats,
    inputSize: size.imgSize,
    autoAugment: r.aa,
    reprob: r.reprob,
    cropScale: r.cropScale,
  });
  const cache = new DecodedImageCache(o.cacheBytes);
  const S = size.imgSize;
  const logPath = join(o.outputDir, 'log.txt');
  const args: Record<string, string | number | boolean | null> = {
    batch_size: r.batchSize,
    epochs: r.epochs,
    accum_iter: r.accumIter,
    model: o.model,
    input_size: S,
    drop_path: r.dropPath,
    clip_grad: o.clipGrad ?? null,
    weight_decay: r.weightDecay,
    lr,
    blr: r.blr,
    layer_decay: r.layerDecay,
    min_lr: r.minLr,
    warmup_epochs: r.warmupEpochs,
    smoothing: r.smoothing,
    reprob: r.reprob,
    whole_jitter: r.wholeJitter,
    paired_batches: o.pairedBatches ?? false,
    rotate_fakes: o.rotateFakes ?? false,
    crop_scale: r.cropScale.join(','),
    mixup: r.mixup,
    cutmix: r.cutmix,
    mixup_prob: r.mixupProb,
    mixup_switch_prob: r.mixupSwitchProb,
    mixup_mode: 'batch',
    finetune: o.finetune,
    global_pool: true,
    nb_classes: data.numClasses,
    output_dir: o.outputDir,
    seed: r.seed,
    resume: o.resume ?? '',
    trainable_modules: o.trainable,
    adapter_reduction: r.adapterReduction,
    weight_cl: r.weightCl,
    temperature: r.temperature,
    normalize_from_IMN: o.normalizeFromImagenet ?? false,
  };
  const save = async (file: string, epoch: number, stepInEpoch: number | null, curLr: number) => {
    const path = join(o.outputDir, file);
    await saveFinetuneCheckpoint({
      path,
      params: trainer.state.params,
      trainer: trainer.state,
      groups,
      lr: curLr,
      adamw: DEFAULT_ADAMW,
      epoch,
      args,
      resume: { epoch, stepInEpoch, rngState: JSON.stringify(rng.getState()), bestValLoss, paramNames },
    });
    return path;
  };
  const appendLog = async (entry: Record<string, unknown>) => {
    const prev = existsSync(logPath) ? readFileSync(logPath, 'utf8') : '';
    await writeFileAtomic(logPath, (fd) => {
      writeSync(fd, `${prev}${JSON.stringify(entry)}\n`);
    });
  };

  if (o.pairedBatches) {
    const paired = pairedCount(data.train);
    if (paired === 0)
      throw new Error(
        'paired batches: no fake is named after a real image (<name>_sbi<k>.png beside <name>.png, or the same name); drop the pairing or rename the files',
      );
    log(
      `paired batches: ${paired} of ${data.train.length} training images have a partner of the other class${o.rotateFakes ? `; ${epochLength} per epoch, one fake per real image in turn` : ''}`,
    );
  }
  cb.onStart?.({
    stepsPerEpoch,
    startEpoch,
    startStep,
    epochs: r.epochs,
    trainImages: data.train.length,
    valImages: data.val?.length ?? 0,
  });
  let best: string | null = existsSync(join(o.outputDir, 'checkpoint-min_val_loss.pth'))
    ? join(o.outputDir, 'checkpoint-min_val_loss.pth')
    : null;
  let last: string | null = null;
  let curLr = lrAt(schedule, startEpoch + startStep / stepsPerEpoch);
  let epochsDone = startEpoch;
  const trainTransform = (img: RgbImage) =>
    runPipeline(pipeline, jitterWholeImage(img, r.wholeJitter, rng), rng).tensor;

  for (let epoch = startEpoch; epoch < r.epochs; epoch++) {
    const order = o.pairedBatches
      ? pairedOrder(data.train, r.seed, epoch, o.rotateFakes ?? false)
      : shuffled(data.train.length, r.seed, epoch);
    let lossSum = 0;
    let lossCount = 0;
    let skipped = 0;
    for (let step = epoch === startEpoch ? startStep : 0; step < stepsPerEpoch; step++) {
      if (o.signal?.aborted) {
        last = await save('checkpoint-last.pth', epoch, step, curLr);
        log(`interrupted at epoch ${epoch} step ${step}; resume with --resume ${last}`);
        return {
          outputDir: o.outputDir,
          best,
          last,
          interrupted: true,
          epochsDone,
          bestValLoss,
          trainableParameters: trainableNumel,
          frozen,
          log: logPath,
          norm,
        };
      }
      if (step % r.accumIter === 0) curLr = lrAt(schedule, step / stepsPerEpoch + epoch);
      const samples = Array.from(
        order.subarray(step * r.batchSize, (step + 1) * r.batchSize),
        (i) => data.train[i]!,
      );
      const batch = await loadBatch(samples, cache, S, trainTransform);
      const shape = [r.batchSize, 3, S, S] as const;
      const targets = mixActive
        ? mixupCutmix(batch.images, shape, batch.labels, mixOpts, rng).targets
        : mixupTargets(batch.labels, data.numClasses, 1, r.smoothing);
      const feeds: Record<string, HostTensor> = {
        images: { dtype: 'float32', shape: [...shape], data: batch.images },
        targets: { dtype: 'float32', shape: [r.batchSize, data.numClasses], data: targets },
      };
      if (o.trainable === 'fs-adapter')
        feeds.labels = {
          dtype: 'int64',
          shape: [r.batchSize],
          data: BigInt64Array.from(batch.labels, (v) => BigInt(v)),
        };
      // the FS-Adapter skips a non-finite batch (SPEC §5.4) but the update runs with the step: keep copies of the
      // (few) trainable tensors and their optimizer slots to undo it
      const before =
        o.trainable === 'fs-adapter'
          ? {
              params: copyEntries(trainer.state.params, trainer.trainableNames),
              slots: copyEntries(
                trainer.state.slots,
                trainer.trainableNames.flatMap((n) => [`m:${n}`, `v:${n}`]),
              ),
              step: trainer.state.step,
            }
          : null;
      const res = await trainer.step(feeds, { lr: curLr });
      const loss = res.metrics.loss_unscaled ?? res.loss;
      if (!Number.isFinite(loss)) {
        if (!before)
          throw new Error(
            `loss is ${loss} at epoch ${epoch} step ${step}; stopping (lower --blr, or check the data)`,
          );
        for (const [k, v] of before.params) trainer.state.params.set(k, v);
        for (const [k, v] of before.slots) trainer.state.slots.set(k, v);
        trainer.state.step = before.step;
        trainer.discardAccumulated();
        skipped++;
        log(`warning: loss is ${loss} at epoch ${epoch} step ${step}, batch skipped`);
        continue;
      }
      lossSum += loss;
      lossCount++;
      cb.onStep?.({ epoch, step, stepsPerEpoch, loss, lr: curLr, metrics: res.metrics });
    }
    const trainLoss = lossCount ? lossSum / lossCount : Number.NaN;

    // validation: plain CE on hard labels, mean of per-batch means; global AUC (SPEC §9 #14)
    let valLoss: number | null = null;
    let valAuc: number | null = null;
    let valAcc: number | null = null;
    if (data.val && evalExe && evalGraph) {
      const feeds: Record<string, HostTensor> = {};
      for (const s of evalGraph.scope.registry.list()) {
        const t = trainer.state.params.get(s.name)!;
        feeds[s.name] = { dtype: 'float32', shape: t.shape, data: t.data };
      }
      const valTransform = o.valTransform ?? 'resize256-centercrop224';
      let batchLossSum = 0;
      let batches = 0;
      let correct = 0;
      const scores: number[] = [];
      const isReal: number[] = [];
      const realIdx = data.realIndex ?? 1;
      for (let i = 0; i < data.val.length; i += r.batchSize) {
        const samples = data.val.slice(i, i + r.batchSize);
        const b = await loadBatch(samples, cache, S, (img) =>
          evalTransform(valTransform, img, norm.stats, S),
        );
        const padded = new Float32Array(r.batchSize * 3 * S * S);
        padded.set(b.images);
        const out = await evalExe.run({
          ...feeds,
          images: { dtype: 'float32', shape: [r.batchSize, 3, S, S], data: padded },
        });
        const z = out.logits!.data as Float32Array;
        const C = data.numClasses;
        let sum = 0;
        for (let k = 0; k < b.count; k++) {
          const row = Array.from(z.subarray(k * C, (k + 1) * C));
          const m = Math.max(...row);
          const lse = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
          sum += lse - row[b.labels[k]!]!;
          if (row.indexOf(m) === b.labels[k]) correct++;
          scores.push(Math.exp(row[realIdx]! - lse));
          isReal.push(b.labels[k] === realIdx ? 1 : 0);
        }
        batchLossSum += sum / b.count;
        batches++;
        cb.onValidation?.({ done: Math.min(data.val.length, i + r.batchSize), total: data.val.length });
      }
      valLoss = batchLossSum / batches;
      valAcc = (100 * correct) / data.val.length;
      valAuc = isReal.includes(0) && isReal.includes(1) ? 100 * rocAucRaw(isReal, scores) : null;
    }
    // selection: validation loss, or the training loss when there is no validation split
    const selectBy = valLoss ?? trainLoss;
    const saved: string[] = [];
    if (selectBy < bestValLoss) {
      bestValLoss = selectBy;
      best = await save('checkpoint-min_val_loss.pth', epoch, null, curLr);
      saved.push(best);
    }
    if (epoch + 1 === r.epochs) saved.push(await save(`checkpoint-${epoch}.pth`, epoch, null, curLr));
    last = await save('checkpoint-last.pth', epoch, null, curLr);
    epochsDone = epoch + 1;
    await appendLog({
      train_lr: curLr,
      train_loss: trainLoss,
      ...(valLoss !== null ? { test_loss: valLoss, test_auc: valAuc, test_acc1: valAcc } : {}),
      selected_by: valLoss !== null ? 'val_loss' : 'train_loss',
      epoch,
      n_parameters: trainableNumel,
      skipped_steps: skipped,
    });
    cb.onEpoch?.({
      epoch,
      trainLoss,
      lr: curLr,
      valLoss,
      valAuc,
      valAcc,
      bestValLoss,
      saved,
      skippedSteps: skipped,
    });
  }
  return {
    outputDir: o.outputDir,
    best,
    last,
    interrupted: false,
    epochsDone,
    bestValLoss,
    trainableParameters: trainableNumel,
    frozen,
    log: logPath,
    norm,
  };
}
