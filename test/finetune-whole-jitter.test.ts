import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRng } from '../src/data/random/seededRng.js';
import { finetune } from '../src/train/finetune/index.js';
import { jitterWholeImage } from '../src/train/finetune/wholeImageJitter.js';
import { texturedImage } from './synthetic-fixtures.js';

test('whole-image jitter off: the same image back and no random draw', () => {
  const img = texturedImage(16, 16, 1);
  const rng = new SeededRng(3);
  const state = JSON.stringify(rng.getState());
  assert.equal(jitterWholeImage(img, 0, rng), img);
  assert.equal(JSON.stringify(rng.getState()), state);
});

test('whole-image jitter on: every pixel region can change, reproducibly per seed', () => {
  const img = texturedImage(32, 32, 2);
  const a = jitterWholeImage(img, 1, new SeededRng(5));
  const b = jitterWholeImage(img, 1, new SeededRng(5));
  assert.deepEqual(a.data, b.data);
  let changed = 0;
  for (let k = 0; k < img.data.length; k++) if (a.data[k] !== img.data[k]) changed++;
  assert.ok(changed > img.data.length / 2, `only ${changed}/${img.data.length} values changed`);
  // the corners (far from any face) change too: the jitter is not confined to a region
  assert.notDeepEqual(a.data.subarray(0, 9), img.data.subarray(0, 9));
});

test('--whole_jitter outside [0, 1] is refused before anything loads', async () => {
  await assert.rejects(
    finetune({
      finetune: 'none.pth',
      model: 'custom',
      trainable: 'all',
      outputDir: '/nonexistent',
      wholeJitter: 1.5,
    }),
    /--whole_jitter must be a probability in \[0, 1\], got 1.5/,
  );
});
