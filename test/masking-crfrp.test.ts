import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CrfrPMasking } from '../src/data/masking/crfrP.js';
import type { MaskBatch } from '../src/data/masking/maskStrategy.js';
import type { ParsingMap } from '../src/data/masking/parsingMap.js';
import { patchLabelSets } from '../src/data/masking/patchLabels.js';
import { countOnes, groupMembership, patchMembership } from '../src/data/masking/patchMembership.js';
import { maskProportionally } from '../src/data/masking/proportionalMasking.js';
import { REGION_GROUPS, type RegionName, regionGroup } from '../src/data/masking/regionGroups.js';
import { roundHalfEven } from '../src/data/masking/roundHalfEven.js';
import { SeededRng } from '../src/data/random/seededRng.js';
import { cartoonFace, mapFromPatches } from './masking-maps.js';

const row = (b: MaskBatch, which: 'masks' | 'sfr', i: number) =>
  b[which].subarray(i * b.grid.count, (i + 1) * b.grid.count);

/** The invariants of SPEC §3.4 for every sample of a batch. */
function assertCrfrpInvariants(batch: MaskBatch, maps: ParsingMap[], patchSize: number): void {
  const covered = regionGroup(batch.region!);
  maps.forEach((m, i) => {
    const mask = row(batch, 'masks', i);
    const fr = row(batch, 'sfr', i);
    assert.equal(countOnes(mask), batch.nMask, `sample ${i}: ${batch.nMask} masked patches`);
    for (let k = 0; k < mask.length; k++) assert.ok(fr[k]! <= mask[k]!, `sample ${i}: FR ⊆ M at ${k}`);
    const member = groupMembership(patchLabelSets(m, patchSize), covered);
    if (batch.extreme[i]) {
      assert.deepEqual(fr, mask, 'extreme: FR equals the mask');
      for (let k = 0; k < mask.length; k++)
        assert.ok(mask[k]! <= member[k]!, 'extreme: mask ⊆ covered region');
    } else {
      assert.deepEqual(fr, member, 'FR = membership of the covered region');
    }
  });
}

test('roundHalfEven rounds ties to even like Python round / torch.round', () => {
  assert.deepEqual(
    [0.5, 1.5, 2.5, 4.5, 7.5, 10.5, 1.49, 1.51, 3].map(roundHalfEven),
    [0, 2, 2, 4, 8, 10, 1, 2, 3],
  );
});

test('rounding is half-to-even: per-group counts are exact when they already sum to n_mask', () => {
  // Pure-label patches (no boundary), covered region "eyebrows" absent ⇒ FR empty, ratio = 147/196 = 0.75.
  // eyes 6 → 4.5 → 4, nose 10 → 7.5 → 8, mouth 2 → 1.5 → 2, hair 14 → 10.5 → 10, skin 64 → 48, bg 100 → 75:
  // 147 in total, so the fix-up is a no-op. Half-up rounding would give 149 and a random fix-up.
  const sizes: [number, number][] = [
    [4, 6],
    [6, 10],
    [7, 2],
    [10, 14],
    [1, 64],
    [0, 100],
  ];
  const perPatch: number[] = [];
  for (const [label, n] of sizes) for (let i = 0; i < n; i++) perPatch.push(label);
  const map = mapFromPatches(14, 14, 16, (k) => [perPatch[k]!]);
  const strategy = new CrfrPMasking({ patchSize: 16, maskRatio: 0.75, region: 'eyebrows' });
  for (let seed = 0; seed < 20; seed++) {
    const b = strategy.generate([map], new SeededRng(seed));
    const mask = row(b, 'masks', 0);
    const maskedOf = (label: number) => perPatch.filter((l, k) => l === label && mask[k] === 1).length;
    assert.deepEqual(
      sizes.map(([l]) => maskedOf(l)),
      [4, 8, 2, 10, 48, 75],
    );
    assert.ok(b.sfrEmpty);
  }
});

test('priority partition: a patch is claimed by the first group containing it', () => {
  // 4 patches hold eye + skin pixels, 8 are pure skin, 4 skin + hair, 6 pure hair, the rest background.
  const map = mapFromPatches(14, 14, 16, (k) =>
    k < 4 ? [1, 4] : k < 12 ? [1] : k < 16 ? [1, 10] : k < 22 ? [10] : [0],
  );
  const labels = patchLabelSets(map, 16);
  const order = REGION_GROUPS.filter((g) => g.name !== 'nose');
  const alloc = maskProportionally(
    labels,
    order,
    new Uint8Array(196),
    new Uint8Array(196),
    0.5,
    new SeededRng(1),
  );
  const byName = Object.fromEntries(alloc.map((a) => [a.group.name, [a.candidates, a.masked]]));
  assert.deepEqual(byName.eyes, [4, 2]);
  assert.deepEqual(byName.facial_skin, [8, 4], 'eye+skin patches are not counted again as skin');
  assert.deepEqual(byName.facial_boundary, [4, 2], 'only the skin+hair patches are boundary patches');
  assert.deepEqual(byName.hair, [6, 3], 'skin+hair patches were claimed by the boundary group');
  assert.deepEqual(byName.background, [174, 87]);
});

test('hair covered: skin+hair patches are FR, the boundary keeps only skin+background patches', () => {
  // 3 skin+hair patches, 5 skin+background patches, 10 hair, 20 skin, rest background.
  const map = mapFromPatches(14, 14, 16, (k) =>
    k < 3 ? [1, 10] : k < 8 ? [1, 0] : k < 18 ? [10] : k < 38 ? [1] : [0],
  );
  const labels = patchLabelSets(map, 16);
  const hair = regionGroup('hair');
  const fr = groupMembership(labels, hair);
  assert.equal(countOnes(fr), 13);
  const order = REGION_GROUPS.filter((g) => g !== hair);
  const alloc = maskProportionally(labels, order, fr.slice(), fr.slice(), 0.5, new SeededRng(1));
  const byName = Object.fromEntries(alloc.map((a) => [a.group.name, a.candidates]));
  assert.equal(byName.facial_boundary, 5);
  assert.equal(byName.facial_skin, 20);
});

test('covered region absent in one sample: that sample has an empty FR and still n_mask ones', () => {
  const withEyes = cartoonFace();
  const noEyes: ParsingMap = {
    ...withEyes,
    labels: Int8Array.from(withEyes.labels, (l) => (l === 4 || l === 5 ? 1 : l)),
  };
  const b = new CrfrPMasking({ patchSize: 16, maskRatio: 0.75, region: 'eyes' }).generate(
    [withEyes, noEyes],
    new SeededRng(9),
  );
  assertCrfrpInvariants(b, [withEyes, noEyes], 16);
  assert.ok(countOnes(row(b, 'sfr', 0)) > 0);
  assert.equal(countOnes(row(b, 'sfr', 1)), 0);
  assert.equal(b.sfrEmpty, false);
  assert.deepEqual(b.extreme, [false, false]);
});

test('covered region absent in all samples: sfrEmpty flags the batch (the SFR loss must be 0)', () => {
  const face = cartoonFace();
  const bald: ParsingMap = { ...face, labels: Int8Array.from(face.labels, (l) => (l === 10 ? 0 : l)) };
  const b = new CrfrPMasking({ patchSize: 16, maskRatio: 0.75, region: 'hair' }).generate(
    [bald, bald],
    new SeededRng(2),
  );
  assert.equal(b.sfrEmpty, true);
  assert.equal(countOnes(b.sfr), 0);
  assertCrfrpInvariants(b, [bald, bald], 16);
});

test('extreme branch: |FR| >= 147 trims FR to a random 147-subset and FR = mask', () => {
  const hairy = mapFromPatches(14, 14, 16, (k) => (k < 160 ? [10] : [1]));
  const exact = mapFromPatches(14, 14, 16, (k) => (k < 147 ? [10] : [1]));
  const below = mapFromPatches(14, 14, 16, (k) => (k < 146 ? [10] : [1]));
  const strategy = new CrfrPMasking({ patchSize: 16, maskRatio: 0.75, region: 'hair' });
  const b1 = strategy.generate([hairy, exact, below], new SeededRng(4));
  const b2 = strategy.generate([hairy, exact, below], new SeededRng(5));
  assertCrfrpInvariants(b1, [hairy, exact, below], 16);
  assert.deepEqual(b1.extreme, [true, true, false]);
  assert.notDeepEqual(row(b1, 'masks', 0), row(b2, 'masks', 0), 'the trimmed subset is random');
  assert.deepEqual(row(b1, 'masks', 1), groupMembership(patchLabelSets(exact, 16), regionGroup('hair')));
  // 146 hair patches: k = 1, one extra patch drawn from the rest.
  assert.equal(countOnes(row(b1, 'sfr', 2)), 146);
});

test('hair-heavy maps and the facial-boundary region', () => {
  const face = cartoonFace({ hairBelow: 200 });
  for (const region of ['hair', 'facial_boundary'] as RegionName[]) {
    for (let seed = 0; seed < 5; seed++) {
      const b = new CrfrPMasking({ patchSize: 16, maskRatio: 0.75, region }).generate(
        [face, cartoonFace()],
        new SeededRng(seed),
      );
      assertCrfrpInvariants(b, [face, cartoonFace()], 16);
    }
  }
});

test('random region choice covers the 6 selectable groups, one per batch', () => {
  const strategy = new CrfrPMasking({ patchSize: 16, maskRatio: 0.75 });
  const rng = new SeededRng(8);
  const seen = new Map<string, number>();
  const maps = [cartoonFace(), cartoonFace({ cx: 100, hairBelow: 130 })];
  for (let i = 0; i < 120; i++) {
    const b = strategy.generate(maps, rng);
    seen.set(b.region!, (seen.get(b.region!) ?? 0) + 1);
    assertCrfrpInvariants(b, maps, 16);
  }
  assert.deepEqual([...seen.keys()].sort(), ['eyebrows', 'eyes', 'facial_boundary', 'hair', 'mouth', 'nose']);
});

for (const [patchSize, ratio, N, nMask] of [
  [14, 0.75, 256, 192],
  [32, 0.75, 49, 36],
  [16, 0.6, 196, 117],
  [16, 0.9, 196, 176],
] as const) {
  test(`patch ${patchSize}, ratio ${ratio}: N = ${N}, exactly ${nMask} ones, all invariants`, () => {
    const maps = [cartoonFace(), cartoonFace({ cx: 150, hairBelow: 180 }), cartoonFace({ cy: 90 })];
    const strategy = new CrfrPMasking({ patchSize, maskRatio: ratio });
    const rng = new SeededRng(patchSize * 100 + Math.round(ratio * 10));
    for (let i = 0; i < 30; i++) {
      const b = strategy.generate(maps, rng);
      assert.equal(b.grid.count, N);
      assert.equal(b.nMask, nMask);
      assertCrfrpInvariants(b, maps, patchSize);
    }
  });
}

test('the map size sets the grid (112² maps with patch 16 ⇒ 7×7)', () => {
  const b = new CrfrPMasking({ patchSize: 16, maskRatio: 0.75 }).generate(
    [cartoonFace({ size: 112 })],
    new SeededRng(1),
  );
  assert.equal(b.grid.count, 49);
  assert.equal(countOnes(b.masks), 36);
  assert.throws(
    () => new CrfrPMasking({ patchSize: 15, maskRatio: 0.75 }).generate([cartoonFace()], new SeededRng(1)),
    /does not split into 15x15/,
  );
});

test('seeded generation is reproducible and resumable from the RNG state', () => {
  const maps = [cartoonFace(), cartoonFace({ cx: 90 })];
  const strategy = new CrfrPMasking({ patchSize: 16, maskRatio: 0.75 });
  const rng = new SeededRng(77);
  strategy.generate(maps, rng);
  const state = JSON.stringify(rng.getState());
  const next = strategy.generate(maps, rng);
  const again = strategy.generate(maps, SeededRng.fromState(JSON.parse(state)));
  assert.deepEqual(again.masks, next.masks);
  assert.deepEqual(again.sfr, next.sfr);
  assert.equal(again.region, next.region);
});

test('membership rule: boundary = skin ∧ (hair ∨ bg), ordinary groups = any pixel', () => {
  const cases: [number[], Record<string, number>][] = [
    [[1, 10], { facial_boundary: 1, hair: 1, facial_skin: 1, background: 0 }],
    [[1, 0], { facial_boundary: 1, hair: 0, facial_skin: 1, background: 1 }],
    [[10, 0], { facial_boundary: 0, hair: 1, facial_skin: 0, background: 1 }],
    [[1], { facial_boundary: 0, facial_skin: 1 }],
    [[1, 2, 5, 8], { eyebrows: 1, eyes: 1, mouth: 1, nose: 0, facial_boundary: 0 }],
  ];
  const map = mapFromPatches(1, cases.length, 16, (k) => cases[k]![0]);
  const member = patchMembership(map, 16);
  cases.forEach(([, expected], k) => {
    for (const [name, v] of Object.entries(expected))
      assert.equal(member[regionGroup(name).index]![k], v, `patch ${k} ${name}`);
  });
});
