// Gather / GatherElements and their scatter-add adjoints.
import { describe, it } from 'node:test';
import { gather, gatherElements, mul, scatterElementsAdd, scatterNDAdd } from '../src/graph/index.js';
import { assertGrad, checkForward, int64Host } from './support/opHarness.js';
import { gatherElementsRef, gatherRef, scatterElementsAddRef, scatterNDAddRef } from './support/reference.js';

const X = [3, 4, 5];

// [axis, index shape, index values]: repeated indices everywhere, so the adjoint must accumulate
const gatherCases: Array<[number, number[], number[]]> = [
  [0, [4], [2, 0, 2, 2]],
  [1, [2, 3], [3, 1, 1, 0, 3, 3]],
  [-1, [3], [4, 0, 4]],
  [1, [], [2]],
  [2, [2, 2], [-1, 0, -1, 1]],
];

describe('gather', () => {
  it('forward on the first, a middle and the last axis; scalar, 2-D and negative indices', async () => {
    for (const [axis, ishape, idx] of gatherCases) {
      await checkForward(
        [{ shape: X }, { shape: ishape, values: idx, dtype: 'int64' }],
        ([x, i]) => gather(x!, i!, axis),
        ([x, i]) => gatherRef(x!, i!, axis),
        { label: `gather axis ${axis} idx [${ishape}]` },
      );
    }
  });

  it('gradient scatters back with accumulation for repeated indices (ScatterND add)', async () => {
    for (const [axis, ishape, idx] of gatherCases) {
      await assertGrad([{ shape: X }, { shape: ishape, fixed: int64Host(ishape, idx) }], ([x, i]) =>
        gather(x!, i!, axis),
      );
    }
    // fan-out: the gathered rows multiplied by another gather of the same tensor
    await assertGrad([{ shape: [4, 3] }, { shape: [3], fixed: int64Host([3], [1, 1, 3]) }], ([x, i]) =>
      mul(gather(x!, i!, 0), gather(x!, i!, 0)),
    );
  });
});

describe('gatherElements', () => {
  const idx = [1, 1, 0, 2, 0, 0, 2, 2, 1, 0, 0, 0];
  it('forward along axis 0, 1 and −1 with repeated indices', async () => {
    for (const axis of [0, 1, -1]) {
      const vals = axis === 0 ? idx : idx.map((v) => v + 1);
      await checkForward(
        [{ shape: [3, 5] }, { shape: [3, 4], values: vals, dtype: 'int64' }],
        ([x, i]) => gatherElements(x!, i!, axis),
        ([x, i]) => gatherElementsRef(x!, i!, axis),
      );
    }
  });

  it('gradient is a scatter-add (ScatterElements add)', async () => {
    await assertGrad([{ shape: [3, 5] }, { shape: [3, 4], fixed: int64Host([3, 4], idx) }], ([x, i]) =>
      gatherElements(x!, i!, 0),
    );
    await assertGrad([{ shape: [3, 5] }, { shape: [3, 4], fixed: int64Host([3, 4], idx) }], ([x, i]) =>
      gatherElements(x!, i!, -1),
    );
  });
});

describe('scatter-add ops', () => {
  it('scatterNDAdd: forward (accumulates duplicates) and gradient w.r.t. the updates', async () => {
    const shape = [4, 2, 3];
    const idx = [2, 0, 2, 3];
    await checkForward(
      [{ shape: [4, 1], values: idx, dtype: 'int64' }, { shape: [4, 2, 3] }],
      ([i, u]) => scatterNDAdd(shape, i!, u!),
      ([i, u]) => scatterNDAddRef(shape, i!, u!),
    );
    await assertGrad([{ shape: [4, 1], fixed: int64Host([4, 1], idx) }, { shape: [4, 2, 3] }], ([i, u]) =>
      scatterNDAdd(shape, i!, u!),
    );
    // two-level index tuples
    const idx2 = [0, 1, 3, 0, 0, 1];
    await checkForward(
      [{ shape: [3, 2], values: idx2, dtype: 'int64' }, { shape: [3, 3] }],
      ([i, u]) => scatterNDAdd(shape, i!, u!),
      ([i, u]) => scatterNDAddRef(shape, i!, u!),
    );
    await assertGrad([{ shape: [3, 2], fixed: int64Host([3, 2], idx2) }, { shape: [3, 3] }], ([i, u]) =>
      scatterNDAdd(shape, i!, u!),
    );
  });

  it('scatterElementsAdd: forward (accumulates duplicates) and gradient w.r.t. the updates', async () => {
    const shape = [3, 4];
    const idx = [0, 2, 2, 1, 0, 0];
    for (const axis of [0, 1]) {
      const vals = axis === 0 ? idx : idx.map((v) => v + 1);
      await checkForward(
        [{ shape: [2, 3], values: vals, dtype: 'int64' }, { shape: [2, 3] }],
        ([i, u]) => scatterElementsAdd(shape, i!, u!, axis),
        ([i, u]) => scatterElementsAddRef(shape, i!, u!, axis),
      );
      await assertGrad([{ shape: [2, 3], fixed: int64Host([2, 3], vals) }, { shape: [2, 3] }], ([i, u]) =>
        scatterElementsAdd(shape, i!, u!, axis - 2),
      );
    }
  });
});
