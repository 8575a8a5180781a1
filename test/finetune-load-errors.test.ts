import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { Graph } from '../src/graph/index.js';
import { writeSafetensors } from '../src/io/safetensors.js';
import { torchTensor } from '../src/io/torchSave.js';
import { encoderConfig } from '../src/models/encoderConfig.js';
import { fasModel } from '../src/models/fasModel.js';
import { initFromPretrained, readCheckpoint, resolveModelSize } from '../src/models/loadPretrained.js';
import { vitClassifier } from '../src/models/vitClassifier.js';
import { seededRandom } from '../src/nn/random.js';
import { Scope } from '../src/nn/scope.js';
import { type FinetuneOptions, finetune } from '../src/train/finetune/index.js';
import {
  ckpt,
  expectedFloat32,
  fixtureFaces,
  SKIP_REASON,
  writePng,
  writeRealFakeFolder,
} from './protocol-fixtures.js';
import { scratchDir } from './scratchDir.js';

let root = '';
before(async () => {
  if (SKIP_REASON) return;
  root = scratchDir('fsvfm-ft-err-');
  await writeRealFakeFolder(path.join(root, 'good'), 2);
});

const opts = (over: Partial<FinetuneOptions>): FinetuneOptions => ({
  dataPath: [path.join(root, 'good')],
  finetune: ckpt('pretrain-online.pth'),
  model: 'custom',
  numHeads: 3,
  trainable: 'fs-adapter',
  outputDir: path.join(root, 'out'),
  batchSize: 2,
  epochs: 1,
  warmupEpochs: 0,
  ...over,
});

async function classifierSpecs(imgSize: number, size = 'custom') {
  const c = await readCheckpoint(ckpt('pretrain-online.pth'));
  const cfg = resolveModelSize(c, size, { numHeads: 3 });
  const g = new Graph();
  const s = Scope.root(g, { training: false });
  const enc = { ...encoderConfig({ ...cfg, imgSize }), posEmbedTrainable: true };
  vitClassifier(s, g.input('x', 'float32', [1, 3, imgSize, imgSize]), {
    ...enc,
    numClasses: 2,
    globalPool: true,
  });
  return { c, specs: s.registry.list() };
}

test('loading pretrain-online into a 192-px classifier interpolates pos_embed like the official code', {
  skip: SKIP_REASON,
}, async () => {
  const { c, specs } = await classifierSpecs(192);
  const r = initFromPretrained(c, specs, { kind: 'classifier', rng: seededRandom(0) });
  assert.deepEqual(r.interpolated, { from: 14, to: 12 });
  assert.deepEqual([...r.missing].sort(), ['fc_norm.bias', 'fc_norm.weight', 'head.bias', 'head.weight']);
  assert.ok(r.unexpected.includes('decoder_pred.weight') && r.unexpected.includes('norm.weight'));
  const want = expectedFloat32('pos_embed_interp_14_to_12');
  const got = r.stateDict.get('pos_embed')!.data;
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
  assert.ok(worst < 1e-5, `worst abs error ${worst}`);
  // head re-init: TruncNormal(std 2e-5), bias 0
  const hw = r.stateDict.get('head.weight')!.data;
  assert.ok(hw.every((v) => Math.abs(v) < 2e-4) && hw.some((v) => v !== 0));
  assert.ok(r.stateDict.get('head.bias')!.data.every((v) => v === 0));
});

test('the FAS loader takes a raw encoder state dict with a target_encoder. prefix', {
  skip: SKIP_REASON,
}, async () => {
  const c = await readCheckpoint(ckpt('pretrain-online.pth'));
  const file = path.join(root, 'raw-encoder.safetensors');
  const enc = [...c.stateDict].filter(([k]) => /^(cls_token|pos_embed|patch_embed|blocks)/.test(k));
  await writeSafetensors(
    file,
    enc.map(([k, t]) => [`target_encoder.${k}`, torchTensor('float32', t.shape, t.data)]),
  );
  const raw = await readCheckpoint(file);
  assert.equal(raw.detected.kind, 'encoder-only');
  const size = resolveModelSize(raw, undefined, { numHeads: 3 });
  const g = new Graph();
  const s = Scope.root(g);
  fasModel(s, g.input('x', 'float32', [1, 3, 224, 224]), encoderConfig(size));
  const r = initFromPretrained(raw, s.registry.list(), { kind: 'fas', rng: seededRandom(1) });
  assert.deepEqual(r.unexpected, []);
  assert.ok(
    r.missing.includes('backbone.vit.fc_norm.weight') &&
      r.missing.includes('classifier.classifier_layer.weight'),
  );
  assert.deepEqual(
    r.stateDict.get('backbone.vit.blocks.1.mlp.fc2.bias')!.data,
    c.stateDict.get('blocks.1.mlp.fc2.bias')!.data,
  );
});

test('finetune: bad inputs give clear messages', { skip: SKIP_REASON }, async () => {
  const one = path.join(root, 'one');
  await writePng(path.join(one, 'real_only', 'a.png'), fixtureFaces()[0]!);
  await assert.rejects(finetune(opts({ dataPath: [one] })), /only one class folder \('real_only'\)/);

  const empty = path.join(root, 'empty');
  await writePng(path.join(empty, 'real', 'a.png'), fixtureFaces()[0]!);
  mkdirSync(path.join(empty, 'fake'), { recursive: true });
  await assert.rejects(finetune(opts({ dataPath: [empty] })), /no images .* in class folder\(s\) 'fake'/);

  const lists = path.join(root, 'lists');
  mkdirSync(lists, { recursive: true });
  const img = path.join(root, 'good', 'real_faces', 'real0_frame_0.png');
  writeFileSync(path.join(lists, 'train.txt'), `${img} 0\n${img} 1\n`);
  writeFileSync(path.join(lists, 'val.txt'), `${img} 2\n`);
  await assert.rejects(
    finetune(
      opts({
        dataPath: undefined,
        trainSplit: path.join(lists, 'train.txt'),
        valSplit: path.join(lists, 'val.txt'),
      }),
    ),
    /label files disagree: .*val\.txt' has label\(s\) 2/,
  );

  await assert.rejects(
    finetune(opts({ model: 'vit_small_patch16' })),
    /--model vit_small_patch16 is D=384 depth 12 patch 16 \(cls_token \[1, 1, 384\]\), but .*pretrain-online\.pth is D=96 depth 2/,
  );
  await assert.rejects(
    finetune(opts({ finetune: ckpt('finetune-vit.pth') })),
    /fine-tuned detector checkpoint \(finetune-vit\), not a pre-training one/,
  );
  await assert.rejects(finetune(opts({ finetune: path.join(root, 'missing.pth') })), /checkpoint not found/);
  await assert.rejects(finetune(opts({ batchSize: 8 })), /4 image\(s\), fewer than --batch_size 8/);
  await assert.rejects(finetune(opts({ rotateFakes: true })), /--rotate_fakes .* with --paired_batches/);
  await assert.rejects(
    finetune(opts({ model: 'custom', numHeads: undefined })),
    /custom size .*give --num_heads/,
  );
});
