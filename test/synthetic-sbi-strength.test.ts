import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { SeededRng } from '../src/data/random/seededRng.js';
import {
  buildFakes,
  drawSbiParameters,
  FakesInputError,
  type FakesManifest,
  SBI_STRONG,
  sbiPerturb,
  selfBlendedImage,
} from '../src/data/synthetic/index.js';
import { drawColourPerturbation } from '../src/data/synthetic/sourcePerturbation.js';
import { tempDir } from './media-fixtures.js';
import { faceLikeLandmarks, SyntheticFaceDetector, texturedImage } from './synthetic-fixtures.js';

const W = 64;

test('default SBI ranges never perturb the target and draw no side (recorded recipes replay)', () => {
  for (let seed = 0; seed < 20; seed++) {
    const p = drawSbiParameters(W, W, new SeededRng(seed));
    assert.equal(p.perturbed, undefined);
  }
});

test('targetProbability puts the change on the image around the face: the face keeps its pixels, the rest changes', () => {
  const img = texturedImage(W, W, 3);
  const lm = faceLikeLandmarks(W, W, 4);
  const opts = {
    ...SBI_STRONG,
    targetProbability: 1,
    blendRatios: [1],
    maxScaleChange: 0,
    maxShiftX: 0,
    maxShiftY: 0,
  };
  const r = selfBlendedImage(img, lm, new SeededRng(5), opts);
  assert.equal(r.params.perturbed, 'target');
  const perturbed = sbiPerturb(img, r.params);
  let outside = 0;
  let faceKept = 0;
  let faceTotal = 0;
  for (let i = 0; i < W * W; i++) {
    const m = r.mask.data[i]!;
    for (let c = 0; c < 3; c++) {
      const k = i * 3 + c;
      if (m === 0) {
        assert.equal(
          r.image.data[k],
          perturbed.data[k],
          `pixel ${i}: outside the mask is the perturbed image`,
        );
        if (r.image.data[k] !== img.data[k]) outside++;
      } else if (m > 0.995) {
        faceTotal++;
        if (Math.abs(r.image.data[k]! - img.data[k]!) <= 1) faceKept++;
      }
    }
  }
  assert.ok(outside > 100, `only ${outside} values changed outside the face`);
  assert.ok(faceTotal > 100 && faceKept === faceTotal, `face kept ${faceKept}/${faceTotal}`);
});

test('both sides are drawn at about the given probability', () => {
  const rng = new SeededRng(9);
  let target = 0;
  for (let k = 0; k < 400; k++)
    if (drawSbiParameters(W, W, rng, { targetProbability: 0.5 }).perturbed === 'target') target++;
  assert.ok(target > 150 && target < 250, `${target}/400 on the target`);
});

test('strong SBI: the RGB shift is always drawn, 10..25 levels with either sign', () => {
  const rng = new SeededRng(2);
  const levels: number[] = [];
  for (let k = 0; k < 100; k++) {
    const p = drawSbiParameters(W, W, rng, SBI_STRONG);
    assert.ok(p.colour, 'colour change always applied');
    levels.push(...p.colour.rgbShift);
  }
  for (const v of levels) assert.ok(Math.abs(v) >= 10 && Math.abs(v) <= 25, `shift ${v}`);
  assert.ok(levels.some((v) => v < 0) && levels.some((v) => v > 0));
});

test('the default colour draw is unchanged: one uniform ±20 draw per channel', () => {
  const a = drawColourPerturbation(new SeededRng(4));
  const b = drawColourPerturbation(new SeededRng(4), { shiftProbability: 0.5, shiftRange: [0, 20] });
  assert.deepEqual(a, b);
});

test('strong SBI fakes differ more from their real twin than default ones', () => {
  const img = texturedImage(W, W, 7);
  const lm = faceLikeLandmarks(W, W, 8);
  const meanDiff = (opts: object) => {
    let sum = 0;
    for (let seed = 0; seed < 8; seed++) {
      const r = selfBlendedImage(img, lm, new SeededRng(seed), opts);
      for (let k = 0; k < img.data.length; k++) sum += Math.abs(r.image.data[k]! - img.data[k]!);
    }
    return sum / (8 * img.data.length);
  };
  const weak = meanDiff({});
  const strong = meanDiff(SBI_STRONG);
  assert.ok(strong > 1.5 * weak, `strong ${strong.toFixed(2)} vs default ${weak.toFixed(2)}`);
});

test('a folder of strong SBI records its ranges; resuming needs the same strength', async () => {
  const dir = join(tempDir('fsvfm-sbi-strength-'), 'real');
  mkdirSync(dir, { recursive: true });
  for (const k of [0, 1])
    await sharp(texturedImage(W, W, k + 1).data, { raw: { width: W, height: W, channels: 3 } })
      .png()
      .toFile(join(dir, `a_frame_${k}.png`));
  const out = join(dir, '..', 'dataset');
  const detector = new SyntheticFaceDetector();
  const first = await buildFakes({ inputDir: dir, outDir: out, kind: 'sbi', detector, sbi: SBI_STRONG });
  assert.equal(first.counts.samples, 2);
  const manifest = JSON.parse(readFileSync(join(out, 'fake_sbi', 'manifest.json'), 'utf8')) as FakesManifest;
  assert.deepEqual(manifest.sbi, { ...SBI_STRONG });
  assert.ok(manifest.samples.every((s) => 'perturbed' in s.params));
  await assert.rejects(
    buildFakes({ inputDir: dir, outDir: out, kind: 'sbi', detector }),
    (e: unknown) => e instanceof FakesInputError && /SBI ranges/.test(e.message),
  );
  const again = await buildFakes({ inputDir: dir, outDir: out, kind: 'sbi', detector, sbi: SBI_STRONG });
  assert.equal(again.counts.reused, 2);
});
