import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { chooseCoveredRegion, trimOversizedRegion } from '../src/data/masking/coveredRegion.js';
import { CrfrRMasking } from '../src/data/masking/crfrR.js';
import {
  labelsOf,
  type MaskOptions,
  type MaskStrategy,
  runStrategy,
} from '../src/data/masking/maskStrategy.js';
import { patchLabelSets } from '../src/data/masking/patchLabels.js';
import { countOnes, groupMembership, patchMembership } from '../src/data/masking/patchMembership.js';
import { fixUpMaskCount } from '../src/data/masking/proportionalMasking.js';
import { REGION_GROUPS, regionGroup } from '../src/data/masking/regionGroups.js';
import { checkCrfrpFixture } from '../src/verify/crfrpChecks.js';
import { bitsFromString, loadCrfrpFixture } from '../src/verify/crfrpFixture.js';
import { needsOracle, ORACLE_DIR } from './oracle-fixtures.js';

const fixtureDir = ORACLE_DIR;
const skip = needsOracle;

test('patch membership of all 8 groups equals the fixture strings for all 8 maps', { skip }, () => {
  const { maps, stats } = loadCrfrpFixture(fixtureDir);
  maps.forEach((m, i) => {
    patchMembership(m, 16).forEach((member, g) => {
      assert.deepEqual(
        member,
        bitsFromString(stats.membership[i]![g]!),
        `map ${i} ${REGION_GROUPS[g]!.name}`,
      );
    });
  });
});

test('our CRFR-P passes every statistical and exact check against the official runs', { skip }, () => {
  const results = checkCrfrpFixture(fixtureDir);
  assert.equal(results.length, 9);
  for (const r of results)
    assert.ok(r.pass, `${r.name}: ${r.detail ?? ''} (worst ${r.worstAbsErr}, tolerance ${r.tolerance})`);
});

/** CRFR-P with half-up rounding of |cand|·ratio (JS Math.round) instead of half-to-even. */
function halfUpCrfrp(): MaskStrategy {
  const options: MaskOptions = { patchSize: 16, maskRatio: 0.75 };
  const strategy: MaskStrategy = {
    name: 'crfr-p',
    options,
    generate: (maps, rng) => strategy.generateFromLabels(labelsOf(maps, 16), rng),
    generateFromLabels: (labels, rng) =>
      runStrategy('crfr-p', options, labels, (nMask) => {
        const covered = chooseCoveredRegion(rng);
        const samples = labels.map((l) => {
          const fr = groupMembership(l, covered);
          const trimmed = trimOversizedRegion(fr, nMask, rng);
          if (trimmed) return { mask: trimmed, fr: trimmed.slice(), extreme: true };
          const ratio = (nMask - countOnes(fr)) / (l.grid.count - countOnes(fr));
          const mask = fr.slice();
          const taken = fr.slice();
          for (const g of REGION_GROUPS.filter((r) => r !== covered)) {
            const m = groupMembership(l, g);
            const cand = [...m.keys()].filter((k) => m[k] === 1 && taken[k] === 0);
            for (const k of rng.sampleWithoutReplacement(cand, Math.round(cand.length * ratio))) mask[k] = 1;
            for (const k of cand) taken[k] = 1;
          }
          fixUpMaskCount(mask, fr, nMask, rng);
          return { mask, fr, extreme: false };
        });
        return { region: covered.name, samples };
      }),
  };
  return strategy;
}

test('the fixture check rejects near-miss implementations (CRFR-R, half-up rounding)', { skip }, () => {
  for (const strategy of [new CrfrRMasking({ patchSize: 16, maskRatio: 0.75 }), halfUpCrfrp()]) {
    const failed = checkCrfrpFixture(fixtureDir, { strategy })
      .filter((r) => !r.pass)
      .map((r) => r.name);
    assert.ok(
      failed.includes('crfrp.group_masked_means'),
      `${strategy.name}: failed ${failed.join(', ') || 'nothing'}`,
    );
  }
});

test('inputs/masks.bin and sfr_masks.bin are valid CRFR-P outputs for region eyes', { skip }, () => {
  const { maps } = loadCrfrpFixture(fixtureDir);
  const read = (name: string) => {
    const b = readFileSync(join(fixtureDir, 'inputs', name));
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
  };
  const masks = read('masks.bin');
  const sfr = read('sfr_masks.bin');
  assert.equal(masks.length, 4 * 196);
  const eyes = regionGroup('eyes');
  const sizes: number[] = [];
  for (let i = 0; i < 4; i++) {
    const m = masks.subarray(i * 196, (i + 1) * 196);
    const f = sfr.subarray(i * 196, (i + 1) * 196);
    assert.equal(countOnes(m), 147, `sample ${i}: 147 masked`);
    for (let k = 0; k < 196; k++) assert.ok(f[k]! <= m[k]!, `sample ${i}: FR ⊆ M`);
    assert.deepEqual(
      Uint8Array.from(f),
      groupMembership(patchLabelSets(maps[i]!, 16), eyes),
      `sample ${i}: FR = eyes`,
    );
    sizes.push(countOnes(f));
  }
  assert.deepEqual(sizes, [5, 8, 8, 4]);
});
