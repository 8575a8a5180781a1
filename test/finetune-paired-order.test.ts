import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LabeledSample } from '../src/data/folders/index.js';
import { pairedCount, pairedEpochLength, pairedOrder, pairKey } from '../src/train/finetune/pairedOrder.js';

const fake = (name: string): LabeledSample => ({ path: `/d/fake_sbi/${name}`, label: 0 });
const real = (name: string): LabeledSample => ({ path: `/d/real/${name}`, label: 1 });

test('pair key: the fake suffix _sbi<k>/_swap<k> and the extension are dropped', () => {
  assert.equal(pairKey('/a/real/cap12_frame_3.png'), 'cap12_frame_3');
  assert.equal(pairKey('/a/fake_sbi/cap12_frame_3_sbi0.png'), 'cap12_frame_3');
  assert.equal(pairKey('/a/fake_swap/x_frame_1_swap12.jpg'), 'x_frame_1');
  assert.equal(pairKey('/a/real/sbi7.png'), 'sbi7');
});

test('paired order: a permutation where every real sits next to its fakes; it changes with the epoch', () => {
  const samples: LabeledSample[] = [];
  for (let i = 0; i < 12; i++) samples.push(real(`v_frame_${i}.png`));
  for (let i = 0; i < 12; i++) samples.push(fake(`v_frame_${i}_sbi0.png`), fake(`v_frame_${i}_sbi1.png`));
  samples.push(real('lonely.png'));
  const a = pairedOrder(samples, 0, 0);
  assert.deepEqual(
    [...a].sort((x, y) => x - y),
    samples.map((_, i) => i),
  );
  // the members of a group are consecutive
  const keys = [...a].map((i) => pairKey(samples[i]!.path));
  const seen = new Set<string>();
  for (let i = 0; i < keys.length; i++) {
    if (i > 0 && keys[i] !== keys[i - 1]) assert.ok(!seen.has(keys[i]!), `${keys[i]} split apart`);
    seen.add(keys[i]!);
  }
  assert.deepEqual(pairedOrder(samples, 0, 0), a, 'seeded');
  assert.notDeepEqual(pairedOrder(samples, 0, 1), a, 'a new order each epoch');
  assert.equal(pairedCount(samples), samples.length - 1);
});

test('paired count is 0 when no fake is named after a real', () => {
  assert.equal(pairedCount([real('a.png'), fake('b_sbi0.png')]), 0);
});

test('rotated pairs: one real and one of its fakes per epoch, each fake in turn, epochs of equal length', () => {
  const samples: LabeledSample[] = [];
  for (let i = 0; i < 6; i++) samples.push(real(`v_frame_${i}.png`));
  for (let k = 0; k < 3; k++) for (let i = 0; i < 6; i++) samples.push(fake(`v_frame_${i}_sbi${k}.png`));
  samples.push(real('lonely.png'));
  assert.equal(pairedEpochLength(samples, true), 13);
  assert.equal(pairedEpochLength(samples, false), samples.length);
  const fakesSeen = new Map<string, Set<string>>();
  for (let epoch = 0; epoch < 3; epoch++) {
    const o = [...pairedOrder(samples, 5, epoch, true)].map((i) => samples[i]!);
    assert.equal(o.length, 13);
    assert.equal(o.filter((s) => s.label === 1).length, 7, 'every real once');
    assert.equal(new Set(o.map((s) => s.path)).size, 13, 'no sample twice');
    for (let j = 0; j < o.length; j++) {
      if (o[j]!.label !== 0) continue;
      // a fake sits next to its own real
      const k = pairKey(o[j]!.path);
      assert.ok(pairKey(o[j - 1]?.path ?? '') === k || pairKey(o[j + 1]?.path ?? '') === k);
      const set = fakesSeen.get(k) ?? new Set<string>();
      set.add(o[j]!.path);
      fakesSeen.set(k, set);
    }
  }
  for (const set of fakesSeen.values())
    assert.equal(set.size, 3, 'each fake of a face used once in 3 epochs');
});
