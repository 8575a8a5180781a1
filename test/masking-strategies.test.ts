import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMaskStrategy, MASK_STRATEGY_NAMES } from '../src/data/masking/maskStrategies.js';
import { patchLabelSets } from '../src/data/masking/patchLabels.js';
import { countOnes, groupMembership } from '../src/data/masking/patchMembership.js';
import { regionGroup } from '../src/data/masking/regionGroups.js';
import { SeededRng } from '../src/data/random/seededRng.js';
import { cartoonFace, mapFromPatches } from './masking-maps.js';

const maps = [cartoonFace(), cartoonFace({ cx: 80, hairBelow: 150 })];

test('every strategy yields exactly floor(r·N) ones per row and FR ⊆ M', () => {
  for (const name of MASK_STRATEGY_NAMES) {
    for (const maskRatio of [0.6, 0.75, 0.9]) {
      const s = createMaskStrategy(name, { patchSize: 16, maskRatio });
      const rng = new SeededRng(1);
      for (let i = 0; i < 10; i++) {
        const b = s.generate(maps, rng);
        assert.equal(b.nMask, Math.floor(maskRatio * 196));
        for (let r = 0; r < 2; r++)
          assert.equal(countOnes(b.masks.subarray(r * 196, (r + 1) * 196)), b.nMask, `${name} ${maskRatio}`);
        for (let k = 0; k < b.sfr.length; k++) assert.ok(b.sfr[k]! <= b.masks[k]!);
      }
    }
  }
});

test('random masking: no region, empty FR, sfrEmpty; every patch about equally often', () => {
  const s = createMaskStrategy('random', { patchSize: 16, maskRatio: 0.75 });
  const rng = new SeededRng(2);
  const freq = new Float64Array(196);
  const runs = 400;
  for (let i = 0; i < runs; i++) {
    const b = s.generate([maps[0]!], rng);
    assert.equal(b.region, null);
    assert.equal(b.sfrEmpty, true);
    for (let k = 0; k < 196; k++) freq[k]! += b.masks[k]! / runs;
  }
  // 0.75 ± 4·sqrt(0.75·0.25/400) ≈ ±0.087
  for (const f of freq) assert.ok(Math.abs(f - 0.75) < 0.09, `patch frequency ${f}`);
});

test('facial-region masking masks every group in proportion, without a covered region', () => {
  // Half eyes (pure), half background: each gets 0.75 of its 98 patches ⇒ 73.5 → 74 (even) and 74 → fix-up to 147.
  const map = mapFromPatches(14, 14, 16, (k) => (k < 98 ? [4] : [0]));
  const s = createMaskStrategy('facial-region', { patchSize: 16, maskRatio: 0.75 });
  const b = s.generate([map], new SeededRng(3));
  const eyes = countOnes(b.masks.subarray(0, 98));
  assert.ok(eyes === 73 || eyes === 74, `eyes masked ${eyes}`);
  assert.equal(b.region, null);
  assert.equal(b.sfrEmpty, true);
});

test('crfr-r: FR is the covered region, the rest is uniform over non-FR patches', () => {
  const s = createMaskStrategy('crfr-r', { patchSize: 16, maskRatio: 0.75, region: 'nose' });
  const b = s.generate(maps, new SeededRng(4));
  assert.equal(b.region, 'nose');
  assert.deepEqual(
    b.sfr.subarray(0, 196),
    groupMembership(patchLabelSets(maps[0]!, 16), regionGroup('nose')),
  );
  assert.equal(b.sfrEmpty, false);
});

test('bad options fail clearly', () => {
  assert.throws(
    () => createMaskStrategy('crfr-p', { patchSize: 16, maskRatio: 1 }).generate(maps, new SeededRng(1)),
    /mask ratio/,
  );
  assert.throws(
    () =>
      createMaskStrategy('crfr-p', { patchSize: 16, maskRatio: 0.75, region: 'background' }).generate(
        maps,
        new SeededRng(1),
      ),
    /cannot be the covered region/,
  );
  assert.throws(
    () => createMaskStrategy('random', { patchSize: 16, maskRatio: 0.75 }).generate([], new SeededRng(1)),
    /empty batch/,
  );
  assert.throws(
    () =>
      createMaskStrategy('random', { patchSize: 16, maskRatio: 0.75 }).generate(
        [maps[0]!, cartoonFace({ size: 112 })],
        new SeededRng(1),
      ),
    /share one/,
  );
});
