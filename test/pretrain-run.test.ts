// End-to-end pre-training on a tiny model and the oracle's synthetic faces: official checkpoint files that load back
// (also as a downstream encoder with the SPEC §2.5 key sets), statistics written once, losses that fall, and an
// interrupted + resumed run that reproduces the uninterrupted one bit for bit.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { Graph } from '../src/graph/index.js';
import { openTorchCheckpoint } from '../src/io/torchCheckpoint.js';
import { FS_ADAPTER_MISSING_FROM_PRETRAIN, fsAdapterVit } from '../src/models/fsAdapter.js';
import { loadStateDict } from '../src/models/loadStateDict.js';
import { vitClassifier } from '../src/models/vitClassifier.js';
import { Scope } from '../src/nn/scope.js';
import type { StateDict } from '../src/nn/stateDict.js';
import { readEpochLog } from '../src/train/pretrain/epochLog.js';
import { type PretrainEpoch, runPretrain } from '../src/train/pretrain/pretrainLoop.js';
import { needsOracle } from './oracle-fixtures.js';
import { tempDir, tinyOptions, writeTinyPretrainSet } from './pretrain-fixtures.js';

const skip = needsOracle;
const ENCODER = { imgSize: 224, patch: 16, dim: 32, depth: 1, heads: 2, mlpRatio: 4, eps: 1e-6 };

function sameValues(a: StateDict, b: StateDict): string[] {
  const diff: string[] = [];
  for (const [k, v] of a) {
    const w = b.get(k);
    if (!w || w.data.length !== v.data.length || v.data.some((x, i) => !Object.is(x, w.data[i])))
      diff.push(k);
  }
  return diff;
}

/** Model keys minus checkpoint keys, and checkpoint keys the model does not have (a non-strict load). */
function loadSets(model: Scope, ckpt: StateDict): { missing: string[]; unexpected: string[] } {
  const names = [...model.registry.specs.keys()];
  return {
    missing: names.filter((n) => !ckpt.has(n)).sort(),
    unexpected: [...ckpt.keys()].filter((k) => !model.registry.specs.has(k)).sort(),
  };
}

describe('fsvfm pretrain, tiny model', { skip }, () => {
  let data = '';
  before(async () => {
    data = await writeTinyPretrainSet(tempDir('data'), 8);
  });

  test('writes the official checkpoints, log, statistics and pictures; they load back', async () => {
    const out = tempDir('files');
    const epochs: PretrainEpoch[] = [];
    const r = await runPretrain(tinyOptions(data, out, { epochs: 2, saveEvery: 1, visCount: 2 }), {
      onEpoch: (e) => epochs.push(e),
    });
    assert.equal(r.stopped, null);
    assert.equal(r.iterations, 4);
    assert.equal(r.statsComputed, true);
    for (const f of [
      'checkpoint-0.pth',
      'checkpoint-te-0.pth',
      'checkpoint-1.pth',
      'checkpoint-te-1.pth',
      'checkpoint-1.safetensors',
      'checkpoint-min_pretrain_loss.pth',
      'checkpoint-te-min_pretrain_loss.pth',
      'pretrain_ds_mean_std.txt',
      'log.txt',
      'loss_curves.svg',
      'reconstruction-1.png',
    ])
      assert.ok(existsSync(path.join(out, f)), `${f} written`);

    const log = readEpochLog(out);
    assert.deepEqual(
      log.map((e) => Object.keys(e)),
      [0, 1].map(() => [
        'train_loss',
        'train_loss_rec_all',
        'train_loss_rec_sfr',
        'train_loss_cl',
        'train_target_std',
        'train_target_cos',
        'train_lr',
        'epoch',
      ]),
    );
    assert.deepEqual(
      log.map((e) => e.epoch),
      [0, 1],
    );
    // the onEpoch hook hands out the same lines; the target's feature spread is a number in its range
    assert.deepEqual(
      epochs.map((e) => e.log),
      log,
    );
    for (const e of log) {
      assert.ok(e.train_target_std! >= 0 && e.train_target_std! <= 1, `std ${e.train_target_std}`);
      assert.ok(Math.abs(e.train_target_cos!) <= 1 + 1e-6, `cos ${e.train_target_cos}`);
    }
    assert.match(readFileSync(path.join(out, 'loss_curves.svg'), 'utf8'), /<polyline points="[^"]+"/);

    // top-level keys and the torch AdamW state_dict layout
    const ck = await openTorchCheckpoint(path.join(out, 'checkpoint-1.pth'));
    try {
      const root = ck.root as Map<string, unknown>;
      assert.deepEqual([...root.keys()].slice(0, 5), ['model', 'optimizer', 'epoch', 'scaler', 'args']);
      assert.equal(root.get('epoch'), 1);
      const opt = root.get('optimizer') as Map<string, unknown>;
      const groups = opt.get('param_groups') as Map<string, unknown>[];
      assert.deepEqual(
        groups.map((g) => g.get('weight_decay')),
        [
          { pyClass: 'builtins.float', value: 0 },
          { pyClass: 'builtins.float', value: 0.05 },
        ].map((x) => x.value),
      );
      const indices = groups.flatMap((g) => g.get('params') as number[]);
      assert.deepEqual(indices, [...indices.keys()]);
      const state = opt.get('state') as Map<number, Map<string, unknown>>;
      assert.equal(state.size, indices.length);
      assert.deepEqual([...state.get(0)!.keys()].sort(), ['exp_avg', 'exp_avg_sq', 'step']);
    } finally {
      ck.close();
    }

    // the online model loads as a downstream encoder with exactly the expected missing keys (SPEC §2.5)
    const online = (await loadStateDict(path.join(out, 'checkpoint-1.pth'))).stateDict;
    const st = (await loadStateDict(path.join(out, 'checkpoint-1.safetensors'))).stateDict;
    assert.deepEqual(sameValues(online, st), []);
    const g = new Graph();
    const cls = Scope.root(g);
    vitClassifier(cls, g.input('x', 'float32', [1, 3, 224, 224]), {
      ...ENCODER,
      numClasses: 2,
      globalPool: true,
    });
    const sets = loadSets(cls, online);
    assert.deepEqual(sets.missing, ['fc_norm.bias', 'fc_norm.weight', 'head.bias', 'head.weight']);
    assert.ok(sets.unexpected.includes('norm.weight') && sets.unexpected.includes('mask_token'));
    assert.ok(sets.unexpected.every((k) => !/^(blocks\.|patch_embed\.|cls_token|pos_embed)/.test(k)));
    const ga = new Graph();
    const ad = Scope.root(ga);
    fsAdapterVit(ad, ga.input('x', 'float32', [1, 3, 224, 224]), { ...ENCODER, numClasses: 2, reduction: 4 });
    assert.deepEqual(loadSets(ad, online).missing, [...FS_ADAPTER_MISSING_FROM_PRETRAIN].sort());

    // the target file holds the target network only (SPEC §2.3(c))
    const target = (await loadStateDict(path.join(out, 'checkpoint-te-1.pth'))).stateDict;
    assert.ok(![...target.keys()].some((k) => k.startsWith('predictor.') || k.startsWith('decoder_')));
    assert.ok(target.has('projector.projection_head.0.weight') && target.has('rep_decoder_pred.weight'));

    // statistics: computed once, then reused untouched
    const statsPath = path.join(out, 'pretrain_ds_mean_std.txt');
    const before = { text: readFileSync(statsPath, 'utf8'), mtime: statSync(statsPath).mtimeMs };
    const again = await runPretrain(tinyOptions(data, out, { epochs: 1, maxSteps: 1 }));
    assert.equal(again.statsComputed, false);
    assert.equal(readFileSync(statsPath, 'utf8'), before.text);
    assert.equal(statSync(statsPath).mtimeMs, before.mtime);
    assert.equal(before.text.split('\n').filter(Boolean).length, 1);
  });

  test('interrupted and resumed mid accumulation window = uninterrupted, bit for bit', async () => {
    const opts = { epochs: 3, accumIter: 2, batchSize: 2, warmupEpochs: 1, saveEvery: 3 };
    const full = tempDir('full');
    await runPretrain(tinyOptions(data, full, opts));
    const split = tempDir('split');
    // 4 steps per epoch: stop inside epoch 1, in the middle of an accumulation window, on a worker-thread loader
    const first = await runPretrain(tinyOptions(data, split, { ...opts, maxSteps: 7, workers: 1 }));
    assert.equal(first.stopped, 'max_steps');
    assert.ok(existsSync(path.join(split, 'checkpoint-last.pth')));
    const rest = await runPretrain(tinyOptions(data, split, { ...opts, resume: split }));
    assert.equal(rest.stopped, null);
    assert.equal(
      readFileSync(path.join(split, 'log.txt'), 'utf8'),
      readFileSync(path.join(full, 'log.txt'), 'utf8'),
    );
    for (const f of ['checkpoint-2.pth', 'checkpoint-te-2.pth']) {
      const a = (await loadStateDict(path.join(full, f))).stateDict;
      const b = (await loadStateDict(path.join(split, f))).stateDict;
      assert.deepEqual(sameValues(a, b), [], `${f} identical`);
    }
  });

  test('an abort signal stops after the current step with a resumable checkpoint', async () => {
    const out = tempDir('signal');
    const abort = new AbortController();
    const r = await runPretrain(tinyOptions(data, out, { epochs: 2 }), {
      signal: abort.signal,
      onStep: (p) => {
        if (p.iteration === 3) abort.abort();
      },
    });
    assert.equal(r.stopped, 'signal');
    assert.equal(r.iterations, 3);
    const ck = await openTorchCheckpoint(path.join(out, 'checkpoint-last.pth'));
    try {
      const st = (ck.root as Map<string, unknown>).get('fsvfm_state') as Map<string, unknown>;
      const progress = JSON.parse(String(st.get('json')));
      assert.deepEqual([progress.epoch, progress.step], [1, 1]);
      assert.equal((ck.root as Map<string, unknown>).get('epoch'), 0);
    } finally {
      ck.close();
    }
  });

  test('losses fall over 50 steps', async () => {
    const out = tempDir('fall');
    await runPretrain(tinyOptions(data, out, { epochs: 25, lr: 2e-3, warmupEpochs: 2, saveEvery: 100 }));
    const log = readEpochLog(out);
    assert.equal(log.length, 25);
    const first = log[0]!.train_loss_rec_all!;
    const last = log[24]!.train_loss_rec_all!;
    assert.ok(last < 0.9 * first, `reconstruction loss ${first} → ${last}`);
    assert.ok(log[24]!.train_loss! < log[0]!.train_loss!, 'total loss falls');
  });
});
