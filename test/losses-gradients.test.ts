import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compile, Graph, grad, hostTensor, l2Normalize } from '../src/graph/index.js';
import { infoNceLoss, realAnchorConLoss, supConLoss } from '../src/train/losses/index.js';
import { gradCheck } from './support/gradcheck.js';

const labels = (v: number[]) =>
  hostTensor(
    BigInt64Array.from(v, (x) => BigInt(x)),
    [v.length],
  );

describe('contrastive loss gradients', () => {
  test('RealAnchorConLoss: finite, nonzero gradient for a batch with two reals; zero without reals', async () => {
    const g = new Graph();
    const f = g.input('f', 'float32', [4, 8]);
    const y = g.input('y', 'int64', [4]);
    const loss = realAnchorConLoss(l2Normalize(f, 1), y, { realClass: 1 });
    const [df] = grad(loss, [f]);
    const exe = await compile({ loss, df: df! });
    const feats = Float32Array.from({ length: 32 }, (_, i) => Math.sin(i * 1.7) + 0.1 * i);
    const withReals = await exe.run({ f: feats, y: labels([1, 0, 1, 0]) });
    const gr = Array.from(withReals.df!.data as Float32Array);
    assert.ok(
      gr.every((v) => Number.isFinite(v)),
      'gradient must be finite',
    );
    assert.ok(
      gr.some((v) => Math.abs(v) > 1e-4),
      'gradient must not vanish',
    );
    const noReal = await exe.run({ f: feats, y: labels([0, 0, 0, 0]) });
    assert.ok((noReal.df!.data as Float32Array).every((v) => v === 0));
  });

  test('RealAnchorConLoss matches central differences (float64, unit features)', async () => {
    const worst = await gradCheck(
      [{ shape: [4, 3] }, { shape: [4], fixed: labels([1, 1, 0, 1]) }],
      ([x, lab]) => realAnchorConLoss(l2Normalize(x!, 1), lab!, { realClass: 1, temperature: 0.5 }),
    );
    assert.ok(worst < 1e-6, `worst relative error ${worst}`);
  });

  test('SupCon (2 views) and InfoNCE match central differences (float64)', async () => {
    const sup = await gradCheck([{ shape: [3, 2, 4] }], ([x]) =>
      supConLoss(l2Normalize(x!, 2), { temperature: 0.5, baseTemperature: 0.07 }),
    );
    assert.ok(sup < 1e-6, `SupCon worst relative error ${sup}`);
    // the target view is detached, so it is a fixed input here
    const target = hostTensor(
      Float64Array.from({ length: 12 }, (_, i) => Math.cos(i)),
      [3, 4],
    );
    const nce = await gradCheck([{ shape: [3, 4] }, { shape: [3, 4], fixed: target }], ([a, b]) =>
      infoNceLoss(a!, b!, { temperature: 0.5, sample: 'positive' }),
    );
    assert.ok(nce < 1e-6, `InfoNCE worst relative error ${nce}`);
  });
});
