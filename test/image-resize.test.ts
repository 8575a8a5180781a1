import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RESAMPLE_KERNELS, resampleCoefficients, resizeRgb } from '../src/data/image/resize.js';
import { createRgbImage, type RgbImage } from '../src/data/image/rgbImage.js';

/** A one-row grey image whose channels all hold `values`. */
function greyRow(values: number[]): RgbImage {
  const data = new Uint8Array(values.length * 3);
  for (let i = 0; i < values.length; i++) data.fill(values[i], i * 3, i * 3 + 3);
  return createRgbImage(values.length, 1, data);
}
function greyColumn(values: number[]): RgbImage {
  const r = greyRow(values);
  return createRgbImage(1, values.length, r.data);
}
function redChannel(img: RgbImage): number[] {
  const out: number[] = [];
  for (let i = 0; i < img.width * img.height; i++) out.push(img.data[i * 3]);
  return out;
}
function noise(w: number, h: number, seed: number): RgbImage {
  let s = seed >>> 0;
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s >>> 24;
  }
  return createRgbImage(w, h, data);
}

describe('resizeRgb (PIL Image.resize semantics)', () => {
  it('is an exact copy at the same size, for every filter', () => {
    const img = noise(5, 4, 1);
    for (const f of ['bicubic', 'bilinear', 'nearest'] as const) {
      const out = resizeRgb(img, 5, 4, f);
      assert.deepEqual(out.data, img.data);
      assert.notEqual(out.data, img.data, 'returns a copy');
    }
  });

  it('keeps constant images constant, up and down', () => {
    for (const v of [0, 1, 77, 128, 254, 255]) {
      const img = createRgbImage(7, 5, new Uint8Array(7 * 5 * 3).fill(v));
      for (const f of ['bicubic', 'bilinear', 'nearest'] as const) {
        for (const [w, h] of [
          [3, 2],
          [13, 11],
          [7, 9],
          [1, 1],
          [224, 3],
        ]) {
          const out = resizeRgb(img, w, h, f);
          assert.equal(out.width, w);
          assert.equal(out.height, h);
          assert.ok(
            out.data.every((x) => x === v),
            `${f} ${w}x${h} of constant ${v}`,
          );
        }
      }
    }
  });

  it('bilinear 2→4 upsampling: [0,100] → [0,25,75,100]', () => {
    assert.deepEqual(redChannel(resizeRgb(greyRow([0, 100]), 4, 1, 'bilinear')), [0, 25, 75, 100]);
  });

  it('bilinear 4→2 downsampling widens the triangle (antialias): weights 3/7,3/7,1/7', () => {
    // centre 1, support 2: taps at 0,1,2 with triangle(x/2) = .75,.75,.25 → 50 and 160
    assert.deepEqual(redChannel(resizeRgb(greyRow([0, 70, 140, 210]), 2, 1, 'bilinear')), [50, 160]);
    const c = resampleCoefficients(4, 2, RESAMPLE_KERNELS.bilinear);
    assert.deepEqual(Array.from(c.first), [0, 1]);
    assert.deepEqual(Array.from(c.count), [3, 3]);
    assert.deepEqual(Array.from(c.fixed.subarray(0, 3)), [1797559, 1797559, 599186]);
  });

  it('bicubic 2→4 upsampling with a = −0.5, border taps renormalised: [0,21,79,109]', () => {
    // x=1: w = cubic(.25), cubic(.75) = .8671875, .2265625 → 100·.2265625/1.09375 = 20.71
    // x=3: w = cubic(1.25), cubic(.25) = −.0703125, .8671875 → 100·.8671875/.796875 = 108.8 (overshoot kept)
    assert.deepEqual(redChannel(resizeRgb(greyRow([0, 100]), 4, 1, 'bicubic')), [0, 21, 79, 109]);
    assert.deepEqual(redChannel(resizeRgb(greyColumn([0, 100]), 1, 4, 'bicubic')), [0, 21, 79, 109]);
  });

  it('clips bicubic overshoot to [0, 255]', () => {
    assert.deepEqual(redChannel(resizeRgb(greyRow([0, 255]), 4, 1, 'bicubic')), [0, 53, 202, 255]);
  });

  it('runs horizontal then vertical, rounding to 8 bits in between', () => {
    const img = noise(9, 7, 3);
    for (const f of ['bicubic', 'bilinear'] as const) {
      const direct = resizeRgb(img, 4, 5, f);
      const twoStep = resizeRgb(resizeRgb(img, 4, 7, f), 4, 5, f);
      assert.deepEqual(direct.data, twoStep.data);
    }
  });

  it('coefficients are normalised and cover the scaled support', () => {
    for (const [inS, outS] of [
      [10, 3],
      [3, 10],
      [256, 224],
      [7, 7],
    ]) {
      for (const k of [RESAMPLE_KERNELS.bicubic, RESAMPLE_KERNELS.bilinear]) {
        const c = resampleCoefficients(inS, outS, k);
        assert.equal(c.taps, Math.ceil(k.support * Math.max(1, inS / outS)) * 2 + 1);
        for (let o = 0; o < outS; o++) {
          let s = 0;
          for (let i = 0; i < c.count[o]; i++) s += c.weights[o * c.taps + i];
          assert.ok(Math.abs(s - 1) < 1e-12);
          assert.ok(c.first[o] >= 0 && c.first[o] + c.count[o] <= inS);
        }
      }
    }
  });

  it('nearest samples floor((x + 0.5)·scale)', () => {
    assert.deepEqual(redChannel(resizeRgb(greyRow([10, 20, 30, 40]), 2, 1, 'nearest')), [20, 40]);
    assert.deepEqual(redChannel(resizeRgb(greyRow([10, 20, 30]), 2, 1, 'nearest')), [10, 30]);
    assert.deepEqual(redChannel(resizeRgb(greyRow([10, 20]), 5, 1, 'nearest')), [10, 10, 20, 20, 20]);
  });

  it('mirror symmetry: resizing a flipped image gives the flipped result', () => {
    const img = noise(11, 1, 9);
    const flipped = greyRow(redChannel(img).reverse());
    const a = redChannel(resizeRgb(greyRow(redChannel(img)), 5, 1, 'bicubic'));
    const b = redChannel(resizeRgb(flipped, 5, 1, 'bicubic'));
    assert.deepEqual(a, b.reverse());
  });

  it('rejects bad sizes', () => {
    assert.throws(() => resizeRgb(noise(2, 2, 1), 0, 2, 'bicubic'), /positive integers/);
    assert.throws(() => resizeRgb(noise(2, 2, 1), 2.5, 2, 'bilinear'), /positive integers/);
  });
});
