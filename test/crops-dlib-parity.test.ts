// Acceptance of the official crop placement: on faces the placement was not fitted on, fsvfm's fsfm-dlib-1.3 crop
// against the crop the official preparation cuts around real dlib's rectangle (committed reference boxes).
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { cropRecipe, DEFAULT_RECIPE } from '../src/data/crops/cropRecipes.js';
import { dlibSquareRegion, squareIoU } from '../src/data/crops/dlibSquareCrop.js';
import { asDlibRect, median, pairReferenceFaces } from './dlib-reference.js';
import { repoRoot } from './faces-media.js';

test('fsfm-dlib-1.3 crops cover the official dlib crops on held-out faces: median IoU >= 0.85, >= 90 % at 0.7', async (t) => {
  const pairs = await pairReferenceFaces(path.join(repoRoot, '.cache/demo'), repoRoot);
  const recipe = cropRecipe(DEFAULT_RECIPE);
  const iou = (split: 'fit' | 'heldout') =>
    pairs
      .filter((p) => p.image.split === split)
      .map((p) => {
        if (!p.ours) return 0; // a face dlib finds and fsvfm misses counts as a miss
        const { width, height } = p.image;
        const official = dlibSquareRegion(asDlibRect(p.dlib.rect), width, height);
        const box = recipe.crop(p.pixels, p.ours).box;
        return squareIoU({ x: box.x, y: box.y, size: box.width }, official);
      });
  for (const split of ['fit', 'heldout'] as const) {
    const v = iou(split);
    const share = v.filter((x) => x >= 0.7).length / v.length;
    t.diagnostic(
      `${split}: ${v.length} faces, median IoU ${median(v).toFixed(3)}, ${(100 * share).toFixed(1)} % >= 0.7`,
    );
  }
  const held = iou('heldout');
  assert.ok(held.length >= 40, `${held.length} held-out faces`);
  assert.ok(median(held) >= 0.85, `held-out median IoU ${median(held).toFixed(3)}`);
  assert.ok(held.filter((x) => x >= 0.7).length / held.length >= 0.9);
});
