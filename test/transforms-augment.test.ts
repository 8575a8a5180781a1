import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { affineTransformRgb } from '../src/data/image/affineTransform.js';
import { invert } from '../src/data/image/pointOps.js';
import { createRgbImage } from '../src/data/image/rgbImage.js';
import { fasSaturationJitter, scaleSaturation } from '../src/data/transforms/fasHsvJitter.js';
import {
  type AugmentHparams,
  augmentOp,
  opArgument,
  parseRandAugment,
  RAND_INCREASING_OPS,
  RAND_OPS,
  randAugment,
} from '../src/data/transforms/randAugment.js';
import { FINETUNE_RANDOM_ERASING, randomErasing } from '../src/data/transforms/randomErasing.js';
import { randomResizedCrop, randomResizedCropBox } from '../src/data/transforms/randomResizedCrop.js';
import { betaSample, gammaSample, randInt } from '../src/data/transforms/rng.js';
import { noiseImage, scripted, seeded } from './transforms-helpers.js';

const HP: AugmentHparams = {
  translatePct: 0.45,
  translateConst: 100,
  fill: [140, 108, 93],
  filter: 'bilinear',
};

describe('RandomResizedCrop', () => {
  it('takes the first attempt that fits; sizes rounded half-to-even', () => {
    // area 100·80 = 8000; scale .08 + .5·.92 = .54 → 4320; aspect exp(0) = 1 → 65.7 → 66 × 66
    const rng = scripted([0.5, 0.5, 0, 1 - 1e-12]);
    const box = randomResizedCropBox(100, 80, [0.08, 1], [3 / 4, 4 / 3], rng);
    assert.deepEqual(box, { top: 0, left: 34, height: 66, width: 66 });
  });
  it('falls back to the centre crop clamped to the ratio after 10 misses', () => {
    const rng = scripted(Array(20).fill(0.99));
    const box = randomResizedCropBox(100, 10, [0.08, 1], [3 / 4, 4 / 3], rng);
    assert.deepEqual(box, { top: 0, left: 43, height: 10, width: 13 });
    assert.equal(rng.used(), 20);
  });
  it('resizes the crop to the requested square', () => {
    const out = randomResizedCrop(
      noiseImage(40, 30, 1),
      { size: 16, scale: [0.08, 1], ratio: [3 / 4, 4 / 3], filter: 'bilinear' },
      seeded(3),
    );
    assert.deepEqual([out.width, out.height], [16, 16]);
  });
});

describe('RandAugment config (timm 0.4.5)', () => {
  it('parses rand-m9-mstd0.5-inc1', () => {
    const c = parseRandAugment('rand-m9-mstd0.5-inc1');
    assert.equal(c.magnitude, 9);
    assert.equal(c.numLayers, 2);
    assert.equal(c.magnitudeStd, 0.5);
    assert.equal(c.ops, RAND_INCREASING_OPS);
    assert.equal(parseRandAugment('rand-n3').numLayers, 3);
    assert.equal(parseRandAugment('rand-m5').ops, RAND_OPS);
    // timm's bool('0') is True
    assert.equal(parseRandAugment('rand-m9-inc0').ops, RAND_INCREASING_OPS);
  });
  it('rejects malformed configs with a clear message', () => {
    assert.throws(() => parseRandAugment('augmix-m9'), /must start with 'rand'/);
    assert.throws(() => parseRandAugment('rand-x3'), /unknown config section 'x3'/);
    assert.throws(() => parseRandAugment('rand-m9.5'), /'m' needs an integer/);
    assert.throws(() => parseRandAugment('rand-w0'), /not supported/);
  });
  it('maps magnitude 9 to the documented arguments', () => {
    const pos = scripted(Array(20).fill(0.2)); // ≤ 0.5: keep the sign
    const neg = scripted(Array(20).fill(0.9)); // > 0.5: negate
    assert.equal(opArgument('Rotate', 9, HP, pos), 27);
    assert.equal(opArgument('Rotate', 9, HP, neg), -27);
    assert.equal(opArgument('PosterizeIncreasing', 9, HP, pos), 1);
    assert.equal(opArgument('Posterize', 9, HP, pos), 3);
    assert.equal(opArgument('SolarizeIncreasing', 9, HP, pos), 26);
    assert.equal(opArgument('SolarizeAdd', 9, HP, pos), 99);
    assert.ok(Math.abs((opArgument('ColorIncreasing', 9, HP, pos) ?? 0) - 1.81) < 1e-12);
    assert.ok(Math.abs((opArgument('SharpnessIncreasing', 9, HP, neg) ?? 0) - 0.19) < 1e-12);
    assert.ok(Math.abs((opArgument('Contrast', 9, HP, pos) ?? 0) - 1.72) < 1e-12);
    assert.ok(Math.abs((opArgument('ShearX', 9, HP, neg) ?? 0) + 0.27) < 1e-12);
    assert.ok(Math.abs((opArgument('TranslateYRel', 9, HP, pos) ?? 0) - 0.405) < 1e-12);
    assert.equal(opArgument('TranslateX', 10, HP, pos), 100);
    assert.equal(opArgument('Equalize', 9, HP, pos), undefined);
  });
});

describe('RandAugment ops', () => {
  const img = noiseImage(6, 5, 4);
  it('skips with probability 1 − p (draw > 0.5) and returns the input', () => {
    assert.equal(augmentOp('Invert', img, { magnitude: 9, magnitudeStd: 0.5 }, HP, scripted([0.51])), img);
  });
  it('applies with draw ≤ 0.5; magnitude noise is clipped to [0, 10]', () => {
    // gate 0.1 → apply; gauss draws (u1, u2); Invert needs no argument
    assert.deepEqual(
      augmentOp('Invert', img, { magnitude: 9, magnitudeStd: 0.5 }, HP, scripted([0.1, 0.3, 0.2])).data,
      invert(img).data,
    );
    // a huge positive deviate clips the magnitude to 10: SolarizeIncreasing threshold 256 − 256 = 0 → inverts everything
    const huge = scripted([0.1, 1 - 1e-300, 0]);
    assert.deepEqual(
      augmentOp('SolarizeIncreasing', img, { magnitude: 9, magnitudeStd: 1e6 }, HP, huge).data,
      invert(img).data,
    );
  });
  it('ShearX uses PIL affine (1, f, 0, 0, 1, 0) with the mean fill', () => {
    const noNoise = { magnitude: 10, magnitudeStd: 0 };
    const out = augmentOp('ShearX', img, noNoise, HP, scripted([0.1, 0.2]));
    assert.deepEqual(out.data, affineTransformRgb(img, [1, 0.3, 0, 0, 1, 0], 'bilinear', HP.fill).data);
  });
  it('TranslateXRel shifts by pct·width pixels', () => {
    const out = augmentOp('TranslateXRel', img, { magnitude: 10, magnitudeStd: 0 }, HP, scripted([0.1, 0.9]));
    assert.deepEqual(out.data, affineTransformRgb(img, [1, 0, -0.45 * 6, 0, 1, 0], 'bilinear', HP.fill).data);
  });
  it('Posterize with 8+ bits is a no-op, and PosterizeIncreasing at m=0 keeps 4 bits', () => {
    const out = augmentOp('PosterizeIncreasing', img, { magnitude: 0, magnitudeStd: 0 }, HP, scripted([0]));
    assert.ok(out.data.every((v) => (v & 15) === 0));
  });
  it('a whole RandAugment is deterministic for a seed and keeps the size', () => {
    const ra = randAugment('rand-m9-mstd0.5-inc1', HP);
    const a = ra(noiseImage(12, 10, 5), seeded(9));
    const b = ra(noiseImage(12, 10, 5), seeded(9));
    assert.deepEqual(a.data, b.data);
    assert.deepEqual([a.width, a.height], [12, 10]);
    // over many seeds, some images change and some pass through untouched (p = 0.25 for both ops skipped)
    let unchanged = 0;
    const src = noiseImage(12, 10, 5);
    for (let s = 0; s < 200; s++) if (ra(src, seeded(s)) === src) unchanged++;
    assert.ok(unchanged > 20 && unchanged < 90, `unchanged ${unchanged}/200`);
  });
});

describe('RandomErasing (timm, pixel mode)', () => {
  it('erases one box with N(0,1) noise and leaves the rest', () => {
    const C = 3;
    const H = 20;
    const W = 20;
    const t = new Float32Array(C * H * W).fill(7);
    // gate .1; area (.02 + .5·(1/3 − .02))·400 = 70.67; aspect exp(0) = 1 → 8 × 8; top/left from .0 → 0
    const rng = seeded(1);
    const values = [0.1, 0.5, 0.5, 0, 0];
    let k = 0;
    const mixed = { uniform: () => (k < values.length ? values[k++] : rng.uniform()) };
    const boxes = randomErasing(t, C, H, W, FINETUNE_RANDOM_ERASING, mixed);
    assert.deepEqual(boxes, [{ top: 0, left: 0, height: 8, width: 8 }]);
    let erased = 0;
    for (let c = 0; c < C; c++) {
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const v = t[(c * H + y) * W + x];
          if (y < 8 && x < 8) {
            assert.notEqual(v, 7);
            erased++;
          } else assert.equal(v, 7);
        }
      }
    }
    assert.equal(erased, 192);
  });
  it('does nothing when the gate draw exceeds p', () => {
    const t = new Float32Array(12).fill(1);
    assert.deepEqual(randomErasing(t, 3, 2, 2, FINETUNE_RANDOM_ERASING, scripted([0.3])), []);
    assert.ok(t.every((v) => v === 1));
  });
  it('checks the tensor size', () => {
    assert.throws(
      () => randomErasing(new Float32Array(5), 3, 2, 2, FINETUNE_RANDOM_ERASING, seeded(1)),
      /needs 12/,
    );
  });
});

describe('sampling', () => {
  it('randInt covers both ends', () => {
    assert.equal(randInt(scripted([0]), 3, 5), 3);
    assert.equal(randInt(scripted([0.9999999]), 3, 5), 5);
  });
  it('gamma and beta have the right means', () => {
    const rng = seeded(42);
    const n = 4000;
    let g = 0;
    let b = 0;
    let b2 = 0;
    for (let i = 0; i < n; i++) {
      g += gammaSample(rng, 0.8);
      const x = betaSample(rng, 0.8, 0.8);
      assert.ok(x >= 0 && x <= 1);
      b += x;
      b2 += x * x;
    }
    assert.ok(Math.abs(g / n - 0.8) < 0.06, `gamma mean ${g / n}`);
    assert.ok(Math.abs(b / n - 0.5) < 0.03, `beta mean ${b / n}`);
    // Var Beta(a, a) = 1 / (4(2a + 1)) = 0.0962 for a = 0.8
    const v = b2 / n - (b / n) ** 2;
    assert.ok(Math.abs(v - 1 / (4 * 2.6)) < 0.01, `beta var ${v}`);
  });
});

describe('FAS saturation jitter', () => {
  it('scale 1 round-trips through float32 HSV within one level', () => {
    const img = noiseImage(16, 16, 8);
    const out = scaleSaturation(img, 1);
    for (let i = 0; i < img.data.length; i++)
      assert.ok(img.data[i] - out.data[i] <= 1 && out.data[i] <= img.data[i]);
  });
  it('strong saturation is clamped, never wrapped', () => {
    const img = createRgbImage(1, 1, new Uint8Array([200, 100, 50]));
    const out = scaleSaturation(img, 3);
    // S = .75·3 = 2.25 → B = 200·(1 − 2.25) < 0 → 0
    assert.equal(out.data[2], 0);
    assert.equal(out.data[0], 200); // V itself
  });
  it('the probability gate decides whether S changes', () => {
    const img = createRgbImage(1, 1, new Uint8Array([200, 100, 50]));
    assert.deepEqual(fasSaturationJitter(img, scripted([0.7])).data, scaleSaturation(img, 1).data);
    const out = fasSaturationJitter(img, scripted([0.2, 1 - 1e-12]));
    assert.deepEqual(out.data, scaleSaturation(img, 1.2 - 0.4e-12).data);
  });
});
