// Reductions and shape ops: reduceSum/Mean/Max, reshape, transpose, expand, concat, split, slice, pad.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compile,
  concat,
  expand,
  Graph,
  grad,
  mul,
  pad,
  reduceMax,
  reduceMean,
  reduceSum,
  reshape,
  slice,
  split,
  type Tensor,
  toNumbers,
  transpose,
} from '../src/graph/index.js';
import { assertGrad, checkForward } from './support/opHarness.js';
import { concatRef, expandRef, padRef, reduceRef, sliceRef, transposeRef } from './support/reference.js';

type Reduce = (x: Tensor, axes?: number | readonly number[], keepdims?: boolean) => Tensor;
const reductions: Array<[string, Reduce, 'sum' | 'mean' | 'max']> = [
  ['reduceSum', reduceSum, 'sum'],
  ['reduceMean', reduceMean, 'mean'],
  ['reduceMax', reduceMax, 'max'],
];
// [axes as passed, the same axes normalised]: single, negative, several, all (omitted)
const axisCases: Array<[number | number[] | undefined, number[]]> = [
  [1, [1]],
  [-1, [2]],
  [
    [0, -1],
    [0, 2],
  ],
  [
    [-3, 1],
    [0, 1],
  ],
  [undefined, [0, 1, 2]],
];

describe('reductions', () => {
  for (const [name, op, kind] of reductions) {
    it(`${name}: forward over single/negative/several/all axes, keepdims true and false`, async () => {
      for (const keepdims of [true, false]) {
        await checkForward(
          [{ shape: [2, 3, 4] }],
          ([x]) => axisCases.map(([axes]) => op(x!, axes, keepdims)),
          ([x]) => axisCases.map(([, axes]) => reduceRef(x!, axes, keepdims, kind)),
          { label: `${name} keepdims=${keepdims}` },
        );
      }
    });

    it(`${name}: gradients with keepdims true and false, negative axes`, async () => {
      for (const keepdims of [true, false]) {
        for (const [axes] of axisCases.slice(1, 4)) {
          await assertGrad([{ shape: [2, 3, 4] }], ([x]) => op(x!, axes, keepdims));
        }
      }
      await assertGrad([{ shape: [2, 3] }], ([x]) => mul(op(x!), x!)); // scalar result broadcast back
    });
  }

  it('reduceMax splits the gradient among tied maxima', async () => {
    // two-way ties: central differences see half the slope on each, like the even split
    const values = [1, 3, 3, -1, 0.5, 0.5, 0.25, -2];
    await assertGrad([{ shape: [2, 4], values }], ([x]) => reduceMax(x!, -1));
    await assertGrad([{ shape: [2, 4], values }], ([x]) => reduceMax(x!, 0, true));
    // three-way tie: each of the three gets exactly 1/3 (torch.amax semantics)
    const g = new Graph();
    const x = g.input('x', 'float64', [5]);
    const [gx] = grad(reduceMax(x), [x]);
    const out = await (await compile({ gx: gx! })).run({ x: Float64Array.of(2, 1, 2, 2, 0) });
    assert.deepEqual(
      toNumbers(out.gx!).map((v) => Math.round(v * 3 * 1e12) / 1e12),
      [1, 0, 1, 1, 0],
    );
  });
});

describe('shape ops', () => {
  it('reshape (with an inferred -1) forward and gradient', async () => {
    await checkForward(
      [{ shape: [2, 3, 4] }],
      ([x]) => [reshape(x!, [6, -1]), reshape(x!, [-1]), reshape(x!, [4, 1, 6])],
      ([x]) => [
        { shape: [6, 4], data: x!.data },
        { shape: [24], data: x!.data },
        { shape: [4, 1, 6], data: x!.data },
      ],
    );
    await assertGrad([{ shape: [2, 3, 4] }], ([x]) => reshape(x!, [4, -1]));
    const g = new Graph();
    const x = g.input('x', 'float32', [2, 3]);
    assert.equal(reshape(x, [2, 3]), x, 'reshape to the same shape is a no-op');
  });

  it('transpose with explicit (incl. negative) perms and the default last-two swap', async () => {
    const perms = [
      [2, 0, 1],
      [1, 0, 2],
      [0, -1, 1],
      [-1, -2, -3],
    ];
    const norm = (p: number[]) => p.map((a) => (a < 0 ? a + 3 : a));
    await checkForward(
      [{ shape: [2, 3, 4] }],
      ([x]) => [...perms.map((p) => transpose(x!, p)), transpose(x!)],
      ([x]) => [...perms.map((p) => transposeRef(x!, norm(p))), transposeRef(x!, [0, 2, 1])],
    );
    for (const p of perms) await assertGrad([{ shape: [2, 3, 4] }], ([x]) => transpose(x!, p));
    await assertGrad([{ shape: [3, 2] }], ([x]) => transpose(x!));
  });

  it('expand forward and gradient (sums over the broadcast axes)', async () => {
    await checkForward(
      [{ shape: [3, 1] }],
      ([x]) => [expand(x!, [3, 4]), expand(x!, [2, 3, 4])],
      ([x]) => [expandRef(x!, [3, 4]), expandRef(x!, [2, 3, 4])],
    );
    await assertGrad([{ shape: [3, 1] }], ([x]) => expand(x!, [2, 3, 4]));
    await assertGrad([{ shape: [1, 4] }], ([x]) => expand(x!, [3, 4]));
  });

  it('concat of three inputs along a middle and a negative axis; gradient splits back', async () => {
    const specs = [{ shape: [2, 1, 3] }, { shape: [2, 2, 3] }, { shape: [2, 3, 3] }];
    await checkForward(
      specs,
      (xs) => concat(xs, 1),
      (xs) => concatRef(xs, 1),
    );
    await checkForward(
      [{ shape: [2, 2] }, { shape: [2, 3] }],
      (xs) => concat(xs, -1),
      (xs) => concatRef(xs, -1),
    );
    await assertGrad(specs, (xs) => concat(xs, -2));
    // fan-out: the same tensor concatenated twice
    await assertGrad([{ shape: [2, 3] }], ([x]) => concat([x!, mul(x!, x!), x!], 0));
  });

  it('split into unequal pieces; gradients of unused pieces are zero', async () => {
    await checkForward(
      [{ shape: [2, 6] }],
      ([x]) => split(x!, -1, [1, 2, 3]),
      ([x]) => [sliceRef(x!, 1, 0, 1), sliceRef(x!, 1, 1, 3), sliceRef(x!, 1, 3, 6)],
    );
    await assertGrad([{ shape: [2, 6] }], ([x]) => {
      const [a, , c] = split(x!, 1, [1, 2, 3]); // the middle piece is unused
      return concat([mul(a!, a!), c!], 1);
    });
    await assertGrad([{ shape: [4, 3] }], ([x]) => {
      const [a, b] = split(x!, 0, [1, 3]);
      return mul(a!, b!); // [1,3] * [3,3] broadcasts
    });
  });

  it('slice with negative and out-of-range bounds (Python semantics); gradient pads with zeros', async () => {
    const cases: Array<[number, number, number | undefined]> = [
      [1, 1, 3],
      [-1, -3, -1],
      [0, -1, undefined],
      [2, -10, 2],
      [1, 2, 100],
      [1, 3, 1],
    ];
    await checkForward(
      [{ shape: [2, 4, 3] }],
      ([x]) => cases.map(([ax, s, e]) => slice(x!, ax, s, e)),
      ([x]) => cases.map(([ax, s, e]) => sliceRef(x!, ax, s, e)),
    );
    for (const [ax, s, e] of cases.slice(0, 5)) {
      await assertGrad([{ shape: [2, 4, 3] }], ([x]) => slice(x!, ax, s, e));
    }
  });

  it('pad with zeros before/after each axis; gradient slices back', async () => {
    await checkForward(
      [{ shape: [2, 3] }],
      ([x]) => pad(x!, [1, 0], [2, 3]),
      ([x]) => padRef(x!, [1, 0], [2, 3]),
    );
    await assertGrad([{ shape: [2, 3] }], ([x]) => pad(x!, [0, 2], [1, 1]));
    await assertGrad([{ shape: [2, 3] }], ([x]) => mul(pad(x!, [1, 0], [0, 0]), pad(x!, [0, 0], [1, 0])));
  });

  it('chained shape ops keep values and gradients consistent', async () => {
    await checkForward(
      [{ shape: [2, 3, 4] }],
      ([x]) => reduceSum(transpose(reshape(slice(x!, 2, 1), [2, 9]), [1, 0]), 0),
      ([x]) => {
        const s = sliceRef(x!, 2, 1);
        return reduceRef(transposeRef({ shape: [2, 9], data: s.data }, [1, 0]), [0], false, 'sum');
      },
    );
    await assertGrad([{ shape: [2, 3, 4] }], ([x]) =>
      mul(transpose(reshape(slice(x!, 2, 1), [2, 9]), [1, 0]), reshape(slice(x!, 2, 0, 3), [9, 2])),
    );
  });
});
