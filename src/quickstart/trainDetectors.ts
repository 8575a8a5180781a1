// Stage 4: deepfake detectors from the pre-trained encoder, trained on real vs SBI faces of the training identities:
// the FS-Adapter (frozen encoder, bottleneck side branch, real-anchor loss) and, for comparison, full fine-tuning.
// Augmentations that hide blending traces (RandAugment, Mixup/CutMix, random erasing) are off: the set is tiny and
// SBI is the whole training signal. Batches hold real/fake pairs (a face and its own SBI), as SBI trains, and with
// several fakes per face each epoch pairs a face with the next one (a fresh self-blend per epoch).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FinetuneOptions, TrainableModules } from '../train/finetune/index.js';
import { finetune } from '../train/finetune/index.js';
import { type QuickstartConfig, TINY_MODEL, type TransferConfig } from './quickstartConfig.js';
import { type QuickstartHooks, QuickstartInterrupted } from './quickstartHooks.js';
import type { QuickstartLayout } from './quickstartLayout.js';

export type TransferMode = 'fs-adapter' | 'full';

export interface TransferRecord {
  mode: TransferMode;
  trainableParameters: number;
  /** wall time of the training in this invocation (s) */
  seconds: number;
  epochs: number;
  batchSize: number;
  lr: number;
  cropScale?: readonly [number, number];
  /** absent: the recipe's */
  layerDecay?: number;
  dropPath?: number;
  wholeJitter?: number;
  /** trained with online SBI (absent in records of older runs: pre-made fakes) */
  onlineSbi?: boolean;
  /** the run's seed (absent in records of older runs: 0) */
  seed?: number;
  trainImages: number;
  trainLoss: number[];
  checkpoint: string;
}

export const TRANSFER_LABEL: Record<TransferMode, string> = {
  'fs-adapter': 'FS-Adapter',
  full: 'full fine-tuning',
};

export async function trainDetector(
  mode: TransferMode,
  t: TransferConfig,
  fakesPerFace: number,
  pretrained: string,
  layout: QuickstartLayout,
  hooks: QuickstartHooks & { threads?: number; seed?: number },
): Promise<TransferRecord> {
  const out = layout.detector(mode);
  const last = join(out, 'checkpoint-last.pth');
  let steps = 0;
  let epochs = t.epochs;
  let trainImages = 0;
  const losses: number[] = [];
  const t0 = performance.now();
  const r = await finetune(
    detectorFinetuneOptions(mode, t, fakesPerFace, pretrained, layout, {
      ...(existsSync(last) ? { resume: last } : {}),
      ...(hooks.threads ? { threads: hooks.threads } : {}),
      ...(hooks.seed ? { seed: hooks.seed } : {}),
    }),
    {
      signal: hooks.signal,
      onStart: (i) => {
        steps = i.stepsPerEpoch;
        epochs = i.epochs;
        trainImages = i.trainImages;
      },
      onStep: (s) =>
        hooks.progress?.({
          stage: `train ${TRANSFER_LABEL[mode]}`,
          done: s.epoch * steps + s.step + 1,
          total: epochs * steps,
          detail: `epoch ${s.epoch + 1}/${epochs} loss ${s.loss.toFixed(4)}`,
        }),
      onEpoch: (e) => losses.push(e.trainLoss),
      onLog: (l) => hooks.log?.(`${TRANSFER_LABEL[mode]}: ${l}`),
    },
  );
  if (r.interrupted) throw new QuickstartInterrupted(`training the ${TRANSFER_LABEL[mode]} detector`);
  const checkpoint = join(out, `checkpoint-${t.epochs - 1}.pth`);
  if (!existsSync(checkpoint))
    throw new Error(`${TRANSFER_LABEL[mode]} training finished without ${checkpoint}`);
  return {
    mode,
    trainableParameters: r.trainableParameters,
    seconds: (performance.now() - t0) / 1000,
    epochs: t.epochs,
    batchSize: t.batchSize,
    lr: t.lr,
    cropScale: t.cropScale,
    ...(t.layerDecay !== undefined ? { layerDecay: t.layerDecay } : {}),
    ...(t.dropPath !== undefined ? { dropPath: t.dropPath } : {}),
    wholeJitter: t.onlineSbi?.wholeJitter ?? t.wholeJitter,
    ...(t.onlineSbi ? { onlineSbi: true } : {}),
    seed: hooks.seed ?? 0,
    trainImages,
    trainLoss: losses,
    checkpoint,
  };
}

/**
 * The `finetune` options of one quickstart detector: the tiny encoder, both training roots, the transfer config,
 * and real/fake pairs either from online SBI or from the pre-made fakes.
 */
export function detectorFinetuneOptions(
  mode: TransferMode,
  t: TransferConfig,
  fakesPerFace: number,
  pretrained: string,
  layout: QuickstartLayout,
  run: { resume?: string; threads?: number; seed?: number } = {},
): FinetuneOptions {
  const trainable: TrainableModules = mode === 'fs-adapter' ? 'fs-adapter' : 'all';
  return {
    dataPath: [layout.trainSet, layout.groupSet],
    // people in neither set: the split each checkpoint's decision threshold is calibrated on (calibration.json)
    valPath: [layout.valSet],
    // validated (and so calibrated) on whole faces, the framing of the training crops and of every scan
    valTransform: 'resize',
    finetune: pretrained,
    model: 'custom',
    numHeads: TINY_MODEL.numHeads,
    trainable,
    outputDir: layout.detector(mode),
    batchSize: t.batchSize,
    epochs: t.epochs,
    lr: t.lr,
    warmupEpochs: t.epochs >= 4 ? 1 : 0,
    aa: null,
    mixup: 0,
    cutmix: 0,
    reprob: 0,
    cropScale: t.cropScale,
    ...(t.layerDecay !== undefined ? { layerDecay: t.layerDecay } : {}),
    ...(t.dropPath !== undefined ? { dropPath: t.dropPath } : {}),
    ...(t.onlineSbi
      ? {
          // each real face and a fresh self-blend of itself in one batch, blended from its parsing map
          onlineSbi: true,
          sbiStrength: t.onlineSbi.sbiStrength,
          sbiMaps: [join(layout.trainFaces, 'parsing_maps')],
          wholeJitter: t.onlineSbi.wholeJitter,
          jpegProb: t.onlineSbi.jpegProb,
        }
      : {
          wholeJitter: t.wholeJitter,
          // each real face and its SBI fake in one batch: only the blend differs within a pair
          pairedBatches: true,
          rotateFakes: fakesPerFace > 1,
        }),
    ...(run.seed !== undefined ? { seed: run.seed } : {}),
    ...(run.resume ? { resume: run.resume } : {}),
    ...(run.threads ? { runtime: { threads: run.threads } } : {}),
  };
}

/** The transfer modes a config runs, in report order. */
export function transferModes(cfg: QuickstartConfig): [TransferMode, TransferConfig][] {
  return cfg.full
    ? [
        ['fs-adapter', cfg.adapter],
        ['full', cfg.full],
      ]
    : [['fs-adapter', cfg.adapter]];
}
