import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { createRgbImage } from '../src/data/image/rgbImage.js';
import {
  evalTransform,
  evalTransformImage,
  resizeShorterSide,
} from '../src/data/transforms/evalTransforms.js';
import {
  IMAGENET_NORM,
  meanFillColor,
  toTensorNormalized,
  VGGFACE2_NORM,
} from '../src/data/transforms/normalize.js';
import { needsOracle, ORACLE_DIR } from './oracle-fixtures.js';
import { noiseImage } from './transforms-helpers.js';

const oracle = ORACLE_DIR;

describe('ToTensor + Normalize', () => {
  it('is CHW float32 (v/255 − mean)/std', () => {
    const img = createRgbImage(2, 1, new Uint8Array([0, 128, 255, 255, 0, 51]));
    const t = toTensorNormalized(img, IMAGENET_NORM);
    assert.equal(t.length, 6);
    const expect = (v: number, c: number): number =>
      Math.fround(
        Math.fround(Math.fround(v / 255) - Math.fround(IMAGENET_NORM.mean[c])) /
          Math.fround(IMAGENET_NORM.std[c]),
      );
    assert.deepEqual(Array.from(t), [
      expect(0, 0),
      expect(255, 0),
      expect(128, 1),
      expect(0, 1),
      expect(255, 2),
      expect(51, 2),
    ]);
  });

  it('reproduces the oracle model input bit for bit', {
    skip: needsOracle,
  }, () => {
    const u8 = new Uint8Array(readFileSync(path.join(oracle, 'inputs/images_uint8.bin')));
    const f = readFileSync(path.join(oracle, 'inputs/images.bin'));
    const expected = new Float32Array(f.buffer, f.byteOffset, f.byteLength / 4);
    const n = 224 * 224 * 3;
    for (let b = 0; b < 4; b++) {
      const img = createRgbImage(224, 224, u8.slice(b * n, (b + 1) * n));
      // the no-augmentation transform resizes 224 → 224 (identity), as the default eval transform does
      const t = evalTransform('resize', img, VGGFACE2_NORM);
      const ref = expected.subarray(b * n, (b + 1) * n);
      let mismatches = 0;
      for (let i = 0; i < n; i++) if (t[i] !== ref[i]) mismatches++;
      assert.equal(mismatches, 0, `image ${b}`);
    }
  });

  it('fill colour is min(255, round(255·mean)) with half-to-even rounding', () => {
    assert.deepEqual(meanFillColor(VGGFACE2_NORM), [140, 108, 93]);
    assert.deepEqual(meanFillColor({ mean: [0.5 / 255, 2.5 / 255, 2], std: [1, 1, 1] }), [0, 2, 255]);
  });
});

describe('eval transforms', () => {
  it('resize: plain 224×224', () => {
    const out = evalTransformImage('resize', noiseImage(300, 200, 1));
    assert.deepEqual([out.width, out.height], [224, 224]);
  });
  it('resize256-centercrop224: shorter side 256, then the centre 224', () => {
    const img = noiseImage(300, 200, 2);
    const r = resizeShorterSide(img, 256);
    assert.deepEqual([r.width, r.height], [384, 256]);
    const tall = resizeShorterSide(noiseImage(100, 301, 3), 256);
    assert.deepEqual([tall.width, tall.height], [256, 770]);
    const out = evalTransformImage('resize256-centercrop224', img);
    assert.deepEqual([out.width, out.height], [224, 224]);
    // centre: offsets (384−224)/2 = 80 and 16
    assert.deepEqual(out.data.subarray(0, 3), r.data.subarray((16 * 384 + 80) * 3, (16 * 384 + 80) * 3 + 3));
  });
  it('rejects unknown names', () => {
    assert.throws(() => evalTransformImage('crop' as never, noiseImage(4, 4, 1)), /unknown eval transform/);
  });
});
