import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { affineTransformRgb, rotateRgb } from '../src/data/image/affineTransform.js';
import { centerCropRgb, cropRgb } from '../src/data/image/crop.js';
import {
  adjustBrightness,
  adjustColor,
  adjustContrast,
  adjustSharpness,
  blendRgb,
  grayscaleRgb,
  lumaOf,
  smoothRgb,
} from '../src/data/image/enhance.js';
import { flipHorizontal, rotate180, rotateQuarter } from '../src/data/image/flip.js';
import { hsvToRgb, rgbToHsv } from '../src/data/image/hsv.js';
import {
  autocontrast,
  equalize,
  invert,
  posterize,
  solarize,
  solarizeAdd,
} from '../src/data/image/pointOps.js';
import { createRgbImage, type RgbImage } from '../src/data/image/rgbImage.js';

function grey(width: number, height: number, values: number[]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < values.length; i++) data.fill(values[i], i * 3, i * 3 + 3);
  return createRgbImage(width, height, data);
}
const red = (img: RgbImage): number[] =>
  Array.from({ length: img.width * img.height }, (_, i) => img.data[i * 3]);
function noise(w: number, h: number, seed: number): RgbImage {
  let s = seed >>> 0;
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s >>> 24;
  }
  return createRgbImage(w, h, data);
}

describe('crop and flip', () => {
  it('crops inside and zero-fills outside the image', () => {
    const img = grey(3, 2, [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(red(cropRgb(img, 1, 0, 2, 2)), [2, 3, 5, 6]);
    assert.deepEqual(red(cropRgb(img, -1, 1, 3, 2)), [0, 4, 5, 0, 0, 0]);
  });
  it('centre crop rounds the offset half-to-even like torchvision', () => {
    const img = grey(
      5,
      5,
      Array.from({ length: 25 }, (_, i) => i),
    );
    // (5 − 2)/2 = 1.5 → 2
    assert.deepEqual(red(centerCropRgb(img, 2, 2)), [12, 13, 17, 18]);
    const small = grey(2, 2, [1, 2, 3, 4]);
    assert.deepEqual(red(centerCropRgb(small, 4, 4)), [0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0]);
  });
  it('flips and turns exactly', () => {
    const img = grey(3, 2, [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(red(flipHorizontal(img)), [3, 2, 1, 6, 5, 4]);
    assert.deepEqual(red(rotate180(img)), [6, 5, 4, 3, 2, 1]);
    const ccw = rotateQuarter(img, true);
    assert.equal(ccw.width, 2);
    assert.deepEqual(red(ccw), [3, 6, 2, 5, 1, 4]);
    assert.deepEqual(red(rotateQuarter(img, false)), [4, 1, 5, 2, 6, 3]);
  });
});

describe('affine transform and rotate (PIL Image.transform)', () => {
  it('identity is exact for bilinear and bicubic', () => {
    const img = noise(6, 5, 2);
    for (const f of ['bilinear', 'bicubic', 'nearest'] as const) {
      assert.deepEqual(affineTransformRgb(img, [1, 0, 0, 0, 1, 0], f).data, img.data);
    }
  });
  it('integer translation shifts and fills uncovered pixels', () => {
    const img = grey(4, 1, [10, 20, 30, 40]);
    const out = affineTransformRgb(img, [1, 0, 1, 0, 1, 0], 'bilinear', [7, 8, 9]);
    assert.deepEqual(red(out), [20, 30, 40, 7]);
    assert.deepEqual(Array.from(out.data.subarray(9, 12)), [7, 8, 9]);
  });
  it('half-pixel translation averages and truncates', () => {
    const img = grey(3, 1, [10, 21, 40]);
    // x=0 samples 1.0 → between pixel 0 (10) and 1 (21) at dx=.5 → 15.5 → 15
    assert.deepEqual(red(affineTransformRgb(img, [1, 0, 0.5, 0, 1, 0], 'bilinear')).slice(0, 2), [15, 30]);
  });
  it('rotate: 0 copies, 180 and square 90 are transposes', () => {
    const sq = noise(4, 4, 5);
    assert.deepEqual(rotateRgb(sq, 0, 'bilinear').data, sq.data);
    assert.deepEqual(rotateRgb(sq, 360, 'bilinear').data, sq.data);
    assert.deepEqual(rotateRgb(sq, -180, 'bilinear').data, rotate180(sq).data);
    assert.deepEqual(rotateRgb(sq, 90, 'bilinear').data, rotateQuarter(sq, true).data);
    assert.deepEqual(rotateRgb(sq, -90, 'bilinear').data, rotateQuarter(sq, false).data);
  });
  it('rotate by a small angle keeps a constant interior and fills the corners', () => {
    const img = grey(
      9,
      9,
      Array.from({ length: 81 }, () => 100),
    );
    const out = rotateRgb(img, 30, 'bilinear', [1, 2, 3]);
    assert.equal(out.data[(4 * 9 + 4) * 3], 100);
    assert.deepEqual(Array.from(out.data.subarray(0, 3)), [1, 2, 3]);
  });
  it('rotate turns counter-clockwise', () => {
    // a bright pixel right of centre moves up under a +90° turn of a non-square image (generic path)
    const img = grey(5, 3, [0, 0, 0, 0, 0, 0, 0, 0, 200, 0, 0, 0, 0, 0, 0]);
    const out = rotateRgb(img, 90, 'nearest');
    assert.equal(red(out).indexOf(200), 2);
  });
});

describe('ImageOps point operations', () => {
  it('invert, posterize, solarize, solarize-add', () => {
    const img = grey(4, 1, [0, 100, 200, 255]);
    assert.deepEqual(red(invert(img)), [255, 155, 55, 0]);
    assert.deepEqual(red(posterize(img, 1)), [0, 0, 128, 128]);
    assert.deepEqual(red(posterize(img, 0)), [0, 0, 0, 0]);
    assert.deepEqual(red(posterize(img, 8)), [0, 100, 200, 255]);
    assert.deepEqual(red(solarize(img, 128)), [0, 100, 55, 0]);
    assert.deepEqual(red(solarize(img, 256)), [0, 100, 200, 255]);
    assert.deepEqual(red(solarizeAdd(grey(3, 1, [100, 120, 220]), 50)), [150, 170, 220]);
    assert.deepEqual(red(solarizeAdd(grey(1, 1, [127]), 200)), [255]);
  });
  it('autocontrast stretches each band to [0, 255] with truncation', () => {
    assert.deepEqual(red(autocontrast(grey(3, 1, [50, 100, 150]))), [0, 127, 255]);
    assert.deepEqual(red(autocontrast(grey(2, 1, [9, 9]))), [9, 9]);
  });
  it('equalize follows the integer step rule (and clips 256 to 255)', () => {
    const values = [...Array(256).fill(10), ...Array(256).fill(200)];
    assert.deepEqual([...new Set(red(equalize(grey(512, 1, values))))], [0, 255]);
    // too few pixels for a step: unchanged
    assert.deepEqual(red(equalize(grey(3, 1, [1, 2, 3]))), [1, 2, 3]);
  });
  it('works per band', () => {
    const img = createRgbImage(2, 1, new Uint8Array([10, 0, 5, 20, 255, 5]));
    assert.deepEqual(Array.from(autocontrast(img).data), [0, 0, 5, 255, 255, 5]);
  });
});

describe('ImageEnhance', () => {
  it('blend: float32, truncating, clipping only when extrapolating', () => {
    const a = grey(3, 1, [10, 10, 200]);
    const b = grey(3, 1, [20, 11, 250]);
    assert.deepEqual(red(blendRgb(a, b, 0.5)), [15, 10, 225]);
    assert.deepEqual(red(blendRgb(a, b, 0.3)), [13, 10, 215]);
    assert.deepEqual(red(blendRgb(a, b, 2)), [30, 12, 255]);
    assert.deepEqual(red(blendRgb(a, b, -1)), [0, 9, 150]);
  });
  it('luma is ITU-R 601-2 in 16-bit fixed point', () => {
    assert.equal(lumaOf(255, 255, 255), 255);
    assert.equal(lumaOf(255, 0, 0), 76);
    assert.equal(lumaOf(0, 255, 0), 150);
    assert.equal(lumaOf(0, 0, 255), 29);
    const g = grayscaleRgb(createRgbImage(1, 1, new Uint8Array([255, 0, 0])));
    assert.deepEqual(Array.from(g.data), [76, 76, 76]);
  });
  it('color/contrast/brightness endpoints', () => {
    const img = createRgbImage(2, 1, new Uint8Array([255, 0, 0, 0, 0, 255]));
    assert.deepEqual(Array.from(adjustColor(img, 0).data), [76, 76, 76, 29, 29, 29]);
    assert.deepEqual(adjustColor(img, 1).data, img.data);
    // mean luma (76 + 29)/2 = 52.5 → 53
    assert.deepEqual(Array.from(adjustContrast(img, 0).data), [53, 53, 53, 53, 53, 53]);
    assert.deepEqual(Array.from(adjustBrightness(grey(1, 1, [101]), 0.5).data), [50, 50, 50]);
  });
  it('smooth: borders copied, interior rounded 1-5-1 average', () => {
    const vals = Array(9).fill(0);
    vals[4] = 130;
    const s = smoothRgb(grey(3, 3, vals));
    assert.deepEqual(red(s), [0, 0, 0, 0, 50, 0, 0, 0, 0]);
    const flat = grey(
      4,
      4,
      Array.from({ length: 16 }, () => 77),
    );
    assert.deepEqual(adjustSharpness(flat, 2).data, flat.data);
    // sharpening the peak: 50 + 2·(130 − 50) = 210
    assert.equal(adjustSharpness(grey(3, 3, vals), 2).data[4 * 3], 210);
  });
});

describe('OpenCV-style HSV', () => {
  it('primaries', () => {
    assert.deepEqual(rgbToHsv(255, 0, 0), { h: 0, s: 1, v: 255 });
    const g = rgbToHsv(0, 255, 0);
    assert.ok(Math.abs(g.h - 120) < 1e-4 && g.s === 1 && g.v === 255);
    const b = rgbToHsv(0, 0, 255);
    assert.ok(Math.abs(b.h - 240) < 1e-4);
    assert.deepEqual(rgbToHsv(7, 7, 7), { h: 0, s: 0, v: 7 });
  });
  it('round trip is within float32 error', () => {
    const img = noise(16, 16, 11);
    for (let i = 0; i < img.data.length; i += 3) {
      const { h, s, v } = rgbToHsv(img.data[i], img.data[i + 1], img.data[i + 2]);
      const back = hsvToRgb(h, s, v);
      for (let c = 0; c < 3; c++) assert.ok(Math.abs(back[c] - img.data[i + c]) < 1e-3);
    }
  });
  it('saturation above 1 pushes a channel negative (callers clamp)', () => {
    const { h, s, v } = rgbToHsv(200, 100, 50);
    const [r, , b] = hsvToRgb(h, s * 1.5, v);
    assert.ok(Math.abs(r - 200) < 1e-3);
    assert.ok(b < 20);
  });
});
