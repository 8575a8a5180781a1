import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crossEntropy, Graph, type HostTensor } from '../src/graph/index.js';
import { type ClassifierConfig, vitClassifier } from '../src/models/vitClassifier.js';
import { seededRandom } from '../src/nn/random.js';
import { ParamRegistry, Scope } from '../src/nn/scope.js';
import { cloneStateDict, initStateDict } from '../src/nn/stateDict.js';
import { GraphTrainer, type OptimizerPlacement, type OptimizerSpec } from '../src/train/graphTrainer.js';
import { weightDecayGroups } from '../src/train/paramGroups.js';

const cfg: ClassifierConfig = {
  imgSize: 16,
  patch: 8,
  dim: 16,
  depth: 1,
  heads: 2,
  mlpRatio: 2,
  eps: 1e-6,
  numClasses: 2,
  globalPool: true,
  posEmbedTrainable: true,
};
const B = 4;

function batch(seed: number): Record<string, HostTensor> {
  const r = seededRandom(seed);
  return {
    images: {
      dtype: 'float32',
      shape: [B, 3, 16, 16],
      data: Float32Array.from({ length: B * 3 * 256 }, () => r.normal()),
    },
    labels: { dtype: 'int64', shape: [B], data: BigInt64Array.from({ length: B }, (_, i) => BigInt(i % 2)) },
  };
}

async function run(
  placement: OptimizerPlacement,
  optimizer: OptimizerSpec,
  accumSteps: number,
  steps: number,
) {
  const g = new Graph();
  const s = Scope.root(g);
  const t = new Scope(new ParamRegistry(g), 'teacher');
  const images = g.input('images', 'float32', [B, 3, 16, 16]);
  const labels = g.input('labels', 'int64', [B]);
  const student = vitClassifier(s, images, cfg).logits;
  vitClassifier(t, images, cfg); // traced so the teacher's names exist; EMA pairs by name
  const loss = crossEntropy(student, labels);
  const params = initStateDict(s.registry.list(), seededRandom(1));
  const teacher = new Map([...cloneStateDict(params)].map(([k, v]) => [`teacher.${k}`, v]));
  const trainer = await GraphTrainer.create(
    {
      loss,
      registry: s.registry,
      groups: weightDecayGroups(s.registry.list(), 0.05, () => true),
      optimizer,
      clipGrad: 0.5,
      teacher: { registry: t.registry, prefix: 'teacher.' },
    },
    { params, teacher },
    { rng: seededRandom(2), accumSteps, placement },
  );
  const losses: number[] = [];
  for (let i = 0; i < steps; i++)
    losses.push((await trainer.step(batch(10 + i), { lr: 1e-2, emaMomentum: 0.9 })).loss);
  return { trainer, losses };
}

function maxDiff(a: Map<string, { data: Float32Array }>, b: Map<string, { data: Float32Array }>): number {
  let worst = 0;
  for (const [k, v] of a)
    for (const [i, x] of v.data.entries()) worst = Math.max(worst, Math.abs(x - b.get(k)!.data[i]!));
  return worst;
}

for (const optimizer of [
  { kind: 'adamw', config: { beta1: 0.9, beta2: 0.95, eps: 1e-8 } },
  { kind: 'sgd', momentum: 0.9 },
] as OptimizerSpec[]) {
  test(`${optimizer.kind}: host and graph placement agree with accumulation, clipping and EMA`, async () => {
    const host = await run('host', optimizer, 2, 6);
    const graph = await run('graph', optimizer, 2, 6);
    assert.equal(host.trainer.state.step, 3);
    assert.equal(graph.trainer.state.step, 3);
    for (const [i, l] of host.losses.entries()) {
      assert.ok(Math.abs(l - graph.losses[i]!) < 1e-5, `loss ${i}: ${l} vs ${graph.losses[i]}`);
    }
    const paramDiff = maxDiff(host.trainer.state.params, graph.trainer.state.params);
    // summation order differs (clip norm, accumulation): near-zero gradients make Adam sensitive, so 1% of lr
    assert.ok(paramDiff < 1e-4, `parameters differ by ${paramDiff}`);
    const slotDiff = maxDiff(host.trainer.state.slots, graph.trainer.state.slots);
    assert.ok(slotDiff < 1e-5, `optimizer slots differ by ${slotDiff}`);
    const teacherDiff = maxDiff(host.trainer.state.teacher!, graph.trainer.state.teacher!);
    assert.ok(teacherDiff < 1e-4, `teachers differ by ${teacherDiff}`);
    assert.ok(host.losses[5]! !== host.losses[0]!, 'training changed something');
  });
}

test('host placement: skipIf drops the batch before any update and advances the window', async () => {
  const { trainer } = await run(
    'host',
    { kind: 'adamw', config: { beta1: 0.9, beta2: 0.95, eps: 1e-8 } },
    2,
    1,
  );
  const before = cloneStateDict(trainer.state.params);
  const teacherBefore = cloneStateDict(trainer.state.teacher!);
  const r = await trainer.step(batch(99), { lr: 1e-2, emaMomentum: 0.9 }, { skipIf: () => true });
  assert.equal(r.skipped, true);
  assert.equal(r.applied, false);
  assert.equal(maxDiff(before, trainer.state.params), 0);
  assert.equal(maxDiff(teacherBefore, trainer.state.teacher!), 0);
  assert.equal(trainer.accumulation().count, 0);
  assert.equal(trainer.accumulation().buffers, null);
});
