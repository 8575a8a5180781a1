// The reference transfer recipes: the official per-task, per-size and per-mode hyper-parameters of the packaged
// DfD / DiFF / FAS scripts (SPEC §5.3–§5.5), as named recipes (`dfd-base-full`, `fas-small-fs-adapter`, …), and the
// rule that picks one from the task, the model name and the mode when `--recipe` is not given. Every value is traced
// to its SPEC section; the few the SPEC does not give are derived by the rules named in DERIVATION_RULES.
import { MODEL_NAMES } from '../models/sizes.js';

export const FINETUNE_TASKS = ['dfd', 'diff'] as const;
/** dfd: deepfake detection (FF++ c23), diff: diffusion faces (DiFF), fas: face anti-spoofing (MCIO / WCS) */
export type TransferTask = (typeof FINETUNE_TASKS)[number] | 'fas';
export type FinetuneTask = (typeof FINETUNE_TASKS)[number];
/** custom: a model of no official size (the tiny demo and test models), see DERIVATION_RULES.custom */
export type RecipeSize = 'small' | 'base' | 'large' | 'custom';
export type RecipeMode = 'full' | 'fs-adapter';

/** What a DfD / DiFF recipe sets: the `fsvfm finetune` options of main_finetune_DfD.py. */
export interface FinetuneRecipeValues {
  /** per step (the official per-GPU batch) */
  batchSize: number;
  accumIter: number;
  epochs: number;
  /** lr = blr · batchSize · accumIter / 256 (SPEC §5.1) unless --lr */
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
  aa: string | null;
  /** FS-Adapter only (full fine-tuning has no real-anchor loss) */
  weightCl: number;
  temperature: number;
  adapterReduction: number;
}

/** Every value a DfD / DiFF recipe sets, in the order a run prints them (and `--list-recipes` lists them). */
export const FINETUNE_RECIPE_KEYS = [
  'batchSize',
  'accumIter',
  'epochs',
  'blr',
  'minLr',
  'layerDecay',
  'weightDecay',
  'dropPath',
  'warmupEpochs',
  'smoothing',
  'mixup',
  'cutmix',
  'mixupProb',
  'mixupSwitchProb',
  'reprob',
  'aa',
  'weightCl',
  'temperature',
  'adapterReduction',
] as const satisfies readonly (keyof FinetuneRecipeValues)[];

/** What a FAS recipe sets: the `fsvfm fas` options of the official FAS scripts. */
export interface FasRecipeValues {
  /** images per (domain, class) per iteration */
  perClass: number;
  /** constant lr (no schedule, no warm-up) */
  lr: number;
  weightDecay: number;
  /** FS-Adapter only */
  weightCl: number;
  temperature: number;
  iterations: number;
  evalEvery: number;
  /** seeds 0..runs-1 */
  runs: number;
}

interface RecipeHeader {
  name: string;
  size: RecipeSize;
  mode: RecipeMode;
  /** the SPEC sections the values come from */
  spec: string;
  /** how values the SPEC does not give were filled in (keys of DERIVATION_RULES), empty when none */
  derived: readonly DerivationRule[];
}

export interface FinetuneRecipe extends RecipeHeader {
  task: FinetuneTask;
  values: FinetuneRecipeValues;
}

export interface FasRecipe extends RecipeHeader {
  task: 'fas';
  values: FasRecipeValues;
}

export type TransferRecipe = FinetuneRecipe | FasRecipe;

/** The rules that fill what the SPEC leaves open; printed with `--list-recipes` and in the README. */
export const DERIVATION_RULES = {
  oneProcess:
    'DfD/DiFF scripts train on 2 GPUs (§5.3, §5.4); one process keeps the per-GPU batch and accumulates 2 micro-batches (accum_iter 2), so the effective batch, lr = blr·eff/256 and the mean gradient are the official ones (the ViT has no batch statistics)',
  adapterAugment:
    '§5.4 says "same augmentations as §5.3": mixup_prob 1.0, mixup_switch_prob 0.5 and RandAugment rand-m9-mstd0.5-inc1 are §5.3 values',
  unusedInFull:
    'full fine-tuning has no real-anchor loss or adapter: weight_cl / temperature / adapter_reduction are inert there (kept at the ViT-S/B FS-Adapter values of the task so the recorded args stay complete)',
  custom:
    'custom sizes (no SPEC recipe): the ViT-S recipe of the same task and mode (the nearest official size), brought to one CPU process: DfD/DiFF batch 32 per step without accumulation, FAS 1 run instead of 5/3',
  huge: 'ViT-H (vit_huge_patch14) has no transfer recipe in the SPEC: its default is the ViT-L recipe',
  wcs: 'no WCS (cefa / surf / wmca) script is shipped and §5.5 documents the MCIO runs only (§7.5, §9 #20): the FAS recipes apply to WCS unchanged',
} as const;
export type DerivationRule = keyof typeof DERIVATION_RULES;

/** The official scripts' GPU count for DfD / DiFF (§5.3 and §5.4 headings), reproduced by accumulation. */
const DFD_GPUS = 2;

// §5.3 "Common": every DfD / DiFF full fine-tuning script.
const FULL_COMMON = {
  batchSize: 32, // §5.3 --batch_size 32/GPU
  accumIter: DFD_GPUS, // derived: oneProcess (§5.3 --accum_iter 1 × 2 GPUs)
  epochs: 10, // §5.3
  minLr: 1e-6, // §5.3
  dropPath: 0.1, // §5.3
  warmupEpochs: 5, // §5.3
  smoothing: 0.1, // §5.3
  mixup: 0.8, // §5.3
  cutmix: 1.0, // §5.3
  mixupProb: 1.0, // §5.3
  mixupSwitchProb: 0.5, // §5.3
  reprob: 0.25, // §5.3
  aa: 'rand-m9-mstd0.5-inc1', // §5.3
  weightCl: 0.01, // derived: unusedInFull
  temperature: 0.07, // derived: unusedInFull
  adapterReduction: 4, // derived: unusedInFull
} as const;

// §5.4 "Common": every DfD / DiFF FS-Adapter script.
const ADAPTER_COMMON = {
  accumIter: DFD_GPUS, // derived: oneProcess (eff. batch = 2 × batch/GPU in the §5.4 table)
  minLr: 1e-6, // §5.4
  layerDecay: 0, // §5.4
  weightDecay: 0, // §5.4
  dropPath: 0.1, // §5.4
  warmupEpochs: 5, // §5.4
  smoothing: 0.1, // §5.4
  mixup: 0.8, // §5.4
  cutmix: 1.0, // §5.4
  mixupProb: 1.0, // derived: adapterAugment
  mixupSwitchProb: 0.5, // derived: adapterAugment
  reprob: 0.25, // §5.4
  aa: 'rand-m9-mstd0.5-inc1', // derived: adapterAugment
  temperature: 0.07, // §5.4
  adapterReduction: 4, // §5.4
} as const;

type FullRow = Pick<FinetuneRecipeValues, 'blr' | 'layerDecay' | 'weightDecay'>;
type AdapterRow = Pick<FinetuneRecipeValues, 'batchSize' | 'blr' | 'epochs' | 'weightCl'>;

// §5.3 table: blr, layer_decay, weight_decay per task and size.
const FULL_ROWS: Record<FinetuneTask, Record<'small' | 'base' | 'large', FullRow>> = {
  dfd: {
    small: { blr: 2e-4, layerDecay: 0.65, weightDecay: 0.03 },
    base: { blr: 2e-4, layerDecay: 0.6, weightDecay: 0.03 },
    large: { blr: 5e-5, layerDecay: 0.9, weightDecay: 0.01 },
  },
  diff: {
    small: { blr: 5e-5, layerDecay: 0.95, weightDecay: 0.05 },
    base: { blr: 5e-5, layerDecay: 0.9, weightDecay: 0.03 },
    large: { blr: 5e-5, layerDecay: 0.9, weightDecay: 0.05 },
  },
};

// §5.4 table: batch/GPU, blr, epochs, weight_cl per task and size.
const ADAPTER_ROWS: Record<FinetuneTask, Record<'small' | 'base' | 'large', AdapterRow>> = {
  dfd: {
    small: { batchSize: 256, blr: 1e-3, epochs: 60, weightCl: 0.01 },
    base: { batchSize: 128, blr: 5e-3, epochs: 50, weightCl: 0.01 },
    large: { batchSize: 128, blr: 1e-2, epochs: 50, weightCl: 0.1 },
  },
  diff: {
    small: { batchSize: 128, blr: 1e-2, epochs: 60, weightCl: 0.01 },
    base: { batchSize: 128, blr: 1e-2, epochs: 50, weightCl: 0.05 },
    large: { batchSize: 512, blr: 5e-3, epochs: 50, weightCl: 0.1 },
  },
};

// §5.5 table, per mode and size: batch per (domain, class), lr, weight decay, weight_cl, runs; for all: τ 0.07,
// 4001 iterations, evaluation every 100.
const fas = (
  perClass: number,
  lr: number,
  weightDecay: number,
  weightCl: number,
  runs: number,
): FasRecipeValues => ({
  perClass,
  lr,
  weightDecay,
  weightCl,
  temperature: 0.07,
  iterations: 4001,
  evalEvery: 100,
  runs,
});
const FAS_ROWS: Record<RecipeMode, Record<'small' | 'base' | 'large', FasRecipeValues>> = {
  full: {
    small: fas(12, 2.5e-5, 1e-6, 0.1, 5),
    base: fas(12, 2.5e-5, 1e-6, 0.1, 5),
    large: fas(12, 1e-5, 1e-5, 0.1, 5),
  },
  'fs-adapter': {
    small: fas(24, 5e-2, 1e-6, 0.1, 3),
    base: fas(24, 5e-2, 5e-5, 0.1, 3),
    large: fas(24, 1e-3, 1e-7, 0.2, 3),
  },
};
// (the full-FT columns have no weight_cl / τ, "–" in §5.5: inert there, DERIVATION_RULES.unusedInFull)

const OFFICIAL_SIZES = ['small', 'base', 'large'] as const;
const MODES: readonly RecipeMode[] = ['full', 'fs-adapter'];

function finetuneRecipe(task: FinetuneTask, size: RecipeSize, mode: RecipeMode): FinetuneRecipe {
  const row = size === 'custom' ? 'small' : size;
  const values: FinetuneRecipeValues =
    mode === 'full'
      ? { ...FULL_COMMON, ...FULL_ROWS[task][row] }
      : { ...ADAPTER_COMMON, ...ADAPTER_ROWS[task][row] };
  const derived: DerivationRule[] = [mode === 'full' ? 'unusedInFull' : 'adapterAugment'];
  if (size === 'custom') {
    // derived: custom — one CPU process, the official per-GPU batch of full fine-tuning, no accumulation
    values.batchSize = 32;
    values.accumIter = 1;
    derived.push('custom');
  } else derived.unshift('oneProcess');
  return {
    name: `${task}-${size}-${mode}`,
    task,
    size,
    mode,
    spec: mode === 'full' ? '§5.3' : '§5.4 (+ §5.3 augmentations)',
    derived,
    values,
  };
}

function fasRecipe(size: RecipeSize, mode: RecipeMode): FasRecipe {
  const values = { ...FAS_ROWS[mode][size === 'custom' ? 'small' : size] };
  if (size === 'custom') values.runs = 1; // derived: custom
  return {
    name: `fas-${size}-${mode}`,
    task: 'fas',
    size,
    mode,
    spec: '§5.5',
    derived: [
      ...(mode === 'full' ? (['unusedInFull'] as const) : []),
      ...(size === 'custom' ? (['custom'] as const) : []),
    ],
    values,
  };
}

/** §5.3's extra DiFF row: ViT-B from the FSFM (CVPR) 400-epoch checkpoint instead of FS-VFM. */
function diffFsfmRecipe(): FinetuneRecipe {
  const r = finetuneRecipe('diff', 'base', 'full');
  return {
    ...r,
    name: 'diff-base-fsfm-full',
    values: { ...r.values, blr: 1e-4, layerDecay: 0.9, weightDecay: 0.03 },
  };
}

/** Every named recipe, in table order. */
export const TRANSFER_RECIPES: readonly TransferRecipe[] = [
  ...FINETUNE_TASKS.flatMap((task) =>
    MODES.flatMap((mode) =>
      [...OFFICIAL_SIZES, 'custom' as const].map((size) => finetuneRecipe(task, size, mode)),
    ),
  ),
  diffFsfmRecipe(),
  ...MODES.flatMap((mode) => [...OFFICIAL_SIZES, 'custom' as const].map((size) => fasRecipe(size, mode))),
];

const BY_NAME = new Map(TRANSFER_RECIPES.map((r) => [r.name, r]));

/** The recipe named `name`; an unknown name is an error that lists the names of `kind`. */
export function transferRecipe(name: string, kind: 'finetune' | 'fas'): TransferRecipe {
  const r = BY_NAME.get(name);
  const mine = TRANSFER_RECIPES.filter((x) => (x.task === 'fas') === (kind === 'fas')).map((x) => x.name);
  if (!r) throw new Error(`unknown --recipe '${name}'; use one of ${mine.join(', ')}`);
  if ((r.task === 'fas') !== (kind === 'fas'))
    throw new Error(
      `--recipe ${name} is a ${r.task === 'fas' ? 'fsvfm fas' : 'fsvfm finetune'} recipe; fsvfm ${kind} takes ${mine.join(', ')}`,
    );
  return r;
}

/** The recipe size of a `--model` name: the registry letter, ViT-H → large (DERIVATION_RULES.huge), else custom. */
export function recipeSizeOf(model: string | undefined): { size: RecipeSize; huge: boolean } {
  const letter = model === undefined ? undefined : MODEL_NAMES[model];
  if (letter === 'S') return { size: 'small', huge: false };
  if (letter === 'B') return { size: 'base', huge: false };
  if (letter === 'L') return { size: 'large', huge: false };
  if (letter === 'H') return { size: 'large', huge: true };
  return { size: 'custom', huge: false };
}

/** The trainable-modules value of a mode, and back. */
export const modeOf = (trainable: 'all' | 'fs-adapter'): RecipeMode =>
  trainable === 'all' ? 'full' : 'fs-adapter';
export const trainableOf = (mode: RecipeMode): 'all' | 'fs-adapter' =>
  mode === 'full' ? 'all' : 'fs-adapter';
