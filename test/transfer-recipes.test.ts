// The reference transfer recipes (src/train/transferRecipes.ts): the SPEC §5.3–§5.5 values, which recipe a run
// picks from task × model size × mode, explicit options over recipe values, clear errors, and what a tiny
// fine-tuning run prints and records about its recipe.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { PyObject } from '../src/io/pickleValues.js';
import { openTorchCheckpoint } from '../src/io/torchCheckpoint.js';
import { resolveFasOptions } from '../src/train/fas/fasOptions.js';
import { resolveFinetuneOptions } from '../src/train/finetune/finetuneOptions.js';
import { finetune } from '../src/train/finetune/index.js';
import { fasRecipeTable, finetuneRecipeTable, formatRecipeValue } from '../src/train/recipeReport.js';
import { type FinetuneRecipe, TRANSFER_RECIPES, transferRecipe } from '../src/train/transferRecipes.js';
import { ckpt, SKIP_REASON, writeRealFakeFolder } from './protocol-fixtures.js';
import { scratchDir } from './scratchDir.js';

const ft = (name: string) => transferRecipe(name, 'finetune') as FinetuneRecipe;
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));

test('every task × size × mode the SPEC documents is a recipe, plus the FSFM DiFF row and the custom fallbacks', () => {
  const names = TRANSFER_RECIPES.map((r) => r.name);
  for (const task of ['dfd', 'diff', 'fas'])
    for (const size of ['small', 'base', 'large', 'custom'])
      for (const mode of ['full', 'fs-adapter']) assert.ok(names.includes(`${task}-${size}-${mode}`));
  assert.ok(names.includes('diff-base-fsfm-full'));
  assert.equal(new Set(names).size, names.length);
});

test('DfD / DiFF recipes give the §5.3 / §5.4 lr (= blr × eff. batch / 256) and the table values', () => {
  // [recipe, blr, SPEC lr, layer_decay, weight_decay, epochs, eff. batch, weight_cl]
  const rows: [string, number, number, number, number, number, number, number | null][] = [
    ['dfd-small-full', 2e-4, 5e-5, 0.65, 0.03, 10, 64, null],
    ['dfd-base-full', 2e-4, 5e-5, 0.6, 0.03, 10, 64, null],
    ['dfd-large-full', 5e-5, 1.25e-5, 0.9, 0.01, 10, 64, null],
    ['diff-small-full', 5e-5, 1.25e-5, 0.95, 0.05, 10, 64, null],
    ['diff-base-full', 5e-5, 1.25e-5, 0.9, 0.03, 10, 64, null],
    ['diff-large-full', 5e-5, 1.25e-5, 0.9, 0.05, 10, 64, null],
    ['diff-base-fsfm-full', 1e-4, 2.5e-5, 0.9, 0.03, 10, 64, null],
    ['dfd-small-fs-adapter', 1e-3, 2e-3, 0, 0, 60, 512, 0.01],
    ['dfd-base-fs-adapter', 5e-3, 5e-3, 0, 0, 50, 256, 0.01],
    ['dfd-large-fs-adapter', 1e-2, 1e-2, 0, 0, 50, 256, 0.1],
    ['diff-small-fs-adapter', 1e-2, 1e-2, 0, 0, 60, 256, 0.01],
    ['diff-base-fs-adapter', 1e-2, 1e-2, 0, 0, 50, 256, 0.05],
    ['diff-large-fs-adapter', 5e-3, 2e-2, 0, 0, 50, 1024, 0.1],
  ];
  for (const [name, blr, lr, ld, wd, epochs, eff, wcl] of rows) {
    const v = ft(name).values;
    assert.equal(v.blr, blr, name);
    assert.equal(v.batchSize * v.accumIter, eff, name);
    assert.ok(close((v.blr * v.batchSize * v.accumIter) / 256, lr), `${name}: lr`);
    assert.deepEqual([v.layerDecay, v.weightDecay, v.epochs], [ld, wd, epochs], name);
    if (wcl !== null) assert.equal(v.weightCl, wcl, name);
    // §5.3 common / §5.4 common
    assert.deepEqual(
      [v.warmupEpochs, v.minLr, v.dropPath, v.smoothing, v.mixup, v.cutmix, v.reprob],
      [5, 1e-6, 0.1, 0.1, 0.8, 1.0, 0.25],
      name,
    );
  }
});

test('FAS recipes give the §5.5 table', () => {
  const rows: [string, number, number, number, number, number][] = [
    ['fas-small-full', 12, 2.5e-5, 1e-6, 0.1, 5],
    ['fas-base-full', 12, 2.5e-5, 1e-6, 0.1, 5],
    ['fas-large-full', 12, 1e-5, 1e-5, 0.1, 5],
    ['fas-small-fs-adapter', 24, 5e-2, 1e-6, 0.1, 3],
    ['fas-base-fs-adapter', 24, 5e-2, 5e-5, 0.1, 3],
    ['fas-large-fs-adapter', 24, 1e-3, 1e-7, 0.2, 3],
  ];
  for (const [name, perClass, lr, wd, wcl, runs] of rows) {
    const r = transferRecipe(name, 'fas');
    assert.equal(r.task, 'fas');
    if (r.task !== 'fas') continue;
    assert.deepEqual(
      [r.values.perClass, r.values.lr, r.values.weightDecay, r.values.weightCl, r.values.runs],
      [perClass, lr, wd, wcl, runs],
      name,
    );
    assert.deepEqual([r.values.iterations, r.values.evalEvery, r.values.temperature], [4001, 100, 0.07]);
  }
});

const ftOpts = { finetune: 'unused.pth', outputDir: '/nowhere' };

test('the default recipe follows task × model size × mode; ViT-H takes ViT-L, custom the documented fallback', () => {
  const cases: [string | undefined, string, 'all' | 'fs-adapter' | undefined, string][] = [
    [undefined, 'vit_small_patch16', undefined, 'dfd-small-full'],
    ['dfd', 'vit_base_patch16', 'all', 'dfd-base-full'],
    ['dfd', 'vit_large_patch16', 'fs-adapter', 'dfd-large-fs-adapter'],
    ['diff', 'vit_small_patch16', 'fs-adapter', 'diff-small-fs-adapter'],
    ['diff', 'vit_base_patch16', 'all', 'diff-base-full'],
    ['diff', 'vit_huge_patch14', 'all', 'diff-large-full'],
    [undefined, 'custom', 'fs-adapter', 'dfd-custom-fs-adapter'],
    ['diff', 'custom', undefined, 'diff-custom-full'],
  ];
  for (const [task, model, trainable, want] of cases) {
    const r = resolveFinetuneOptions({
      ...ftOpts,
      model,
      ...(task ? { task: task as 'dfd' | 'diff' } : {}),
      ...(trainable ? { trainable } : {}),
    });
    assert.equal(r.appliedRecipe.name, want, `${task} ${model} ${trainable}`);
    assert.equal(r.trainable, want.endsWith('fs-adapter') ? 'fs-adapter' : 'all');
    assert.equal(r.task, want.split('-')[0]);
  }
  const huge = resolveFinetuneOptions({ ...ftOpts, model: 'vit_huge_patch14' });
  assert.ok(huge.appliedRecipe.notes.some((n) => /ViT-H .* ViT-L recipe/.test(n)));
  // the recipe's mode sets --trainable when it is not given
  const byName = resolveFinetuneOptions({ ...ftOpts, model: 'custom', recipe: 'diff-base-fs-adapter' });
  assert.equal(byName.trainable, 'fs-adapter');
  assert.equal(byName.task, 'diff');
  assert.equal(byName.batchSize, 128);
  assert.equal(byName.appliedRecipe.why, '--recipe');
  const fas = (model: string | undefined, trainable?: 'all' | 'fs-adapter') =>
    resolveFasOptions({
      dataRoot: '/nowhere',
      config: 'M',
      ptModel: 'unused.pth',
      outputDir: '/nowhere',
      ...(model ? { model } : {}),
      ...(trainable ? { trainable } : {}),
    });
  assert.equal(fas('vit_large_patch16', 'fs-adapter').appliedRecipe.name, 'fas-large-fs-adapter');
  assert.equal(fas('vit_base_patch16').appliedRecipe.name, 'fas-base-full');
  assert.equal(fas(undefined).appliedRecipe.name, 'fas-custom-full');
  assert.equal(fas('vit_large_patch16', 'fs-adapter').weightCl, 0.2);
  // WCS has no documented script: the MCIO values, said so
  const wcs = resolveFasOptions({ dataRoot: '/n', config: 'cefa', ptModel: 'p', outputDir: '/n' });
  assert.ok(wcs.appliedRecipe.notes.some((n) => /no WCS .* FAS recipes apply to WCS unchanged/.test(n)));
});

test('custom-size defaults: FAS and DfD full fine-tuning keep the values used before recipes', () => {
  const full = resolveFinetuneOptions({ ...ftOpts, model: 'custom', trainable: 'all' });
  assert.deepEqual(
    [full.batchSize, full.accumIter, full.epochs, full.blr, full.layerDecay, full.weightDecay, full.weightCl],
    [32, 1, 10, 2e-4, 0.65, 0.03, 0.01],
  );
  const adapter = resolveFinetuneOptions({ ...ftOpts, model: 'custom', trainable: 'fs-adapter' });
  assert.deepEqual(
    [adapter.batchSize, adapter.accumIter, adapter.layerDecay, adapter.weightDecay, adapter.weightCl],
    [32, 1, 0, 0, 0.01],
  );
  const base = { dataRoot: '/n', config: 'M', ptModel: 'p', outputDir: '/n' };
  const f = resolveFasOptions({ ...base, trainable: 'all' });
  assert.deepEqual([f.perClass, f.lr, f.weightDecay, f.runs], [12, 2.5e-5, 1e-6, 1]);
  const a = resolveFasOptions({ ...base, trainable: 'fs-adapter' });
  assert.deepEqual([a.perClass, a.lr, a.weightDecay, a.weightCl, a.runs], [24, 5e-2, 1e-6, 0.1, 1]);
});

test('explicit options override recipe values and are reported as from flags', () => {
  const r = resolveFinetuneOptions({
    ...ftOpts,
    model: 'vit_base_patch16',
    recipe: 'dfd-base-full',
    blr: 1e-3,
    epochs: 6,
  });
  assert.equal(r.blr, 1e-3);
  assert.equal(r.epochs, 6);
  assert.equal(r.layerDecay, 0.6);
  const byFlag = new Map(r.appliedRecipe.values.map((v) => [v.flag, v]));
  assert.equal(byFlag.get('blr')?.fromFlag, true);
  assert.equal(byFlag.get('epochs')?.fromFlag, true);
  assert.equal(byFlag.get('layer_decay')?.fromFlag, false);
  // lr follows the overridden blr: 1e-3 · 32 · 2 / 256
  assert.ok(close(byFlag.get('lr')?.value as number, 2.5e-4));
  assert.equal(byFlag.get('lr')?.fromFlag, false);
  const withLr = resolveFinetuneOptions({ ...ftOpts, model: 'vit_base_patch16', lr: 1e-5 });
  assert.deepEqual(
    withLr.appliedRecipe.values.find((v) => v.flag === 'lr'),
    { flag: 'lr', value: 1e-5, fromFlag: true },
  );
  const fas = resolveFasOptions({
    dataRoot: '/n',
    config: 'M',
    ptModel: 'p',
    outputDir: '/n',
    recipe: 'fas-large-full',
    perClass: 2,
  });
  assert.equal(fas.perClass, 2);
  assert.equal(fas.lr, 1e-5);
  assert.equal(fas.appliedRecipe.values.find((v) => v.flag === 'batch_size')?.fromFlag, true);
});

test('bad recipe requests are clear errors', () => {
  assert.throws(
    () => resolveFinetuneOptions({ ...ftOpts, model: 'custom', recipe: 'dfd-medium-full' }),
    /unknown --recipe 'dfd-medium-full'; use one of dfd-small-full, .*diff-base-fsfm-full/,
  );
  assert.throws(
    () => resolveFinetuneOptions({ ...ftOpts, model: 'custom', recipe: 'fas-base-full' }),
    /--recipe fas-base-full is a fsvfm fas recipe; fsvfm finetune takes dfd-small-full/,
  );
  assert.throws(
    () =>
      resolveFasOptions({
        dataRoot: '/n',
        config: 'M',
        ptModel: 'p',
        outputDir: '/n',
        recipe: 'dfd-base-full',
      }),
    /fsvfm fas takes fas-small-full/,
  );
  assert.throws(
    () => resolveFinetuneOptions({ ...ftOpts, model: 'custom', recipe: 'dfd-base-full', task: 'diff' }),
    /--recipe dfd-base-full is a dfd recipe, but --task is diff/,
  );
  assert.throws(
    () =>
      resolveFinetuneOptions({
        ...ftOpts,
        model: 'custom',
        recipe: 'dfd-base-full',
        trainable: 'fs-adapter',
      }),
    /--recipe dfd-base-full is for --trainable all, but --trainable is fs-adapter/,
  );
});

test('values print as the SPEC writes them; the tables list every recipe and the derivation rules', () => {
  assert.deepEqual([5e-5, 0.65, 4001, 1e-3, 2.5e-5, 1.25e-5, null, 'x'].map(formatRecipeValue), [
    '5e-5',
    '0.65',
    '4001',
    '1e-3',
    '2.5e-5',
    '1.25e-5',
    'none',
    'x',
  ]);
  const t = finetuneRecipeTable();
  for (const r of TRANSFER_RECIPES.filter((x) => x.task !== 'fas'))
    assert.match(t, new RegExp(`^${r.name} `, 'm'));
  assert.match(t, /oneProcess: /);
  assert.match(t, /custom: /);
  assert.match(fasRecipeTable(), /^fas-large-fs-adapter +24 +1e-3 +1e-7 +0\.2 \/ 0\.07 +4001 +100 +3 /m);
});

test('fsvfm finetune --list-recipes prints the table without the required flags', () => {
  const repo = path.resolve(import.meta.dirname, '..');
  const out = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'finetune', '--list-recipes'],
    {
      cwd: repo,
      encoding: 'utf8',
    },
  );
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stdout, /^dfd-base-full +32×2 +10 +5 +2e-4 +5e-5 +0\.6 +0\.03 /m);
});

test('a tiny fine-tuning run prints its recipe and records it in log.txt and the checkpoint args', {
  skip: SKIP_REASON,
}, async () => {
  const root = scratchDir('fsvfm-recipe-');
  await writeRealFakeFolder(path.join(root, 'data', 'train'), 2);
  const out = path.join(root, 'run');
  const logs: string[] = [];
  const r = await finetune(
    {
      dataPath: [path.join(root, 'data')],
      finetune: ckpt('pretrain-online.pth'),
      model: 'custom',
      numHeads: 3,
      recipe: 'dfd-custom-fs-adapter',
      outputDir: out,
      batchSize: 2,
      epochs: 1,
      warmupEpochs: 0,
      aa: null,
      runtime: { threads: 2 },
    },
    { onLog: (l) => logs.push(l) },
  );
  assert.equal(r.interrupted, false);
  const at = logs.findIndex((l) => l.startsWith('recipe '));
  assert.match(logs[at] ?? '', /^recipe dfd-custom-fs-adapter \(--recipe; SPEC §5\.4/);
  assert.match(
    logs[at + 1] ?? '',
    /batch_size 2\*, accum_iter 1, epochs 1\*, blr 1e-3, .*weight_cl 0\.01, .*lr 7\.8125e-6$/,
  );
  assert.equal(logs[at + 2], '  * from flags: --batch_size, --epochs, --warmup_epochs, --aa');
  const lines = readFileSync(r.log, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    lines.map((l) => l.recipe),
    ['dfd-custom-fs-adapter'],
  );
  const c = await openTorchCheckpoint(r.last!);
  const args = (c.root as Map<unknown, unknown>).get('args');
  assert.ok(args instanceof PyObject);
  assert.equal(args.get('recipe'), 'dfd-custom-fs-adapter');
  assert.equal(args.get('recipe_flags'), 'batch_size,epochs,warmup_epochs,aa');
  assert.equal(args.get('task'), 'dfd');
  assert.equal(args.get('trainable_modules'), 'fs-adapter');
  c.close();
});
