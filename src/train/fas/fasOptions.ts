// Options of `fsvfm fas` (SPEC §5.5) and their defaults: the reference recipe of the model size and mode
// (../transferRecipes.ts) — full fine-tuning and the FS-Adapter, ViT-S/B/L differ in batch, lr, weight decay, weight_cl.
import type { RuntimeOptions } from '../../graph/index.js';
import { type AppliedRecipe, appliedRecipe, chooseRecipe, snakeFlag } from '../recipeChoice.js';
import { withDefaults } from '../run/withDefaults.js';
import { DERIVATION_RULES, type FasRecipe, type FasRecipeValues, trainableOf } from '../transferRecipes.js';
import { FAS_PROTOCOLS } from './fasSources.js';

export interface FasOptions {
  /** MCIO or WCS root with txt/ and frame/ */
  dataRoot: string;
  /** M | C | I | O | cefa | surf | wmca */
  config: string;
  /** pre-training checkpoint (--pt_model) */
  ptModel: string;
  /** official name: picks the default recipe's size (undefined: size from the checkpoint, the custom recipe) */
  model?: string;
  numHeads?: number;
  /** default: all, or the mode of `recipe` */
  trainable?: 'all' | 'fs-adapter';
  /** a named reference recipe (transferRecipes.ts); default: the one of model size and trainable */
  recipe?: string;
  outputDir: string;
  /** default 4001 (iterations 0..4000) */
  iterations?: number;
  /** evaluate when (it + 1) % evalEvery == 0; default 100 */
  evalEvery?: number;
  /** images per (domain, class) per iteration (recipe: 12 full FT / 24 FS-Adapter) */
  perClass?: number;
  /** constant lr (recipe) */
  lr?: number;
  /** Adam L2 weight decay (recipe) */
  weightDecay?: number;
  weightCl?: number;
  temperature?: number;
  /** runs with seeds 0..runs-1 (recipe: official 5 full FT / 3 FS-Adapter; 1 for custom sizes) */
  runs?: number;
  /** add CelebA-Spoof as the extra source (default true) */
  withCeleb?: boolean;
  evalBatchSize?: number;
  runtime?: RuntimeOptions;
  /** the `checkpoint-last.pth` an interrupted invocation wrote: continue it (its run, then the later ones) */
  resume?: string;
}

/** Every option that has a default: the recipe's values and the protocol's fixed ones. */
export interface FasDefaults extends FasRecipeValues {
  withCeleb: boolean;
  evalBatchSize: number;
}

/** Defaults: the recipe (SPEC §5.5) with CelebA-Spoof as the fourth source. */
export function fasDefaults(recipe: FasRecipe): FasDefaults {
  return { ...recipe.values, withCeleb: true, evalBatchSize: 32 };
}

/** The recipe's hyper-parameters in the order a run prints them; `perClass` is the `--batch_size` flag. */
const RECIPE_KEYS = [
  'perClass',
  'lr',
  'weightDecay',
  'weightCl',
  'temperature',
  'iterations',
  'evalEvery',
  'runs',
] as const satisfies readonly (keyof FasRecipeValues)[];
const flagOf = (k: (typeof RECIPE_KEYS)[number]) => (k === 'perClass' ? 'batch_size' : snakeFlag(k));

export type ResolvedFasOptions = ReturnType<typeof resolveFasOptions>;

export function resolveFasOptions(o: FasOptions) {
  const choice = chooseRecipe('fas', { recipe: o.recipe, model: o.model, trainable: o.trainable });
  const r = withDefaults(o, {
    ...fasDefaults(choice.recipe),
    trainable: trainableOf(choice.recipe.mode),
  });
  // the real-anchor loss exists only with the FS-Adapter (SPEC §4.5)
  const keys = RECIPE_KEYS.filter(
    (k) => r.trainable === 'fs-adapter' || (k !== 'weightCl' && k !== 'temperature'),
  );
  if (FAS_PROTOCOLS[o.config]?.family === 'WCS') choice.notes.push(DERIVATION_RULES.wcs);
  const recipe: AppliedRecipe = appliedRecipe(choice, keys, o, r, flagOf);
  return { ...r, appliedRecipe: recipe };
}
