// Network ops: matmul, gemm, linear, patch conv, layerNorm, softmax, and the composite losses/regularisers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import onnxProto from 'onnx-proto';
import {
  compile,
  crossEntropy,
  dropout,
  dropPath,
  emitOnnx,
  erf,
  Graph,
  gelu,
  gemm,
  grad,
  l2Normalize,
  layerNorm,
  linear,
  logSoftmax,
  matmul,
  matmulT,
  mul,
  mulScalar,
  patchConv2d,
  reduceSum,
  softCrossEntropy,
  softmax,
  type Tensor,
  toNumbers,
  transpose,
} from '../src/graph/index.js';
import {
  assertFloat32GradsMatch,
  assertGrad,
  boolHost,
  checkForward,
  f64Host,
  int64Host,
} from './support/opHarness.js';
import {
  gemmRef,
  layerNormRef,
  linearRef,
  logSoftmaxRef,
  map,
  matmulRef,
  type Nd,
  patchConvRef,
  reduceRef,
  softmaxRef,
  transposeRef,
} from './support/reference.js';

describe('matmul and gemm', () => {
  const matmulShapes: Array<[number[], number[]]> = [
    [
      [3, 4],
      [4, 2],
    ],
    [
      [2, 3, 4],
      [4, 5],
    ],
    [
      [2, 1, 3, 4],
      [3, 4, 2],
    ],
    [
      [3, 4],
      [2, 4, 3],
    ],
  ];

  it('matmul: 2-D and batched with broadcasting batch dims', async () => {
    for (const [sa, sb] of matmulShapes) {
      await checkForward(
        [{ shape: sa }, { shape: sb }],
        ([a, b]) => matmul(a!, b!),
        ([a, b]) => matmulRef(a!, b!),
        { label: `matmul [${sa}]@[${sb}]` },
      );
    }
  });

  it('matmul: gradients sum over broadcast batch dims', async () => {
    for (const [sa, sb] of matmulShapes)
      await assertGrad([{ shape: sa }, { shape: sb }], ([a, b]) => matmul(a!, b!));
    await assertGrad([{ shape: [3, 3] }], ([a]) => matmul(a!, a!)); // fan-out
  });

  const combos: Array<[boolean, boolean]> = [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ];

  // op(A)·op(B) on batched, broadcasting operands: A [2,1,3,4] or its last-two swap, B [3,4,5] or its swap
  const swapLast = (x: Nd) =>
    transposeRef(
      x,
      [...x.shape.keys()].map((i, _, all) => (i < all.length - 2 ? i : all.length * 2 - 3 - i)),
    );
  const matmulTShapes = (transA: boolean, transB: boolean): [number[], number[]] => [
    transA ? [2, 1, 4, 3] : [2, 1, 3, 4],
    transB ? [3, 5, 4] : [3, 4, 5],
  ];

  it('matmulT: all four transA/transB combinations, batched with broadcasting', async () => {
    for (const [transA, transB] of combos) {
      const [sa, sb] = matmulTShapes(transA, transB);
      await checkForward(
        [{ shape: sa }, { shape: sb }],
        ([a, b]) => matmulT(a!, b!, { transA, transB }),
        ([a, b]) => matmulRef(transA ? swapLast(a!) : a!, transB ? swapLast(b!) : b!),
        { label: `matmulT transA=${transA} transB=${transB}` },
      );
    }
  });

  it('matmulT: gradients in all four combinations, summed over broadcast batch dims', async () => {
    for (const [transA, transB] of combos) {
      const [sa, sb] = matmulTShapes(transA, transB);
      await assertGrad([{ shape: sa }, { shape: sb }], ([a, b]) => matmulT(a!, b!, { transA, transB }));
    }
  });
  const gemmShapes = (transA: boolean, transB: boolean): [number[], number[]] => [
    transA ? [4, 3] : [3, 4],
    transB ? [5, 4] : [4, 5],
  ];

  it('gemm: all four transA/transB combinations, with and without bias', async () => {
    for (const [transA, transB] of combos) {
      const [sa, sb] = gemmShapes(transA, transB);
      for (const bias of [undefined, [5], [3, 5], [3, 1]]) {
        await checkForward(
          bias ? [{ shape: sa }, { shape: sb }, { shape: bias }] : [{ shape: sa }, { shape: sb }],
          ([a, b, c]) => gemm(a!, b!, { transA, transB }, c),
          ([a, b, c]) => gemmRef(a!, b!, transA, transB, c),
          { label: `gemm transA=${transA} transB=${transB} bias=[${bias ?? ''}]` },
        );
      }
    }
  });

  it('gemm: gradients for A, B and bias in all four transpose combinations', async () => {
    for (const [transA, transB] of combos) {
      const [sa, sb] = gemmShapes(transA, transB);
      await assertGrad([{ shape: sa }, { shape: sb }, { shape: [5] }], ([a, b, c]) =>
        gemm(a!, b!, { transA, transB }, c),
      );
    }
    await assertGrad([{ shape: [3, 4] }, { shape: [4, 5] }, { shape: [3, 1] }], ([a, b, c]) =>
      gemm(a!, b!, {}, c),
    );
    await assertGrad([{ shape: [3, 3] }], ([a]) => gemm(a!, a!, { transA: true }, a!)); // fan-out into all three
  });

  it('linear: x·Wᵀ + b over leading dims, PyTorch weight layout', async () => {
    await checkForward(
      [{ shape: [2, 3, 4] }, { shape: [5, 4] }, { shape: [5] }],
      ([x, w, b]) => [linear(x!, w!, b!), linear(x!, w!)],
      ([x, w, b]) => [linearRef(x!, w!, b!), linearRef(x!, w!)],
    );
    await assertGrad([{ shape: [2, 3, 4] }, { shape: [5, 4] }, { shape: [5] }], ([x, w, b]) =>
      linear(x!, w!, b!),
    );
  });
});

describe('patch conv2d', () => {
  const specs = [{ shape: [2, 3, 4, 6] }, { shape: [5, 3, 2, 2] }, { shape: [5] }];

  it('forward matches a direct convolution (float32 Conv and the float64 Gemm lowering)', async () => {
    await checkForward(
      specs,
      ([x, w, b]) => [patchConv2d(x!, w!, b!, 2), patchConv2d(x!, w!, undefined, 2)],
      ([x, w, b]) => [patchConvRef(x!, w!, b!.data, 2), patchConvRef(x!, w!, undefined, 2)],
    );
    await checkForward(
      [{ shape: [1, 2, 3, 3] }, { shape: [4, 2, 3, 3] }],
      ([x, w]) => patchConv2d(x!, w!, undefined, 3),
      ([x, w]) => patchConvRef(x!, w!, undefined, 3),
    );
  });

  it('gradients for input, weight and bias', async () => {
    await assertGrad(specs, ([x, w, b]) => patchConv2d(x!, w!, b!, 2));
    await assertGrad(specs.slice(0, 2), ([x, w]) => patchConv2d(x!, w!, undefined, 2));
  });
});

describe('layerNorm and softmax', () => {
  it('layerNorm forward (float32 LayerNormalization kernel, float64 spelled out)', async () => {
    for (const eps of [1e-5, 1e-6]) {
      await checkForward(
        [{ shape: [2, 3, 8] }, { shape: [8], lo: 0.5, hi: 1.5 }, { shape: [8] }],
        ([x, w, b]) => layerNorm(x!, w!, b!, eps),
        ([x, w, b]) => layerNormRef(x!, w!.data, b!.data, eps),
      );
    }
  });

  it('layerNorm gradients for input, weight and bias', async () => {
    await assertGrad([{ shape: [2, 3, 6] }, { shape: [6] }, { shape: [6] }], ([x, w, b]) =>
      layerNorm(x!, w!, b!, 1e-5),
    );
    await assertGrad([{ shape: [5] }, { shape: [5] }, { shape: [5] }], ([x, w, b]) =>
      layerNorm(x!, w!, b!, 1e-6),
    );
    // the same tensor as input and (broadcast) weight
    await assertGrad([{ shape: [4] }, { shape: [4] }], ([x, b]) => layerNorm(x!, x!, b!, 1e-5));
  });

  it('softmax / logSoftmax on the last, a middle and a negative axis', async () => {
    for (const axis of [-1, 1, 0, -2]) {
      await checkForward(
        [{ shape: [2, 3, 4], lo: -3, hi: 3 }],
        ([x]) => [softmax(x!, axis), logSoftmax(x!, axis)],
        ([x]) => [softmaxRef(x!, axis), logSoftmaxRef(x!, axis)],
        { label: `softmax axis ${axis}` },
      );
      await assertGrad([{ shape: [2, 3, 4] }], ([x]) => softmax(x!, axis));
      await assertGrad([{ shape: [2, 3, 4] }], ([x]) => logSoftmax(x!, axis));
    }
  });
});

describe('transposed gradients from swapped product operands', () => {
  /** Transpose nodes in the ONNX graph of `f`'s gradients. */
  const transposesInGradients = (specs: { shape: number[] }[], f: (xs: Tensor[]) => Tensor) => {
    const g = new Graph();
    const xs = specs.map((spec, i) => g.input(`x${i}`, 'float32', spec.shape));
    const grads = grad(reduceSum(f(xs)), xs);
    const model = onnxProto.onnx.ModelProto.decode(
      emitOnnx(Object.fromEntries(grads.map((t, i) => [`g${i}`, t!]))).bytes,
    );
    return model.graph!.node!.filter((n) => n.opType === 'Transpose').length;
  };
  it('attention softmax(q·kᵀ)·v: dK as dSᵀ·q, no second Transpose', async () => {
    // T = 4 tokens, head width 3
    const core = ([q, k, v]: Tensor[]) => matmul(softmax(mulScalar(matmul(q!, transpose(k!)), 0.6), -1), v!);
    const qkv = [{ shape: [2, 2, 4, 3] }, { shape: [2, 2, 4, 3] }, { shape: [2, 2, 4, 3] }];
    await assertGrad(qkv, core);
    await assertFloat32GradsMatch(qkv, core);
    assert.equal(transposesInGradients(qkv, core), 1, 'only the forward kᵀ');
  });
  it('a transposed left operand, and a product of products, keep their gradients', async () => {
    // the gradient reaching transpose(a) is g·cᵀ (flags swapped the other way)
    const left = ([a, c]: Tensor[]) => matmul(transpose(a!), c!);
    const ac = [{ shape: [2, 5, 3] }, { shape: [2, 5, 4] }];
    await assertGrad(ac, left);
    await assertFloat32GradsMatch(ac, left);
    assert.equal(transposesInGradients(ac, left), 1);
    // transposes of flagged products inside the chain
    const chain = ([a, b, c]: Tensor[]) => matmul(transpose(matmulT(a!, b!, { transA: true })), c!);
    const abc = [{ shape: [3, 4] }, { shape: [3, 5] }, { shape: [4, 2] }];
    await assertGrad(abc, chain);
    await assertFloat32GradsMatch(abc, chain);
  });
});

describe('losses and regularisers', () => {
  const labels = [2, 0, 3, 2];

  it('crossEntropy with hard labels: value and gradient', async () => {
    await checkForward(
      [
        { shape: [4, 5], lo: -3, hi: 3 },
        { shape: [4], values: labels, dtype: 'int64' },
      ],
      ([z, y]) => crossEntropy(z!, y!),
      ([z, y]) => {
        const ls = logSoftmaxRef(z!, 1);
        const picked = y!.data.map((c, i) => ls.data[i * 5 + c]!);
        return { shape: [], data: [-picked.reduce((a, b) => a + b, 0) / 4] };
      },
    );
    await assertGrad([{ shape: [4, 5] }, { shape: [4], fixed: int64Host([4], labels) }], ([z, y]) =>
      crossEntropy(z!, y!),
    );
  });

  it('softCrossEntropy against soft targets: value and gradient (targets too)', async () => {
    const targets = [0.1, 0.2, 0.7, 0, 0.25, 0.25, 0.25, 0.25, 1, 0, 0, 0];
    const ref = ([z, t]: Nd[]) => {
      const ls = logSoftmaxRef(z!, -1);
      const rows = reduceRef(
        map([t!, ls], (p, q) => -p * q),
        [1],
        false,
        'sum',
      );
      return reduceRef(rows, [0], false, 'mean');
    };
    await checkForward(
      [
        { shape: [3, 4], lo: -2, hi: 2 },
        { shape: [3, 4], values: targets },
      ],
      ([z, t]) => softCrossEntropy(z!, t!),
      ref,
    );
    await assertGrad([{ shape: [3, 4] }, { shape: [3, 4], values: targets }], ([z, t]) =>
      softCrossEntropy(z!, t!),
    );
    await assertGrad([{ shape: [3, 4] }, { shape: [3, 4], fixed: f64Host([3, 4], targets) }], ([z, t]) =>
      softCrossEntropy(z!, t!),
    );
  });

  it('dropout and dropPath with fixed keep-masks (bool and float), scaled by 1/(1−p)', async () => {
    const keep = [1, 0, 1, 1, 0, 1];
    const p = 0.25;
    await checkForward(
      [{ shape: [2, 3] }, { shape: [2, 3], values: keep, dtype: 'bool' }, { shape: [2], values: [0, 1] }],
      ([x, m, s]) => [dropout(x!, m!, p), dropPath(x!, s!, p), dropout(x!, m!, 0)],
      ([x, m, s]) => [
        map([x!, m!], (v, k) => (v * k) / (1 - p)),
        map([x!, { shape: [2, 1], data: s!.data }], (v, k) => (v * k) / (1 - p)),
        x!,
      ],
    );
    await assertGrad([{ shape: [2, 3] }, { shape: [2, 3], fixed: boolHost([2, 3], keep) }], ([x, m]) =>
      dropout(x!, m!, p),
    );
    await assertGrad([{ shape: [2, 3, 2] }, { shape: [2], fixed: f64Host([2], [1, 0]) }], ([x, m]) =>
      dropPath(x!, m!, 0.1),
    );
  });

  it('l2Normalize: forward, gradient, and a finite gradient for an all-zero row (F.normalize)', async () => {
    await checkForward(
      [{ shape: [3, 4] }],
      ([x]) => [l2Normalize(x!), l2Normalize(x!, 0)],
      ([x]) => {
        const norm = (axis: number) => {
          const n = reduceRef(
            map([x!], (v) => v * v),
            [axis],
            true,
            'sum',
          );
          return map([x!, n], (v, s) => v / Math.max(Math.sqrt(s), 1e-12));
        };
        return [norm(1), norm(0)];
      },
    );
    await assertGrad([{ shape: [3, 4] }], ([x]) => l2Normalize(x!, -1));
    await assertGrad([{ shape: [3, 4] }], ([x]) => l2Normalize(x!, 0));
    // a zero vector: output 0, gradient g/eps like PyTorch (not NaN from d‖x‖ at 0)
    const g = new Graph();
    const x = g.input('x', 'float64', [2, 2]);
    const [gx] = grad(
      reduceSum(mul(l2Normalize(x, -1, 1e-6), g.constant(Float64Array.of(1, 2, 3, 4), [2, 2]))),
      [x],
    );
    const out = await (await compile({ y: l2Normalize(x, -1, 1e-6), gx: gx! })).run({
      x: Float64Array.of(0, 0, 3, 4),
    });
    assert.deepEqual(toNumbers(out.y!), [0, 0, 0.6, 0.8]);
    const gz = toNumbers(out.gx!);
    assert.ok(
      gz.every(Number.isFinite),
      `gradient at the zero row must be finite, got ${gz.map((v) => v.toPrecision(4)).join(', ')}`,
    );
    assert.ok(Math.abs(gz[0]! - 1e6) < 1e-3 && Math.abs(gz[1]! - 2e6) < 1e-3, `zero row: ${gz.slice(0, 2)}`);
  });
});

describe('float32 programs', () => {
  it('give the float64 gradients for ops whose float32 lowering differs (Conv, LayerNormalization, Erf, Gelu)', async () => {
    await assertFloat32GradsMatch(
      [{ shape: [2, 3, 4, 6] }, { shape: [5, 3, 2, 2] }, { shape: [5] }],
      ([x, w, b]) => patchConv2d(x!, w!, b!, 2),
    );
    await assertFloat32GradsMatch(
      [{ shape: [2, 3, 8] }, { shape: [8], lo: 0.5, hi: 1.5 }, { shape: [8] }],
      ([x, w, b]) => layerNorm(x!, w!, b!, 1e-6),
    );
    await assertFloat32GradsMatch([{ shape: [3, 5], lo: -3, hi: 3 }], ([x]) => gelu(x!));
    await assertFloat32GradsMatch([{ shape: [3, 5], lo: -3, hi: 3 }], ([x]) => erf(x!));
    await assertFloat32GradsMatch(
      [
        { shape: [4, 5], lo: -3, hi: 3 },
        { shape: [4], values: [2, 0, 3, 2], dtype: 'int64' },
      ],
      ([z, y]) => crossEntropy(z!, y!),
    );
    await assertFloat32GradsMatch([{ shape: [2, 3, 4] }, { shape: [5, 4] }, { shape: [5] }], ([x, w, b]) =>
      softmax(gelu(linear(x!, w!, b!)), -1),
    );
  });
});
