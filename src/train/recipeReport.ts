// How the reference recipes are shown: the lines a run prints at start (recipe, why, resolved hyper-parameters,
// which came from flags) and the `--list-recipes` table.
import type { AppliedRecipe } from './recipeChoice.js';
import { snakeFlag } from './recipeChoice.js';
import {
  DERIVATION_RULES,
  type DerivationRule,
  type FasRecipe,
  FINETUNE_RECIPE_KEYS,
  type FinetuneRecipe,
  type FinetuneRecipeValues,
  TRANSFER_RECIPES,
} from './transferRecipes.js';

/** A hyper-parameter value as the SPEC writes it: 5e-5, 0.65, 4001, none. */
export function formatRecipeValue(v: number | string | null): string {
  if (v === null) return 'none';
  if (typeof v === 'string') return v;
  if (v !== 0 && Math.abs(v) < 1e-2)
    return v
      .toExponential()
      .replace(/\.?0+e/, 'e')
      .replace('e-0', 'e-');
  return String(v);
}

/** The lines a run prints (and logs) before training: which recipe, why, and every value it trains with. */
export function recipeLines(a: AppliedRecipe): string[] {
  const flagged = a.values.filter((v) => v.fromFlag).map((v) => `--${v.flag}`);
  return [
    `recipe ${a.name} (${a.why}; SPEC ${a.spec}${a.derived.length ? `; derived: ${a.derived.join(', ')}` : ''})`,
    `  ${a.values.map((v) => `${v.flag} ${formatRecipeValue(v.value)}${v.fromFlag ? '*' : ''}`).join(', ')}`,
    `  ${flagged.length ? `* from flags: ${flagged.join(', ')}` : 'no recipe value overridden by a flag'}`,
    ...a.notes.map((n) => `  note: ${n}`),
  ];
}

function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** Values every recipe of the list shares, shown once under the table. */
function sharedValues<V extends object>(values: readonly V[], keys: readonly (keyof V & string)[]): string {
  return keys
    .filter((k) => values.every((v) => v[k] === values[0]![k]))
    .map((k) => `${snakeFlag(k)} ${formatRecipeValue(values[0]![k] as number | string | null)}`)
    .join(', ');
}

function rules(recipes: readonly { derived: readonly DerivationRule[] }[]): string[] {
  const used = [...new Set(recipes.flatMap((r) => r.derived))];
  return used.map((k) => `  ${k}: ${DERIVATION_RULES[k]}`);
}

/** The values `finetuneRecipeTable` gives a column; every other value is listed once under it where all share it. */
const FINETUNE_COLUMNS = new Set<keyof FinetuneRecipeValues>([
  'batchSize',
  'accumIter',
  'epochs',
  'warmupEpochs',
  'blr',
  'layerDecay',
  'weightDecay',
  'weightCl',
]);

const lrOf = (r: FinetuneRecipe) => (r.values.blr * r.values.batchSize * r.values.accumIter) / 256;

/** `fsvfm finetune --list-recipes`: the DfD / DiFF recipes. */
export function finetuneRecipeTable(): string {
  const recipes = TRANSFER_RECIPES.filter((r): r is FinetuneRecipe => r.task !== 'fas');
  const f = formatRecipeValue;
  const rows = recipes.map((r) => {
    const v = r.values;
    return [
      r.name,
      `${v.batchSize}×${v.accumIter}`,
      f(v.epochs),
      f(v.warmupEpochs),
      f(v.blr),
      f(lrOf(r)),
      f(v.layerDecay),
      f(v.weightDecay),
      r.mode === 'fs-adapter' ? f(v.weightCl) : '–',
      `${r.spec}${r.derived.length ? ` [${r.derived.join(', ')}]` : ''}`,
    ];
  });
  const head = [
    'recipe',
    'batch×accum',
    'epochs',
    'warmup',
    'blr',
    'lr',
    'layer_decay',
    'weight_decay',
    'weight_cl',
    'SPEC [derived]',
  ];
  return [
    'DfD / DiFF transfer recipes (fsvfm finetune --recipe NAME; default: --task, --model, --trainable):',
    ...table(head, rows),
    `all: ${sharedValues(
      recipes.map((r) => r.values),
      FINETUNE_RECIPE_KEYS.filter((k) => !FINETUNE_COLUMNS.has(k)),
    )}`,
    'lr = blr × batch × accum / 256 (SPEC §5.1); any flag overrides its recipe value.',
    'derived values (the SPEC gives none):',
    ...rules(recipes),
  ].join('\n');
}

/** `fsvfm fas --list-recipes`: the FAS recipes. */
export function fasRecipeTable(): string {
  const recipes = TRANSFER_RECIPES.filter((r): r is FasRecipe => r.task === 'fas');
  const f = formatRecipeValue;
  const rows = recipes.map((r) => {
    const v = r.values;
    return [
      r.name,
      f(v.perClass),
      f(v.lr),
      f(v.weightDecay),
      r.mode === 'fs-adapter' ? `${f(v.weightCl)} / ${f(v.temperature)}` : '–',
      f(v.iterations),
      f(v.evalEvery),
      f(v.runs),
      `${r.spec}${r.derived.length ? ` [${r.derived.join(', ')}]` : ''}`,
    ];
  });
  const head = [
    'recipe',
    'batch/(domain,class)',
    'lr (constant)',
    'weight_decay',
    'weight_cl / τ',
    'iterations',
    'eval_every',
    'runs',
    'SPEC [derived]',
  ];
  return [
    'FAS transfer recipes (fsvfm fas --recipe NAME; default: --model, --trainable):',
    ...table(head, rows),
    'Adam (L2-coupled weight decay), no schedule or warm-up, drop_path 0 (SPEC §5.5); any flag overrides its recipe value.',
    'derived values (the SPEC gives none):',
    ...rules(recipes),
    `  wcs: ${DERIVATION_RULES.wcs}`,
  ].join('\n');
}
