// What `fsvfm quickstart` runs: the sizes of every stage for the full demo and for the shortened --quick variant.
// The numbers were chosen by measuring each stage on 2 shared cores (see the README's quickstart section).
import type { SbiStrength } from '../data/synthetic/sbiStrength.js';
import type { CustomModelDims } from '../train/pretrain/pretrainOptions.js';

export interface QuickstartOptions {
  /** output folder (report.html, summary.json, work/) */
  out: string;
  /** folder of the demo media cache (shared with `fsvfm demo fetch`) */
  mediaDir: string;
  /** shortened variant for CI: tiny step counts, no full fine-tuning */
  quick: boolean;
  /**
   * pre-training wall-time budget in minutes (the epoch count follows from the measured step time); absent: the fixed
   * DEFAULT_PRETRAIN_EPOCHS, so the figures do not depend on how busy the machine is
   */
  minutes?: number;
  /** repository root holding test/fixtures/media (the committed stills) */
  repoRoot: string;
  /** onnxruntime intra-op threads (default: all cores) */
  threads?: number;
  /**
   * train the detectors with online SBI (a fresh self-blend of each face at every step, with the shared jitter and
   * JPEG post-processing; default) or, when false, on the pre-made fakes (four per face)
   */
  onlineSbi?: boolean;
  /**
   * seed of the transfer stage (detector training, evaluation, scan; default 0); another seed reuses the faces,
   * pre-training and fakes of the same folder
   */
  seed?: number;
}

/** The tiny FS-VFM of the demo: ViT 192-wide, 4 deep at 224 px; small decoders and projector. */
export const TINY_MODEL: CustomModelDims = {
  embedDim: 192,
  depth: 4,
  numHeads: 3,
  decoderEmbedDim: 128,
  decoderDepth: 2,
  decoderNumHeads: 4,
  repDecoderDepth: 1,
  repDecoderNumHeads: 3,
  projectionSize: 64,
  projectionHiddenSize: 256,
};

/**
 * Pre-training epochs when no --minutes is given: what a 3-minute budget buys on an idle 2-core machine (measured
 * 1.02 s/step × 14 steps/epoch). A fixed count, because a budget turns into fewer epochs on a busy machine and then
 * into another encoder and other detector figures.
 */
export const DEFAULT_PRETRAIN_EPOCHS = 12;

export interface TransferConfig {
  epochs: number;
  batchSize: number;
  lr: number;
  /** RandomResizedCrop area range ([1, 1]: the whole face, blend outline included) */
  cropScale: readonly [number, number];
  /** probability of the whole-image SBI-family jitter on real and fake training images alike */
  wholeJitter: number;
  /** online SBI (`fsvfm finetune --online_sbi`) instead of the pre-made fakes; absent: off */
  onlineSbi?: OnlineSbiTransfer;
  /** layer-wise lr decay (`--layer_decay`); absent: the recipe's */
  layerDecay?: number;
  /** stochastic depth (`--drop_path`); absent: the recipe's */
  dropPath?: number;
}

export interface OnlineSbiTransfer {
  /** ranges of the fresh blends (the quickstart's SBI strength, as its test fakes) */
  sbiStrength: SbiStrength;
  /** whole-image jitter and JPEG round trip of real and fake alike (the SBI recipe: JPEG q 40–100, p 0.5) */
  wholeJitter: number;
  jpegProb: number;
}

export interface QuickstartConfig {
  quick: boolean;
  /** frames sampled from each training video (cap12, cap13: one person) */
  trainFrames: number;
  /** frames sampled from the held-out video (franck) */
  heldoutFrames: number;
  /** consecutive held-out frames grouped into one test "video" (so video-level metrics have several videos) */
  clipFrames: number;
  /** augmented copies of each held-out still (flips, small rotations, brightness) */
  stillCopies: number;
  /** SBI fakes per training face; with more than one, each epoch pairs a face with the next of its fakes */
  sbiPerTrainImage: number;
  /**
   * SBI ranges for training and held-out fakes alike: 'strong', because the default recipe leaves a median
   * difference of 1.7/255 on the soft demo webcam frames (a quarter of the fakes under 0.9/255)
   */
  sbiStrength: SbiStrength;
  pretrain: {
    batchSize: number;
    lr: number;
    /** per-patch normalised pixel targets (`--norm_pix_loss`), as every official pre-training script */
    normPixLoss: boolean;
    /** wall-time budget when fixedEpochs is null; the epoch count is derived from the measured step time */
    seconds: number;
    /** a fixed epoch count instead of a time budget */
    fixedEpochs: number | null;
    /** time a few steps first (needed for a budget; reported either way) */
    probe: boolean;
    minEpochs: number;
    maxEpochs: number;
  };
  adapter: TransferConfig;
  /** null: full fine-tuning skipped */
  full: TransferConfig | null;
  scanFrames: number;
}

export function quickstartConfig(
  o: Pick<QuickstartOptions, 'quick' | 'minutes' | 'onlineSbi'>,
): QuickstartConfig {
  const cfg = defaultRecipe(o);
  if (o.onlineSbi === false) return cfg;
  const online: OnlineSbiTransfer = { sbiStrength: cfg.sbiStrength, wholeJitter: 0.5, jpegProb: 0.5 };
  // measured on the demo split (docs/experiments.md, "Online SBI"): with fresh blends the full fine-tuning keeps
  // learning for 12 epochs at lr 1e-3 while the FS-Adapter on the 3-minute encoder barely moves off chance, so the
  // adapter gets half its pre-made-fakes epochs. The blending cue is low-level and this encoder's early blocks do not
  // carry it yet, so every block learns at the full lr (ViT-S's layer decay 0.65 over 4 blocks leaves the patch
  // embedding at 0.12×) and without drop path ("Layer decay", ibid.: SBI video AUC 0.743 → 0.895 over 3 seeds)
  return {
    ...cfg,
    adapter: { ...cfg.adapter, epochs: cfg.quick ? cfg.adapter.epochs : 12, onlineSbi: online },
    full: cfg.full
      ? { ...cfg.full, epochs: 12, lr: 1e-3, layerDecay: 1, dropPath: 0, onlineSbi: online }
      : null,
  };
}

function defaultRecipe(o: Pick<QuickstartOptions, 'quick' | 'minutes'>): QuickstartConfig {
  if (o.minutes !== undefined && !(o.minutes > 0 && o.minutes <= 600))
    throw new Error(`--minutes must be a number in (0, 600], got ${o.minutes}`);
  if (o.quick)
    return {
      quick: true,
      trainFrames: 8,
      heldoutFrames: 16,
      clipFrames: 4,
      stillCopies: 2,
      sbiPerTrainImage: 1,
      sbiStrength: 'strong',
      pretrain: {
        batchSize: 8,
        lr: 1e-3,
        normPixLoss: true,
        seconds: 0,
        fixedEpochs: 2,
        probe: false,
        minEpochs: 1,
        maxEpochs: 2,
      },
      adapter: { epochs: 2, batchSize: 8, lr: 1e-2, cropScale: [1, 1], wholeJitter: 0 },
      full: null,
      scanFrames: 6,
    };
  return {
    quick: false,
    trainFrames: 64,
    heldoutFrames: 64,
    clipFrames: 8,
    stillCopies: 8,
    sbiPerTrainImage: 4,
    sbiStrength: 'strong',
    pretrain: {
      batchSize: 16,
      lr: 1e-3,
      normPixLoss: true,
      seconds: (o.minutes ?? 0) * 60,
      fixedEpochs: o.minutes === undefined ? DEFAULT_PRETRAIN_EPOCHS : null,
      probe: true,
      minEpochs: 2,
      maxEpochs: 400,
    },
    // measured on the demo split (README, quickstart section): both learn best on whole faces (the blend outline
    // stays in view), the FS-Adapter at lr 1e-2, full fine-tuning at 5e-4 (crops and whole-image jitter cost time
    // per step and did not help at this length)
    adapter: { epochs: 24, batchSize: 16, lr: 1e-2, cropScale: [1, 1], wholeJitter: 0 },
    full: { epochs: 8, batchSize: 16, lr: 5e-4, cropScale: [1, 1], wholeJitter: 0 },
    scanFrames: 32,
  };
}
