import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { evaluate } from '../src/eval/protocols/index.js';
import { NORM_STATS_FILE, readNormStats, VGGFACE2_STATS } from '../src/io/normStats.js';
import { openTorchCheckpoint } from '../src/io/torchCheckpoint.js';
import { detectCheckpoint } from '../src/models/checkpointKind.js';
import { loadStateDict } from '../src/models/loadStateDict.js';
import { finetune } from '../src/train/finetune/index.js';
import { ckpt, SKIP_REASON, tinyFinetune, tinyFinetuneRoot } from './protocol-fixtures.js';

let root = '';
const base = () => tinyFinetune(root);

before(async () => {
  if (SKIP_REASON) return;
  root = await tinyFinetuneRoot('fsvfm-ft-');
});

const bitsEqual = (a: Float32Array, b: Float32Array) =>
  a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

test('FS-Adapter fine-tuning: only adapter/projector/head change; frozen tensors stay bit-identical', {
  skip: SKIP_REASON,
}, async () => {
  const out = path.join(root, 'fs-adapter');
  const r = await finetune({ ...base(), trainable: 'fs-adapter', outputDir: out });
  assert.equal(r.interrupted, false);
  assert.equal(r.epochsDone, 2);
  const best = path.join(out, 'checkpoint-min_val_loss.pth');
  assert.ok(existsSync(best) && existsSync(path.join(out, 'checkpoint-1.pth')));
  const trained = (await loadStateDict(best)).stateDict;
  const pre = (await loadStateDict(ckpt('pretrain-online.pth'))).stateDict;
  // official key set (SPEC §2.3(e)) and counts of an FS-Adapter detector
  const det = detectCheckpoint(trained);
  assert.equal(det.kind, 'fs-adapter');
  assert.ok(
    det.notes.some((n) => n.level === 'info' && /match a fs-adapter model/.test(n.message)),
    JSON.stringify(det.notes),
  );
  let frozenChecked = 0;
  for (const [k, t] of trained) {
    if (/adapter|projector|head/.test(k)) continue;
    if (k.startsWith('fc_norm.')) {
      assert.ok(
        t.data.every((v) => v === (k.endsWith('weight') ? 1 : 0)),
        `${k} left its identity init`,
      );
      continue;
    }
    assert.ok(bitsEqual(t.data, pre.get(k)!.data), `frozen ${k} changed`);
    frozenChecked++;
  }
  assert.equal(frozenChecked, 2 + 2 + 12 * 2); // cls/pos, patch_embed, 2 blocks × 12
  // the trainable part did move
  const head = trained.get('adapter.linear1.weight')!;
  const { stateDict: last } = await loadStateDict(path.join(out, 'checkpoint-last.pth'));
  assert.ok(last.has('projector.bias') && head.data.length === 24 * 96);
  // official top-level layout and optimizer groups (only adapter/projector/head)
  const c = await openTorchCheckpoint(best);
  const rootMap = c.root as Map<unknown, unknown>;
  assert.deepEqual([...rootMap.keys()].slice(0, 5), ['model', 'optimizer', 'epoch', 'scaler', 'args']);
  const groups = (rootMap.get('optimizer') as Map<string, unknown>).get('param_groups') as Map<
    string,
    unknown
  >[];
  const nParams = groups.reduce((a, g) => a + (g.get('params') as number[]).length, 0);
  assert.equal(nParams, 6);
  c.close();
  const log = readFileSync(r.log, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    log.map((e) => e.epoch),
    [0, 1],
  );
  assert.ok(log.every((e) => Number.isFinite(e.train_loss) && Number.isFinite(e.test_loss)));
  // the written detector loads strictly for testing
  const ev = await evaluate({
    protocol: 'dfd',
    checkpoint: best,
    data: [path.join(root, 'data', 'val')],
    out: path.join(out, 'eval'),
    numHeads: 3,
    batchSize: 4,
  });
  assert.equal(ev.detector.kind, 'fs-adapter');
});

test('full fine-tuning writes an official detector checkpoint that loads back strictly', {
  skip: SKIP_REASON,
}, async () => {
  const out = path.join(root, 'full');
  const r = await finetune({ ...base(), trainable: 'all', outputDir: out, epochs: 1, warmupEpochs: 0 });
  const { stateDict } = await loadStateDict(r.best!);
  const det = detectCheckpoint(stateDict);
  assert.equal(det.kind, 'finetune-vit');
  assert.equal(det.globalPool, true);
  assert.ok(!stateDict.has('norm.weight') && stateDict.has('fc_norm.weight'));
  // the statistics it trained with (here the VGGFace2 fallback) travel with the checkpoint
  assert.equal(r.norm.source, 'vggface2');
  assert.deepEqual(readNormStats(path.join(path.dirname(r.best!), NORM_STATS_FILE)), VGGFACE2_STATS);
  const pre = (await loadStateDict(ckpt('pretrain-online.pth'))).stateDict;
  assert.ok(
    !bitsEqual(stateDict.get('blocks.0.attn.qkv.weight')!.data, pre.get('blocks.0.attn.qkv.weight')!.data),
  );
  const ev = await evaluate({
    protocol: 'diff',
    checkpoint: r.best!,
    data: [path.join(root, 'data', 'val')],
    out: path.join(out, 'eval'),
    numHeads: 3,
  });
  assert.match(
    readFileSync(ev.files.testResults!, 'utf8'),
    /Acc [\d.]+ Balanced_Acc [\d.]+ Auc [\d.]+ EER [\d.]+ loss/,
  );
});

test('an interrupted run resumed from checkpoint-last.pth ends bit-identical to an uninterrupted one', {
  skip: SKIP_REASON,
}, async () => {
  const opts = { ...base(), trainable: 'fs-adapter' as const, reprob: 0.5 };
  const straight = await finetune({ ...opts, outputDir: path.join(root, 'straight') });
  const ctl = new AbortController();
  let steps = 0;
  const cut = await finetune(
    { ...opts, outputDir: path.join(root, 'cut') },
    {
      signal: ctl.signal,
      onStep: () => {
        if (++steps === 3) ctl.abort();
      },
    },
  );
  assert.equal(cut.interrupted, true);
  const resumed = await finetune({ ...opts, outputDir: path.join(root, 'cut'), resume: cut.last! });
  assert.equal(resumed.interrupted, false);
  const a = (await loadStateDict(straight.last!)).stateDict;
  const b = (await loadStateDict(resumed.last!)).stateDict;
  for (const [k, t] of a) assert.ok(bitsEqual(t.data, b.get(k)!.data), `${k} differs after resume`);
});
