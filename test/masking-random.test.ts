import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRng } from '../src/data/random/seededRng.js';

test('same seed gives the same stream, different seeds differ', () => {
  const a = new SeededRng(42);
  const b = new SeededRng(42);
  const c = new SeededRng(43);
  const sa = Array.from({ length: 8 }, () => a.nextUint32());
  assert.deepEqual(
    sa,
    Array.from({ length: 8 }, () => b.nextUint32()),
  );
  assert.notDeepEqual(
    sa,
    Array.from({ length: 8 }, () => c.nextUint32()),
  );
  // Seeds beyond 32 bits still matter.
  assert.notEqual(new SeededRng(2 ** 32 + 5).nextUint32(), new SeededRng(5).nextUint32());
});

test('state survives a JSON round trip and resumes bit for bit', () => {
  const rng = new SeededRng(7);
  for (let i = 0; i < 100; i++) rng.uniform();
  const saved = JSON.parse(JSON.stringify(rng.getState()));
  const expected = [rng.nextUint32(), rng.int(1000), rng.uniform(), ...rng.randperm(10)];
  const resumed = SeededRng.fromState(saved);
  assert.deepEqual(
    [resumed.nextUint32(), resumed.int(1000), resumed.uniform(), ...resumed.randperm(10)],
    expected,
  );
});

test('invalid states are rejected with a clear message', () => {
  const rng = new SeededRng(1);
  assert.throws(() => rng.setState({ algorithm: 'xoshiro128**', s: [0, 0, 0, 0] }), /invalid state/);
  assert.throws(() => rng.setState({ algorithm: 'xoshiro128**', s: [1, 2, 3, 2 ** 32] }), /invalid state/);
  assert.throws(() => new SeededRng(1.5), /safe integer/);
});

test('uniform stays in [0,1) with mean 1/2; int(n) covers 0..n-1 evenly', () => {
  const rng = new SeededRng(3);
  let sum = 0;
  for (let i = 0; i < 20000; i++) {
    const u = rng.uniform();
    assert.ok(u >= 0 && u < 1);
    sum += u;
  }
  assert.ok(Math.abs(sum / 20000 - 0.5) < 0.01);
  const counts = new Array(6).fill(0);
  for (let i = 0; i < 60000; i++) counts[rng.int(6)]++;
  const chi2 = counts.reduce((s, c) => s + (c - 10000) ** 2 / 10000, 0);
  assert.ok(chi2 < 20.5, `int(6) histogram ${counts} chi2 ${chi2}`);
  assert.throws(() => rng.int(0), /integer in \[1, 2\^32\]/);
});

test('sampleWithoutReplacement draws distinct elements, every 2-subset of 5 equally often', () => {
  const rng = new SeededRng(11);
  const counts = new Map<string, number>();
  const draws = 30000;
  for (let i = 0; i < draws; i++) {
    const s = rng.sampleWithoutReplacement(['a', 'b', 'c', 'd', 'e'], 2);
    assert.notEqual(s[0], s[1]);
    const key = [...s].sort().join('');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  assert.equal(counts.size, 10);
  const e = draws / 10;
  const chi2 = [...counts.values()].reduce((s, c) => s + (c - e) ** 2 / e, 0);
  assert.ok(chi2 < 27.9, `subset chi2 ${chi2} (9 df, p = 0.001 bound 27.9)`);
  assert.deepEqual(rng.sampleWithoutReplacement([1, 2, 3], 0), []);
  assert.throws(() => rng.sampleWithoutReplacement([1, 2], 3), /cannot draw 3 of 2/);
});

test('randperm is a permutation; choice picks from the list', () => {
  const rng = new SeededRng(5);
  const p = rng.randperm(50);
  assert.deepEqual(
    [...p].sort((a, b) => a - b),
    Array.from({ length: 50 }, (_, i) => i),
  );
  assert.ok(['x', 'y'].includes(rng.choice(['x', 'y'])));
  assert.throws(() => rng.choice([]), /empty/);
});
