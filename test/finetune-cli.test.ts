import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { ckpt, SKIP_REASON, writeRealFakeFolder } from './protocol-fixtures.js';
import { scratchDir } from './scratchDir.js';

const repo = path.resolve(import.meta.dirname, '..');
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: repo,
    encoding: 'utf8',
  });

let root = '';
before(async () => {
  if (SKIP_REASON) return;
  root = scratchDir('fsvfm-cli-ft-');
  await writeRealFakeFolder(path.join(root, 'data', 'train'), 2);
  await writeRealFakeFolder(path.join(root, 'data', 'val'), 2);
});

test('fsvfm finetune --trainable fs-adapter, then fsvfm eval --protocol dfd on its checkpoint', {
  skip: SKIP_REASON,
}, () => {
  const out = path.join(root, 'run');
  const ft = cli(
    'finetune',
    '--data_path',
    path.join(root, 'data'),
    '--finetune',
    ckpt('pretrain-online.pth'),
    '--model',
    'custom',
    '--num_heads',
    '3',
    '--trainable',
    'fs-adapter',
    '--output_dir',
    out,
    '--batch_size',
    '2',
    '--epochs',
    '1',
    '--warmup_epochs',
    '0',
    '--aa',
    'none',
    '--no-progress',
  );
  assert.equal(ft.status, 0, ft.stderr);
  const summary = JSON.parse(ft.stdout.trim());
  assert.equal(summary.best, path.join(out, 'checkpoint-min_val_loss.pth'));
  assert.match(ft.stderr, /epoch 0: train loss [\d.]+, val loss [\d.]+/);
  const ev = cli(
    'eval',
    '--protocol',
    'dfd',
    '--model',
    summary.best,
    '--data',
    `synthetic=${path.join(root, 'data', 'val')}`,
    '--num_heads',
    '3',
    '--out',
    path.join(out, 'eval'),
    '--aggregate',
    'max',
    '--no-face',
    'skip',
    '--no-progress',
  );
  assert.equal(ev.status, 0, ev.stderr);
  assert.match(ev.stderr, /synthetic \[video\] n=\d+: AUC/);
  for (const f of ['test_results.txt', 'result.json', 'report.html', 'scores.csv'])
    assert.ok(existsSync(path.join(out, 'eval', f)), f);
  const result = JSON.parse(readFileSync(path.join(out, 'eval', 'result.json'), 'utf8'));
  assert.equal(result.sets[1].video.aggregation, 'max');
});

test('bad input exits 2 with a one-line message, no stack trace', { skip: SKIP_REASON }, () => {
  const r = cli(
    'finetune',
    '--data_path',
    path.join(root, 'data'),
    '--finetune',
    ckpt('fas-vit.pth.tar'),
    '--num_heads',
    '3',
    '--batch_size',
    '2',
    '--output_dir',
    path.join(root, 'bad'),
  );
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^fsvfm: .*fine-tuned detector checkpoint \(fas\), not a pre-training one/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});
