// Set-up of a fine-tuning run (main_finetune before its epoch loop): the data and its checks, the model initialised
// from the pre-training checkpoint by the official load rules (or the state of the run being resumed), the
// normalisation statistics, parameter groups, the trainer and the validation graph.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SeededRng } from '../../data/random/seededRng.js';
import { IMAGENET_STATS, NORM_STATS_FILE, type ResolvedNormStats } from '../../io/normStats.js';
import { detectorNormStats } from '../../models/detectorKind.js';
import { DetectorRunner } from '../../models/detectorRunner.js';
import { encoderConfig } from '../../models/encoderConfig.js';
import { initFromPretrained, readCheckpoint, resolveModelSize } from '../../models/loadPretrained.js';
import type { SizeConfig } from '../../models/sizes.js';
import { seededRandom } from '../../nn/random.js';
import type { StateDict } from '../../nn/stateDict.js';
import { GraphTrainer, type ParamGroup } from '../graphTrainer.js';
import { DEFAULT_ADAMW } from '../optim/adamw.js';
import { layerDecayGroups } from '../paramGroups.js';
import type { RunPosition } from '../run/trainingRun.js';
import { loadFinetuneResume } from './finetuneCheckpoint.js';
import { type FinetuneData, loadFinetuneData } from './finetuneData.js';
import {
  buildTrainGraph,
  type FinetuneModelSpec,
  type TrainGraph,
  validationDetectorSpec,
} from './finetuneModel.js';
import type { ResolvedFinetuneOptions } from './finetuneOptions.js';
import { type OnlineSbiFaces, onlineSbiFaces } from './onlineSbiFaces.js';
import { pairedCount, pairedEpochLength } from './pairedOrder.js';

export interface FinetuneSetup {
  data: FinetuneData;
  stepsPerEpoch: number;
  size: SizeConfig;
  spec: FinetuneModelSpec;
  groups: ParamGroup[];
  paramNames: string[];
  frozen: string[];
  trainableNumel: number;
  norm: ResolvedNormStats;
  /** online SBI: the real faces blended at load time, with their stored outlines (null: the listed images) */
  onlineSbi: OnlineSbiFaces | null;
  /** the data generator: augmentation, Mixup/CutMix and drop-path masks (its state is resumed) */
  rng: SeededRng;
  trainer: GraphTrainer;
  /** the validation model (null: no validation split) */
  evaluator: DetectorRunner | null;
  start: RunPosition;
  bestValLoss: number;
}

interface Loaded {
  params: StateDict;
  slots?: StateDict;
  optimizerStep: number;
  start: RunPosition;
  bestValLoss: number;
}

const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** The training split, its epoch length and the checks that need the data. */
function loadData(r: ResolvedFinetuneOptions, log: (line: string) => void) {
  const data = loadFinetuneData(r);
  for (const w of data.warnings) log(`warning: ${w}`);
  if (r.rotateFakes && !r.pairedBatches)
    throw new Error('--rotate_fakes picks one fake per real image of a pair: use it with --paired_batches');
  const onlineSbi = r.onlineSbi
    ? onlineSbiFaces(data.train, data.classToIdx, data.realIndex, r.sbiMaps ?? [])
    : null;
  // online SBI: every real face with an outline, each followed by its fresh fake
  const epochLength = onlineSbi
    ? 2 * onlineSbi.faces.length
    : r.pairedBatches
      ? pairedEpochLength(data.train, r.rotateFakes ?? false)
      : data.train.length;
  const stepsPerEpoch = Math.floor(epochLength / r.batchSize);
  if (stepsPerEpoch === 0)
    throw new Error(
      `the training split has ${epochLength} image(s)${r.rotateFakes ? ' per epoch (one fake per real face with --rotate_fakes)' : ''}, fewer than --batch_size ${r.batchSize} (the last incomplete batch is dropped): lower --batch_size or add images`,
    );
  if (r.trainable === 'fs-adapter' && data.realIndex === null)
    throw new Error(
      `the FS-Adapter real-anchor loss needs a real class, but no class folder name contains 'real' (classes: ${Object.keys(data.classToIdx).join(', ')})`,
    );
  if (onlineSbi) logOnlineSbi(onlineSbi, log);
  return { data, epochLength, stepsPerEpoch, onlineSbi };
}

function logOnlineSbi(o: OnlineSbiFaces, log: (line: string) => void): void {
  log(
    `online SBI: ${o.faces.length} real faces, each with a fresh self-blend per epoch${o.otherClass ? `; ${o.otherClass} pre-made fake(s) of the training folders left out` : ''}`,
  );
  if (o.withoutOutline.length)
    log(
      `warning: online SBI leaves out ${o.withoutOutline.length} real face(s) without a stored parsing map or landmarks (first: ${o.withoutOutline[0]})`,
    );
}

/** Statistics the run normalises with: ImageNet's on request, else the file beside the outputs or the checkpoint. */
function normStats(r: ResolvedFinetuneOptions): ResolvedNormStats {
  if (r.normalizeFromImagenet) return { stats: IMAGENET_STATS, source: 'imagenet' };
  const beside = join(r.outputDir, NORM_STATS_FILE);
  const kind = r.trainable === 'fs-adapter' ? 'fs-adapter' : 'finetune-vit';
  return detectorNormStats(existsSync(beside) ? beside : r.finetune, kind);
}

async function resumed(
  resume: string,
  train: TrainGraph,
  paramNames: string[],
  rng: SeededRng,
  log: (line: string) => void,
): Promise<Loaded> {
  const res = await loadFinetuneResume(resume, paramNames);
  const specs = train.scope.registry.list();
  const missing = specs.filter((s) => !res.params.has(s.name)).map((s) => s.name);
  if (missing.length)
    throw new Error(`${resume} does not fit this model: missing ${missing.slice(0, 5).join(', ')}`);
  if (res.rngState) rng.setState(JSON.parse(res.rngState));
  const start =
    res.stepInEpoch === null
      ? { epoch: res.epoch + 1, step: 0 }
      : { epoch: res.epoch, step: res.stepInEpoch };
  log(`resumed from ${resume}: epoch ${start.epoch}, step ${start.step}, optimizer step ${res.step}`);
  return {
    params: new Map(specs.map((s) => [s.name, res.params.get(s.name)!])),
    slots: res.slots,
    optimizerStep: res.step,
    start,
    bestValLoss: res.bestValLoss,
  };
}

function logPairing(r: ResolvedFinetuneOptions, data: FinetuneData, log: (line: string) => void): void {
  if (!r.pairedBatches) return;
  const paired = pairedCount(data.train);
  if (paired === 0)
    throw new Error(
      'paired batches: no fake is named after a real image (<name>_sbi<k>.png beside <name>.png, or the same name); drop the pairing or rename the files',
    );
  const perEpoch = pairedEpochLength(data.train, r.rotateFakes ?? false);
  log(
    `paired batches: ${paired} of ${data.train.length} training images have a partner of the other class${r.rotateFakes ? `; ${perEpoch} per epoch, one fake per real image in turn` : ''}`,
  );
}

export async function setUpFinetune(
  r: ResolvedFinetuneOptions,
  log: (line: string) => void,
): Promise<FinetuneSetup> {
  const { data, stepsPerEpoch, onlineSbi } = loadData(r, log);
  const ckpt = await readCheckpoint(r.finetune);
  const size = resolveModelSize(ckpt, r.model, r);
  const spec: FinetuneModelSpec = {
    encoder: encoderConfig(size, { dropPath: r.dropPath, posEmbedTrainable: true }),
    numClasses: data.numClasses,
    trainable: r.trainable,
    adapterReduction: r.adapterReduction,
    realIndex: data.realIndex,
    weightCl: r.weightCl,
    temperature: r.temperature,
  };
  const train = buildTrainGraph(spec, r.batchSize, 1 / r.accumIter);
  const specs = train.scope.registry.list();
  let initial: StateDict = new Map();
  if (!r.resume) {
    const loaded = initFromPretrained(ckpt, specs, {
      kind: r.trainable === 'fs-adapter' ? 'fs-adapter' : 'classifier',
      rng: seededRandom(r.seed),
      modelName: r.model,
    });
    initial = loaded.stateDict;
    log(
      `loaded ${r.finetune} (${ckpt.detected.kind}): missing ${loaded.missing.join(', ')}; ${loaded.unexpected.length} unexpected key(s) ignored${loaded.interpolated ? `; pos_embed interpolated ${loaded.interpolated.from}→${loaded.interpolated.to}` : ''}`,
    );
  }
  mkdirSync(r.outputDir, { recursive: true });
  const norm = normStats(r);
  log(`normalisation: ${norm.source}${norm.path ? ` (${norm.path})` : ''}`);
  const groups = layerDecayGroups(specs, {
    weightDecay: r.weightDecay,
    layerDecay: r.layerDecay,
    depth: size.depth,
    trainable: train.isTrainable,
  });
  const paramNames = groups.flatMap((g) => g.params);
  const rng = new SeededRng(r.seed);
  const w: Loaded = r.resume
    ? await resumed(r.resume, train, paramNames, rng, log)
    : {
        params: initial,
        optimizerStep: 0,
        start: { epoch: 0, step: 0 },
        bestValLoss: Number.POSITIVE_INFINITY,
      };
  const trainer = await GraphTrainer.create(
    {
      loss: train.loss,
      registry: train.scope.registry,
      trainable: train.isTrainable,
      groups,
      optimizer: { kind: 'adamw', config: DEFAULT_ADAMW },
      clipGrad: r.clipGrad,
      metrics: train.metrics,
    },
    { params: w.params, ...(w.slots ? { slots: w.slots } : {}), step: w.optimizerStep },
    {
      ...(r.runtime ?? {}),
      accumSteps: r.accumIter,
      rng,
    },
  );
  const evaluator = data.val
    ? await DetectorRunner.create(validationDetectorSpec(spec, size.name), r.batchSize, r.runtime ?? {})
    : null;
  logPairing(r, data, log);
  return {
    data,
    stepsPerEpoch,
    size,
    spec,
    groups,
    paramNames,
    frozen: specs.map((s) => s.name).filter((n) => !train.isTrainable(n)),
    trainableNumel: specs.filter((s) => train.isTrainable(s.name)).reduce((a, s) => a + numel(s.shape), 0),
    norm,
    onlineSbi,
    rng,
    trainer,
    evaluator,
    start: w.start,
    bestValLoss: w.bestValLoss,
  };
}
