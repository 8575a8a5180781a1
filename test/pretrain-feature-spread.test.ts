// The collapse check of pre-training (featureSpread.ts) on hand-made features with known answers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compile, Graph } from '../src/graph/index.js';
import { featureSpread } from '../src/train/pretrain/featureSpread.js';

async function spread(rows: number[][]): Promise<{ std: number; cos: number | null }> {
  const g = new Graph();
  const x = g.input('x', 'float32', [rows.length, rows[0]!.length]);
  const s = featureSpread(x);
  const exe = await compile({ std: s.std, ...(s.cos ? { cos: s.cos } : {}) });
  const r = await exe.run({ x: Float32Array.from(rows.flat()) });
  return { std: r.std!.data[0] as number, cos: r.cos ? (r.cos.data[0] as number) : null };
}

const close = (a: number, e: number, tol = 1e-5) => assert.ok(Math.abs(a - e) <= tol, `${a} vs ${e}`);

describe('feature spread of a batch', () => {
  test('collapsed: every sample the same direction (any length) → std 0, cosine 1', async () => {
    const r = await spread([
      [1, 2, 3, -1],
      [2, 4, 6, -2],
      [0.5, 1, 1.5, -0.5],
    ]);
    close(r.std, 0);
    close(r.cos!, 1);
  });

  test('orthogonal samples → cosine 0; one-hot rows of d = 4 → std √(¼·¾) per dimension', async () => {
    const r = await spread([
      [3, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 2, 0],
      [0, 0, 0, 5],
    ]);
    close(r.cos!, 0);
    close(r.std, Math.sqrt(0.25 * 0.75));
  });

  test('opposite pairs → cosine −1/(B−1); a batch of one has no pairwise cosine', async () => {
    const pair = await spread([
      [1, 0],
      [-1, 0],
    ]);
    close(pair.cos!, -1);
    close(pair.std, 0.5); // dimension 0: ±1 → std 1, dimension 1: 0
    const one = await spread([[0.6, 0.8]]);
    close(one.std, 0);
    assert.equal(one.cos, null);
  });
});
