import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compile, Graph, grad, mul, reduceSum } from '../src/graph/index.js';
import {
  fasAdapterModel,
  fasClassifier,
  fasModel,
  isFasAdapterTrainable,
  normalizeFasClassifier,
  prepareFasStateDict,
  ssdgNormalize,
  withFasAliases,
} from '../src/models/fasModel.js';
import { type FsAdapterConfig, fsAdapterVit, isFsAdapterTrainable } from '../src/models/fsAdapter.js';
import { Scope } from '../src/nn/scope.js';
import type { StateDict } from '../src/nn/stateDict.js';
import type { EncoderConfig } from '../src/nn/vit.js';

const vit: EncoderConfig = { imgSize: 32, patch: 16, dim: 8, depth: 1, heads: 2, mlpRatio: 2, eps: 1e-6 };
const adapterCfg: FsAdapterConfig = { ...vit, numClasses: 2, reduction: 4 };

describe('FS-Adapter ViT', () => {
  test('declares the official keys, shapes and initialisers', () => {
    const g = new Graph();
    const s = Scope.root(g);
    const out = fsAdapterVit(s, g.input('images', 'float32', [3, 3, 32, 32]), adapterCfg);
    const specs = new Map(s.registry.list().map((p) => [p.name, p]));
    assert.deepEqual(specs.get('adapter.linear1.weight')?.shape, [2, 8]);
    assert.deepEqual(specs.get('adapter.linear2.weight')?.shape, [8, 2]);
    assert.equal(specs.has('adapter.linear1.bias'), false);
    assert.equal(specs.has('adapter.linear2.bias'), false);
    assert.deepEqual(specs.get('projector.weight')?.shape, [2, 2]);
    assert.deepEqual(specs.get('projector.bias')?.init, { kind: 'torchDefault', fanIn: 2 });
    assert.deepEqual(specs.get('head.weight')?.shape, [2, 16]);
    assert.deepEqual(specs.get('head.weight')?.init, { kind: 'truncNormal', std: 2e-5 });
    // the head bias keeps PyTorch's default U(±1/√(2D))
    assert.deepEqual(specs.get('head.bias')?.init, { kind: 'torchDefault', fanIn: 16 });
    assert.deepEqual(specs.get('adapter.linear1.weight')?.init, { kind: 'torchDefault', fanIn: 8 });
    assert.deepEqual(out.logits.shape, [3, 2]);
    assert.deepEqual(out.projNormalized.shape, [3, 2]);
    assert.deepEqual(out.adapterOut.shape, [3, 8]);
  });

  test('freezing rule: only adapter, projector and head train', () => {
    for (const k of ['adapter.linear1.weight', 'projector.bias', 'head.weight', 'head.bias'])
      assert.equal(isFsAdapterTrainable(k), true, k);
    for (const k of ['fc_norm.weight', 'blocks.0.attn.qkv.weight', 'pos_embed', 'cls_token'])
      assert.equal(isFsAdapterTrainable(k), false, k);
  });

  test('a reduction that does not divide the width is refused', () => {
    const g = new Graph();
    assert.throws(
      () =>
        fsAdapterVit(Scope.root(g), g.input('images', 'float32', [1, 3, 32, 32]), {
          ...adapterCfg,
          reduction: 3,
        }),
      /does not divide/,
    );
  });
});

describe('fas_model_fix', () => {
  test('keys and shapes; training mode adds the embedder dropout keep-mask input', () => {
    const g = new Graph();
    const s = Scope.root(g, { training: true });
    const out = fasModel(s, g.input('images', 'float32', [2, 3, 32, 32]), vit);
    const specs = new Map(s.registry.list().map((p) => [p.name, p]));
    assert.deepEqual(specs.get('backbone.vit.fc_norm.weight')?.shape, [8]);
    assert.deepEqual(specs.get('embedder.bottleneck_layer_fc.weight')?.shape, [512, 8]);
    assert.deepEqual(specs.get('embedder.bottleneck_layer_fc.bias')?.init, { kind: 'constant', value: 0.1 });
    assert.deepEqual(specs.get('classifier.classifier_layer.weight')?.init, { kind: 'normal', std: 0.01 });
    assert.deepEqual(out.clsOut.shape, [2, 5, 2]);
    assert.deepEqual(out.logits.shape, [2, 2]);
    assert.deepEqual(s.registry.randomInputs.get('random:embedder.bottleneck_layer.2'), {
      shape: [2, 5, 512],
      keepProb: 0.5,
    });
  });

  test('SSDG normalisation divides by sqrt(2·‖x‖) with the norm over axis 1', async () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [1, 3, 2]);
    const exe = await compile({ y: ssdgNormalize(x, 1) });
    const data = Float32Array.from([3, 1, 0, 2, 4, 2]); // channel 0 over tokens: 3,0,4 → ‖·‖ 5; channel 1: 1,2,2 → 3
    const y = (await exe.run({ x: data })).y!.data as Float32Array;
    const expected = [3, 1, 0, 2, 4, 2].map((v, i) => v / Math.sqrt(2 * (i % 2 === 0 ? 5 : 3)));
    for (let i = 0; i < y.length; i++)
      assert.ok(Math.abs(y[i]! - expected[i]!) < 1e-6, `${y[i]} vs ${expected[i]}`);
  });

  test('classifier: normalised columns forward, straight-through gradient to the stored weight', async () => {
    const g = new Graph();
    const s = Scope.root(g);
    const x = g.input('x', 'float32', [1, 512]);
    const out = fasClassifier(s.child('classifier'), x);
    const c = g.constant(Float32Array.from([2, -1]), [1, 2]);
    const w = g.get('classifier.classifier_layer.weight')!;
    const [dw] = grad(reduceSum(mul(out, c)), [w]);
    const exe = await compile({ out, dw: dw! });
    const wData = Float32Array.from({ length: 1024 }, (_, i) => ((i * 37) % 11) - 5 + 0.5);
    const xData = Float32Array.from({ length: 512 }, (_, i) => Math.sin(i));
    const r = await exe.run({
      x: xData,
      'classifier.classifier_layer.weight': wData,
      'classifier.classifier_layer.bias': Float32Array.from([0.5, -0.5]),
    });
    const sd: StateDict = new Map([['w', { shape: [2, 512], data: Float32Array.from(wData) }]]);
    normalizeFasClassifier(sd, 'w');
    const wn = sd.get('w')!.data;
    for (let o = 0; o < 2; o++) {
      let acc = o === 0 ? 0.5 : -0.5;
      for (let j = 0; j < 512; j++) acc += wn[o * 512 + j]! * xData[j]!;
      assert.ok(Math.abs((r.out!.data as Float32Array)[o]! - acc) < 1e-4);
    }
    const gw = r.dw!.data as Float32Array;
    for (let o = 0; o < 2; o++)
      for (let j = 0; j < 512; j += 97)
        assert.ok(Math.abs(gw[o * 512 + j]! - [2, -1][o]! * xData[j]!) < 1e-5);
  });

  test('embedder alias: dropped when identical, refused when different, restored for saving', () => {
    const t = { shape: [2], data: Float32Array.from([1, 2]) };
    const sd: StateDict = new Map([
      ['embedder.bottleneck_layer_fc.bias', t],
      ['embedder.bottleneck_layer.0.bias', { shape: [2], data: Float32Array.from([1, 2]) }],
    ]);
    const prepared = prepareFasStateDict(sd);
    assert.deepEqual([...prepared.keys()], ['embedder.bottleneck_layer_fc.bias']);
    assert.deepEqual([...withFasAliases(prepared).keys()].sort(), [...sd.keys()].sort());
    sd.set('embedder.bottleneck_layer.0.bias', { shape: [2], data: Float32Array.from([1, 3]) });
    assert.throws(() => prepareFasStateDict(sd), /differs/);
  });

  test('FS-Adapter FAS variant: 2-D features, its own freezing rule', () => {
    const g = new Graph();
    const s = Scope.root(g);
    const out = fasAdapterModel(s, g.input('images', 'float32', [2, 3, 32, 32]), adapterCfg);
    assert.deepEqual(out.features.shape, [2, 16]);
    assert.deepEqual(out.embedding.shape, [2, 512]);
    assert.deepEqual(out.logits.shape, [2, 2]);
    const names = s.registry.list().map((p) => p.name);
    assert.ok(names.includes('embedder.bottleneck_layer_fc.weight'));
    assert.ok(names.includes('backbone.vit.adapter.linear1.weight'));
    assert.equal(isFasAdapterTrainable('backbone.vit.head.weight'), false);
    assert.equal(isFasAdapterTrainable('backbone.vit.fc_norm.weight'), false);
    assert.equal(isFasAdapterTrainable('backbone.vit.projector.weight'), true);
    assert.equal(isFasAdapterTrainable('classifier.classifier_layer.weight'), true);
  });
});
