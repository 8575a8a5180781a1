import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compile, crossEntropy, Graph, type HostTensor } from '../src/graph/index.js';
import { type ClassifierConfig, vitClassifier } from '../src/models/vitClassifier.js';
import { seededRandom } from '../src/nn/random.js';
import { Scope } from '../src/nn/scope.js';
import { initStateDict } from '../src/nn/stateDict.js';
import { GraphTrainer } from '../src/train/graphTrainer.js';
import { weightDecayGroups } from '../src/train/paramGroups.js';

const cfg: ClassifierConfig = {
  imgSize: 16,
  patch: 4,
  dim: 32,
  depth: 2,
  heads: 2,
  mlpRatio: 2,
  eps: 1e-6,
  numClasses: 2,
  globalPool: true,
  posEmbedTrainable: true,
  dropPath: 0.1,
};
const B = 32;

/** Class 1: a bright vertical bar somewhere; class 0: a bright horizontal bar; plus noise. */
function makeBatch(rng: () => number, n: number): { images: HostTensor; labels: HostTensor } {
  const s = cfg.imgSize;
  const img = new Float32Array(n * 3 * s * s);
  const labels = new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    const y = rng() < 0.5 ? 1 : 0;
    labels[i] = BigInt(y);
    const pos = Math.floor(rng() * (s - 2));
    for (let c = 0; c < 3; c++)
      for (let r = 0; r < s; r++)
        for (let q = 0; q < s; q++) {
          const onBar = y === 1 ? q >= pos && q < pos + 2 : r >= pos && r < pos + 2;
          img[((i * 3 + c) * s + r) * s + q] = (onBar ? 1 : 0) + (rng() - 0.5) * 0.6;
        }
  }
  return {
    images: { dtype: 'float32', shape: [n, 3, s, s], data: img },
    labels: { dtype: 'int64', shape: [n], data: labels },
  };
}

test('a tiny ViT trained with the in-graph AdamW reaches >= 95% held-out accuracy', async () => {
  const rng = seededRandom(3);
  const g = new Graph();
  const s = Scope.root(g, { training: true });
  const images = g.input('images', 'float32', [B, 3, cfg.imgSize, cfg.imgSize]);
  const labels = g.input('labels', 'int64', [B]);
  const { logits } = vitClassifier(s, images, cfg);
  const loss = crossEntropy(logits, labels);
  const specs = s.registry.list();
  const params = initStateDict(specs, rng);
  const trainer = await GraphTrainer.create(
    {
      loss,
      registry: s.registry,
      groups: weightDecayGroups(specs, 0.05, () => true),
      optimizer: { kind: 'adamw', config: { beta1: 0.9, beta2: 0.999, eps: 1e-8 } },
      clipGrad: 1.0,
    },
    { params },
    { rng, threads: 2 },
  );
  let first = 0;
  let last = 0;
  for (let step = 0; step < 120; step++) {
    const r = await trainer.step(makeBatch(rng.uniform, B), { lr: 3e-3 });
    if (step === 0) first = r.loss;
    last = r.loss;
  }
  assert.ok(last < first, `loss should fall: ${first} -> ${last}`);

  const ge = new Graph();
  const se = Scope.root(ge);
  const evalImages = ge.input('images', 'float32', [256, 3, cfg.imgSize, cfg.imgSize]);
  const evalLogits = vitClassifier(se, evalImages, cfg).logits;
  const exe = await compile({ logits: evalLogits });
  const held = makeBatch(seededRandom(99).uniform, 256);
  const feeds: Record<string, HostTensor> = { images: held.images };
  for (const [k, v] of trainer.state.params) feeds[k] = { dtype: 'float32', shape: v.shape, data: v.data };
  const out = (await exe.run(feeds)).logits!.data as Float32Array;
  let correct = 0;
  for (let i = 0; i < 256; i++)
    if ((out[2 * i + 1]! > out[2 * i]! ? 1n : 0n) === (held.labels.data as BigInt64Array)[i]) correct++;
  assert.ok(correct / 256 >= 0.95, `held-out accuracy ${correct / 256}`);
});
