// Options of `fsvfm finetune` (the official main_finetune flags, SPEC §5.3 full fine-tuning, §5.4 FS-Adapter), their
// defaults — the reference recipe of the task, model size and mode (../transferRecipes.ts) — and the checks on them.
import type { SbiStrength } from '../../data/synthetic/sbiStrength.js';
import type { EvalTransformName } from '../../data/transforms/evalTransforms.js';
import { FINETUNE_RRC } from '../../data/transforms/randomResizedCrop.js';
import { checkJpegQualityRange, JPEG_QUALITY_RANGE } from '../../data/transforms/trainingPostprocess.js';
import type { RuntimeOptions } from '../../graph/index.js';
import {
  type AppliedRecipe,
  appliedRecipe,
  chooseRecipe,
  type RecipeChoice,
  snakeFlag,
} from '../recipeChoice.js';
import { withDefaults } from '../run/withDefaults.js';
import { scaledLr } from '../schedules.js';
import {
  FINETUNE_RECIPE_KEYS,
  type FinetuneRecipe,
  type FinetuneRecipeValues,
  type FinetuneTask,
  trainableOf,
} from '../transferRecipes.js';
import type { FinetuneDataOptions } from './finetuneData.js';
import type { TrainableModules } from './finetuneModel.js';

export interface FinetuneOptions extends FinetuneDataOptions {
  /** pre-training checkpoint (.pth online / target) or encoder .safetensors */
  finetune: string;
  /** official downstream name (vit_small_patch16 …) or `custom` (size from the checkpoint) */
  model: string;
  numHeads?: number;
  embedDim?: number;
  depth?: number;
  /** default: all, or the mode of `recipe` */
  trainable?: TrainableModules;
  /** dfd (default) or diff: picks the default recipe (SPEC §5.3 / §5.4 differ per task) */
  task?: FinetuneTask;
  /** a named reference recipe (transferRecipes.ts); default: the one of task, model size and trainable */
  recipe?: string;
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
  /**
   * train on the real faces only, each paired in its batch with a fresh self-blend of itself made at every step in
   * the loader workers from the parsing map or landmarks stored with the crop (onlineSbiFaces.ts); pre-made fakes in
   * the training folders are left out
   */
  onlineSbi?: boolean;
  /** ranges of the online self-blends (default: the reference ranges) */
  sbiStrength?: SbiStrength;
  /** more folders holding `<name>.npy` parsing maps of the training faces (beside `images/` is always looked at) */
  sbiMaps?: string[];
  /** probability of a JPEG round trip of every training image, real and fake alike (default 0.5 with onlineSbi, else 0) */
  jpegProb?: number;
  /** JPEG quality range of that round trip (default 40,100) */
  jpegQuality?: readonly [number, number];
  /** loader worker threads making the online self-blends (0: main thread; same results either way) */
  workers?: number;
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
}

/** Every option that has a default: the recipe's values and fsvfm's own additions. */
export interface FinetuneDefaults extends FinetuneRecipeValues {
  wholeJitter: number;
  cropScale: readonly [number, number];
  seed: number;
}

/** Defaults: the recipe's values (SPEC §5.3 full FT, §5.4 FS-Adapter); fsvfm's additions are off. */
export function finetuneDefaults(recipe: FinetuneRecipe): FinetuneDefaults {
  return { ...recipe.values, wholeJitter: 0, cropScale: FINETUNE_RRC.scale, seed: 0 };
}

/** inert in full fine-tuning (no adapter, no real-anchor loss): not printed there */
const ADAPTER_ONLY = new Set<string>(['weightCl', 'temperature', 'adapterReduction']);

/** What the run prints and records of its recipe: every value it sets, those the options overrode, the lr. */
function applied(
  choice: RecipeChoice<FinetuneRecipe>,
  o: FinetuneOptions,
  r: FinetuneDefaults & { trainable: TrainableModules },
): AppliedRecipe {
  const keys = FINETUNE_RECIPE_KEYS.filter((k) => r.trainable === 'fs-adapter' || !ADAPTER_ONLY.has(k));
  const lr = o.lr ?? scaledLr(r.blr, r.batchSize * r.accumIter);
  return appliedRecipe(choice, keys, o, r, snakeFlag, [
    { flag: 'lr', value: lr, fromFlag: o.lr !== undefined },
  ]);
}

/** The SBI recipe's JPEG probability, the default with online SBI. */
export const ONLINE_SBI_JPEG_PROB = 0.5;
/** Loader workers of online SBI by default: one blends the next batch while the model trains on this one. */
export const ONLINE_SBI_WORKERS = 1;

export type ResolvedFinetuneOptions = ReturnType<typeof resolveFinetuneOptions>;

/** The options with their defaults, checked: a bad value is a one-line error naming the flag. */
export function resolveFinetuneOptions(o: FinetuneOptions) {
  const choice = chooseRecipe('finetune', {
    recipe: o.recipe,
    task: o.task,
    model: o.model,
    trainable: o.trainable,
  });
  const base = withDefaults(o, {
    ...finetuneDefaults(choice.recipe),
    trainable: trainableOf(choice.recipe.mode),
    task: choice.recipe.task,
  });
  // the SBI recipe's JPEG round trip comes with online SBI; other runs keep their recipe (and random stream)
  const r = {
    ...base,
    jpegProb: o.jpegProb ?? (o.onlineSbi ? ONLINE_SBI_JPEG_PROB : 0),
    jpegQuality: o.jpegQuality ?? JPEG_QUALITY_RANGE,
    workers: o.workers ?? (o.onlineSbi ? ONLINE_SBI_WORKERS : 0),
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
  checkJpegQualityRange(r.jpegQuality, '--jpeg_quality');
  if (!(r.jpegProb >= 0 && r.jpegProb <= 1))
    throw new Error(`--jpeg_prob must be a probability in [0, 1], got ${r.jpegProb}`);
  if (!(Number.isInteger(r.workers) && r.workers >= 0))
    throw new Error(`--workers must be a non-negative integer, got ${r.workers}`);
  if (r.onlineSbi && r.batchSize % 2 !== 0)
    throw new Error(
      `--online_sbi pairs each real face with its fake: --batch_size must be even, got ${r.batchSize}`,
    );
  if (r.onlineSbi && r.pairedBatches)
    throw new Error('--online_sbi pairs each face with its own fresh fake already: drop --paired_batches');
  if ((r.mixup > 0 || r.cutmix > 0) && r.batchSize % 2 !== 0)
    throw new Error(`Mixup/CutMix needs an even --batch_size, got ${r.batchSize}`);
  if (!(r.warmupEpochs >= 0 && r.warmupEpochs <= r.epochs))
    throw new Error(`--warmup_epochs ${r.warmupEpochs} must lie in [0, --epochs ${r.epochs}]`);
  return { ...r, appliedRecipe: applied(choice, o, r) };
}
