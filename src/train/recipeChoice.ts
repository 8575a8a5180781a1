// Which reference recipe a transfer run uses (`--recipe`, or the default for its task, model and mode), and what
// the run says about it: the name, why it was picked, and which hyper-parameters its explicit flags overrode.
import {
  DERIVATION_RULES,
  type DerivationRule,
  type FinetuneTask,
  modeOf,
  type RecipeMode,
  recipeSizeOf,
  type TransferRecipe,
  transferRecipe,
} from './transferRecipes.js';

export interface RecipeRequest {
  /** `--recipe`; undefined: the default for the task, model and mode */
  recipe?: string;
  /** finetune: dfd | diff (undefined: dfd, or the recipe's); fas: always fas */
  task?: FinetuneTask;
  /** `--model` (undefined / custom: a custom size) */
  model?: string;
  /** `--trainable` (undefined: all, or the recipe's mode) */
  trainable?: 'all' | 'fs-adapter';
}

export interface RecipeChoice<R extends TransferRecipe> {
  recipe: R;
  /** why this recipe: named by --recipe, or the default of task / model / mode */
  why: string;
  /** things worth knowing about the choice (a derived default, a recipe of another size than --model) */
  notes: string[];
}

/** The recipe a run uses; a `--recipe` that contradicts `--task` or `--trainable` is an error. */
export function chooseRecipe(
  kind: 'finetune',
  q: RecipeRequest,
): RecipeChoice<Extract<TransferRecipe, { task: FinetuneTask }>>;
export function chooseRecipe(
  kind: 'fas',
  q: RecipeRequest,
): RecipeChoice<Extract<TransferRecipe, { task: 'fas' }>>;
export function chooseRecipe(kind: 'finetune' | 'fas', q: RecipeRequest): RecipeChoice<TransferRecipe> {
  const { size, huge } = recipeSizeOf(q.model);
  const notes: string[] = [];
  if (q.recipe !== undefined) {
    const recipe = transferRecipe(q.recipe, kind);
    if (q.task !== undefined && recipe.task !== q.task)
      throw new Error(
        `--recipe ${recipe.name} is a ${recipe.task} recipe, but --task is ${q.task}: drop one`,
      );
    if (q.trainable !== undefined && recipe.mode !== modeOf(q.trainable))
      throw new Error(
        `--recipe ${recipe.name} is for ${recipe.mode === 'full' ? '--trainable all' : '--trainable fs-adapter'}, but --trainable is ${q.trainable}: drop --trainable or pick the ${modeOf(q.trainable)} recipe`,
      );
    if (recipe.size !== size && q.model !== undefined)
      notes.push(`the ${recipe.size} recipe on --model ${q.model} (chosen with --recipe)`);
    return { recipe, why: '--recipe', notes };
  }
  const task = kind === 'fas' ? 'fas' : (q.task ?? 'dfd');
  const mode: RecipeMode = modeOf(q.trainable ?? 'all');
  const recipe = transferRecipe(`${task}-${size}-${mode}`, kind);
  if (huge) notes.push(DERIVATION_RULES.huge);
  if (size === 'custom')
    notes.push(
      `no official size: ViT-S values brought to one process (derived: custom); for an official recipe give --model vit_{small,base,large}_patch16 or --recipe ${task}-{small,base,large}-${mode}`,
    );
  const modelWord = q.model === undefined ? 'no --model' : `--model ${q.model}`;
  return {
    recipe,
    why: `default for task ${task}, ${modelWord}, ${mode === 'full' ? 'full fine-tuning' : 'FS-Adapter'}`,
    notes,
  };
}

/** A resolved hyper-parameter as the run prints and records it: flag name, value, and whether a flag set it. */
export interface RecipeValue {
  flag: string;
  value: number | string | null;
  fromFlag: boolean;
}

/** The recipe a run used, as it prints and records it. */
export interface AppliedRecipe {
  name: string;
  why: string;
  spec: string;
  derived: readonly DerivationRule[];
  notes: string[];
  /** every hyper-parameter the recipe sets (and the lr it implies), after the explicit flags */
  values: RecipeValue[];
}

/** The flags (of `flagOf`) among `keys` that the options gave explicitly, i.e. that override the recipe. */
export function appliedRecipe<K extends string>(
  choice: RecipeChoice<TransferRecipe>,
  keys: readonly K[],
  given: Readonly<Partial<Record<K, unknown>>>,
  resolved: Readonly<Record<K, number | string | null>>,
  flagOf: (key: K) => string,
  extra: RecipeValue[] = [],
): AppliedRecipe {
  return {
    name: choice.recipe.name,
    why: choice.why,
    spec: choice.recipe.spec,
    derived: choice.recipe.derived,
    notes: choice.notes,
    values: [
      ...keys.map((k) => ({ flag: flagOf(k), value: resolved[k], fromFlag: given[k] !== undefined })),
      ...extra,
    ],
  };
}

/** `batchSize` → `batch_size`: the official flag spelling of an option key. */
export const snakeFlag = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
