import assert from 'node:assert/strict';
import test from 'node:test';
import { DEFAULT_RECIPE, FAS_RECIPE } from '../src/data/crops/index.js';
import { detectorKey } from '../src/queue/detectorKey.js';
import { ckpt, SKIP_REASON } from './protocol-fixtures.js';

test('a queue key records the crop recipe a Detector picks for the model: FAS models get the FAS default', {
  skip: SKIP_REASON,
}, async () => {
  const fas = await detectorKey({ model: ckpt('fas-vit.pth.tar'), numHeads: 3 });
  assert.equal(fas.facts.recipe, FAS_RECIPE);
  const dfd = await detectorKey({ model: ckpt('finetune-vit.pth'), numHeads: 3 });
  assert.equal(dfd.facts.recipe, DEFAULT_RECIPE);
  const asked = await detectorKey({ model: ckpt('fas-vit.pth.tar'), numHeads: 3, recipe: DEFAULT_RECIPE });
  assert.equal(asked.facts.recipe, DEFAULT_RECIPE);
  assert.notEqual(asked.key, fas.key);
});
