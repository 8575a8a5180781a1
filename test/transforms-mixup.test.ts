import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cutmixBox, FINETUNE_MIXUP, mixupCutmix, mixupTargets } from '../src/data/transforms/mixupCutmix.js';
import { VGGFACE2_NORM } from '../src/data/transforms/normalize.js';
import { finetuneTrainPipeline, runPipeline } from '../src/data/transforms/trainTransform.js';
import { noiseImage, scripted, seeded } from './transforms-helpers.js';

function batch(B: number, C: number, H: number, W: number): Float32Array {
  const x = new Float32Array(B * C * H * W);
  for (let b = 0; b < B; b++) x.fill(b + 1, b * C * H * W, (b + 1) * C * H * W);
  return x;
}

describe('mixup targets (SPEC §4.6)', () => {
  it('are λ·smooth(y) + (1−λ)·smooth(flip(y)) and sum to 1', () => {
    const labels = [1, 0, 0, 1, 1, 0];
    const lam = 0.3;
    const t = mixupTargets(labels, 2, lam, 0.1);
    for (let i = 0; i < labels.length; i++) {
      const own = labels[i];
      const other = labels[labels.length - 1 - i];
      for (let c = 0; c < 2; c++) {
        const s = (y: number): number => (c === y ? 0.95 : 0.05);
        assert.ok(Math.abs(t[i * 2 + c] - (lam * s(own) + (1 - lam) * s(other))) < 1e-6);
      }
      assert.ok(Math.abs(t[i * 2] + t[i * 2 + 1] - 1) < 1e-6);
    }
    // λ = 1, no smoothing: plain one-hot
    assert.deepEqual(Array.from(mixupTargets([1, 0], 2, 1, 0)), [0, 1, 1, 0]);
  });
  it('rejects labels outside the class range', () => {
    assert.throws(() => mixupTargets([0, 2], 2, 0.5, 0.1), /outside 0\.\.1/);
  });
});

describe('mixupCutmix (timm batch mode)', () => {
  it('mixup blends each sample with its mirror partner', () => {
    const shape = [4, 1, 2, 2] as const;
    const x = batch(...shape);
    // prob gate .1 < 1; switch .9 ≥ .5 → mixup; then the Beta draws come from a seeded tail
    const tail = seeded(5);
    const head = [0.1, 0.9];
    let k = 0;
    const rng = { uniform: () => (k < head.length ? head[k++] : tail.uniform()) };
    const r = mixupCutmix(x, shape, [1, 0, 1, 0], FINETUNE_MIXUP, rng);
    assert.equal(r.mode, 'mixup');
    assert.ok(r.lambda > 0 && r.lambda < 1);
    const lam = r.lambda;
    for (let b = 0; b < 4; b++) {
      const expect = lam * (b + 1) + (1 - lam) * (4 - b);
      assert.ok(Math.abs(x[b * 4] - expect) < 1e-5);
    }
    for (let i = 0; i < 4; i++) assert.ok(Math.abs(r.targets[i * 2] + r.targets[i * 2 + 1] - 1) < 1e-6);
    assert.deepEqual(r.targets, mixupTargets([1, 0, 1, 0], 2, lam, 0.1));
  });
  it('cutmix pastes the partner box and corrects λ to the pasted area', () => {
    const shape = [2, 1, 10, 10] as const;
    const x = batch(...shape);
    const tail = seeded(11);
    const head = [0.1, 0.2];
    let k = 0;
    const rng = { uniform: () => (k < head.length ? head[k++] : tail.uniform()) };
    const r = mixupCutmix(x, shape, [0, 1], FINETUNE_MIXUP, rng);
    assert.equal(r.mode, 'cutmix');
    assert.ok(r.box);
    const { yl, yh, xl, xh } = r.box;
    const pasted = (yh - yl) * (xh - xl);
    assert.ok(Math.abs(r.lambda - (1 - pasted / 100)) < 1e-12);
    let fromPartner = 0;
    for (let i = 0; i < 100; i++) if (x[i] === 2) fromPartner++;
    assert.equal(fromPartner, pasted);
    assert.deepEqual(r.targets, mixupTargets([0, 1], 2, r.lambda, 0.1));
  });
  it('cutmix box: side sqrt(1−λ)·size around the centre, clipped', () => {
    // λ = .75 → cut 5 of 10; centre (0, 9) → rows 0..2, cols 7..10
    const b = cutmixBox(10, 10, 0.75, scripted([0, 0.95]));
    assert.deepEqual(b, { yl: 0, yh: 2, xl: 7, xh: 10, lambda: 1 - 6 / 100 });
  });
  it('needs an even batch and matching labels', () => {
    assert.throws(
      () => mixupCutmix(batch(3, 1, 1, 1), [3, 1, 1, 1], [0, 1, 0], FINETUNE_MIXUP, seeded(1)),
      /even batch/,
    );
    assert.throws(
      () => mixupCutmix(batch(2, 1, 1, 1), [2, 1, 1, 1], [0], FINETUNE_MIXUP, seeded(1)),
      /1 labels/,
    );
  });
});

describe('fine-tuning train pipeline (SPEC §5.3)', () => {
  it('produces a deterministic 3×224×224 tensor for a seed', () => {
    const p = finetuneTrainPipeline({ norm: VGGFACE2_NORM });
    const img = noiseImage(64, 48, 3);
    const a = runPipeline(p, img, seeded(7));
    const b = runPipeline(p, img, seeded(7));
    assert.equal(a.tensor.length, 3 * 224 * 224);
    assert.deepEqual(a.tensor, b.tensor);
    assert.ok(a.tensor.every(Number.isFinite));
    const c = runPipeline(p, img, seeded(8));
    assert.notDeepEqual(a.tensor, c.tensor);
  });
  it('stages can be switched off', () => {
    const p = finetuneTrainPipeline({ norm: VGGFACE2_NORM, autoAugment: null, reprob: 0, inputSize: 32 });
    assert.equal(p.imageStages.length, 2);
    assert.equal(p.tensorStages.length, 0);
    assert.equal(runPipeline(p, noiseImage(40, 40, 1), seeded(1)).tensor.length, 3 * 32 * 32);
  });
});
