// Elementwise ops: binary arithmetic with broadcasting, unary functions, comparisons, where, cast.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  abs,
  add,
  addScalar,
  cast,
  compile,
  constantFilled,
  div,
  equal,
  erf,
  exp,
  Graph,
  gelu,
  grad,
  greater,
  greaterOrEqual,
  less,
  lessOrEqual,
  log,
  logicalAnd,
  logicalNot,
  logicalOr,
  maximum,
  minimum,
  mul,
  mulScalar,
  neg,
  pow,
  powScalar,
  reduceSum,
  relu,
  scalarLike,
  sigmoid,
  sign,
  sqrt,
  stopGradient,
  sub,
  sumTo,
  type Tensor,
  tanh,
  toNumbers,
  where,
} from '../src/graph/index.js';
import { assertGrad, boolHost, checkForward, type InputSpec } from './support/opHarness.js';
import { erfRef, geluRef, map, reduceRef } from './support/reference.js';

type Bin = (a: Tensor, b: Tensor) => Tensor;
interface BinaryCase {
  name: string;
  op: Bin;
  ref: (a: number, b: number) => number;
  a?: Partial<InputSpec>;
  b?: Partial<InputSpec>;
}

const binaries: BinaryCase[] = [
  { name: 'add', op: add, ref: (a, b) => a + b },
  { name: 'sub', op: sub, ref: (a, b) => a - b },
  { name: 'mul', op: mul, ref: (a, b) => a * b },
  { name: 'div', op: div, ref: (a, b) => a / b, b: { lo: 0.5, hi: 2 } },
  { name: 'pow', op: pow, ref: (a, b) => a ** b, a: { lo: 0.5, hi: 2 }, b: { lo: -1.5, hi: 1.5 } },
  { name: 'maximum', op: maximum, ref: Math.max },
  { name: 'minimum', op: minimum, ref: Math.min },
];

// both directions of broadcasting, a rank difference, and both operands broadcast at once
const broadcastPairs: Array<[number[], number[]]> = [
  [
    [2, 3, 4],
    [3, 1],
  ],
  [[4], [2, 3, 4]],
  [
    [3, 1],
    [1, 4],
  ],
  [[2, 3], []],
];

describe('binary elementwise ops', () => {
  for (const c of binaries) {
    it(`${c.name}: forward with broadcasting matches the reference (float32, float64)`, async () => {
      for (const [sa, sb] of broadcastPairs) {
        await checkForward(
          [
            { shape: sa, ...c.a },
            { shape: sb, ...c.b },
          ],
          ([a, b]) => c.op(a!, b!),
          ([a, b]) => map([a!, b!], c.ref),
          { label: `${c.name} [${sa}]∘[${sb}]` },
        );
      }
    });

    it(`${c.name}: gradients un-broadcast in both directions`, async () => {
      const range = (s?: Partial<InputSpec>) => (v: number) =>
        s?.lo !== undefined ? s.lo + ((v + 1) / 2) * (s.hi! - s.lo) : v;
      for (const [sa, sb] of broadcastPairs.slice(0, 3)) {
        await assertGrad(
          [
            { shape: sa, values: randomIn(sa, 11, range(c.a)) },
            { shape: sb, values: randomIn(sb, 12, range(c.b)) },
          ],
          ([a, b]) => c.op(a!, b!),
        );
      }
    });
  }

  it('fan-out: a tensor used twice accumulates both gradient paths', async () => {
    await assertGrad([{ shape: [2, 3] }, { shape: [3] }], ([x, y]) => add(mul(x!, x!), mul(x!, y!)));
    await assertGrad([{ shape: [3, 2], values: [0.6, 1.2, 0.7, 1.9, 1.1, 0.8] }], ([x]) => pow(x!, x!));
    await assertGrad([{ shape: [2, 2] }], ([x]) => div(sub(x!, neg(x!)), addScalar(mul(x!, x!), 1)));
  });

  it('maximum/minimum split the gradient evenly on ties (PyTorch semantics)', async () => {
    const a = [0.5, -0.25, 1, 2, -1, 0];
    const b = [0.5, 0.5, 1, -2, -1, 0.125];
    for (const op of [maximum, minimum]) {
      await assertGrad(
        [
          { shape: [6], values: a },
          { shape: [6], values: b },
        ],
        ([x, y]) => op(x!, y!),
      );
      // maximum(x, x) is x: the two halves add up to 1
      await assertGrad([{ shape: [6], values: a }], ([x]) => op(x!, x!));
    }
    // the split itself, checked exactly: y = max(a, b), dy/da = [0.5 (tie), 0 (a<b), 1 (a>b)]
    const g = new Graph();
    const x = g.input('a', 'float64', [3]);
    const y = g.input('b', 'float64', [3]);
    const [ga, gb] = grad(reduceSum(maximum(x, y)), [x, y]);
    const out = await (await compile({ ga: ga!, gb: gb! })).run({
      a: Float64Array.of(1, 0, 2),
      b: Float64Array.of(1, 1, 1),
    });
    assert.deepEqual(toNumbers(out.ga!), [0.5, 0, 1]);
    assert.deepEqual(toNumbers(out.gb!), [0.5, 1, 0]);
  });

  it('scalar conveniences addScalar/mulScalar/powScalar', async () => {
    await checkForward(
      [{ shape: [2, 3], lo: 0.25, hi: 2 }],
      ([x]) => [addScalar(x!, 1.5), mulScalar(x!, -3), powScalar(x!, 2.5)],
      ([x]) => [map([x!], (v) => v + 1.5), map([x!], (v) => v * -3), map([x!], (v) => v ** 2.5)],
    );
    await assertGrad([{ shape: [2, 3], values: [0.3, 0.9, 1.4, 2, 0.6, 1.1] }], ([x]) =>
      add(addScalar(x!, 1.5), add(mulScalar(x!, -3), powScalar(x!, 2.5))),
    );
  });

  it('sumTo sums a broadcast tensor back to a shape (un-broadcasting)', async () => {
    await checkForward(
      [{ shape: [2, 3, 4] }],
      ([x]) => [sumTo(x!, [3, 1]), sumTo(x!, [4]), sumTo(x!, [2, 1, 4]), sumTo(x!, [])],
      ([x]) => [
        { shape: [3, 1], data: reduceRef(x!, [0, 2], true, 'sum').data },
        reduceRef(x!, [0, 1], false, 'sum'),
        reduceRef(x!, [1], true, 'sum'),
        reduceRef(x!, [0, 1, 2], false, 'sum'),
      ],
    );
    await assertGrad([{ shape: [2, 3, 4] }], ([x]) => sumTo(x!, [3, 1]));
  });

  it('constantFilled and scalarLike make constants of the requested dtype', async () => {
    await checkForward(
      [{ shape: [2] }],
      ([x]) => [add(x!, scalarLike(x!, 2.5)), constantFilled(x!, x!.dtype, [2, 2], -1)],
      ([x]) => [map([x!], (v) => v + 2.5), { shape: [2, 2], data: [-1, -1, -1, -1] }],
    );
    const g = new Graph();
    const x = g.input('x', 'float32', [1]);
    assert.equal(constantFilled(x, 'int64', [3], 7).dtype, 'int64');
    assert.equal(scalarLike(x, 1).dtype, 'float32');
  });
});

interface UnaryCase {
  name: string;
  op: (x: Tensor) => Tensor;
  ref: (x: number) => number;
  lo?: number;
  hi?: number;
}

const unaries: UnaryCase[] = [
  { name: 'neg', op: neg, ref: (x) => -x },
  { name: 'abs', op: abs, ref: Math.abs },
  { name: 'sign', op: sign, ref: Math.sign },
  { name: 'exp', op: exp, ref: Math.exp, lo: -2, hi: 2 },
  { name: 'log', op: log, ref: Math.log, lo: 0.1, hi: 3 },
  { name: 'sqrt', op: sqrt, ref: Math.sqrt, lo: 0.1, hi: 3 },
  { name: 'tanh', op: tanh, ref: Math.tanh, lo: -3, hi: 3 },
  { name: 'sigmoid', op: sigmoid, ref: (x) => 1 / (1 + Math.exp(-x)), lo: -4, hi: 4 },
  { name: 'relu', op: relu, ref: (x) => Math.max(x, 0) },
  { name: 'erf', op: erf, ref: erfRef, lo: -3.5, hi: 3.5 },
  { name: 'gelu', op: gelu, ref: geluRef, lo: -4, hi: 4 },
];

describe('unary elementwise ops', () => {
  for (const c of unaries) {
    it(`${c.name}: forward matches the reference and gradients match finite differences`, async () => {
      await checkForward(
        [{ shape: [3, 7], lo: c.lo ?? -2, hi: c.hi ?? 2 }],
        ([x]) => c.op(x!),
        ([x]) => map([x!], c.ref),
        { label: c.name },
      );
      // kinks (abs, relu, sign at 0) are avoided by the seeded values; all are at least 1e-3 away from 0
      const values = randomIn([3, 4], 5, (v) => (c.lo ?? -2) + ((v + 1) / 2) * ((c.hi ?? 2) - (c.lo ?? -2)));
      assert.ok(values.every((v) => Math.abs(v) > 1e-3));
      await assertGrad([{ shape: [3, 4], values }], ([x]) => c.op(x!));
    });
  }

  it('erf and gelu saturate correctly far out (float64 clamps the quadrature at |x| = 6)', async () => {
    const xs = [-9, -6.5, -4.2, 4.2, 6.5, 9, 0, 1e-3];
    await checkForward(
      [{ shape: [8], values: xs }],
      ([x]) => [erf(x!), gelu(x!)],
      ([x]) => [map([x!], erfRef), map([x!], geluRef)],
    );
  });
});

describe('comparisons, logical ops and where', () => {
  const a = [0.5, -1, 2, 0.25, 3, -2];
  const b = [0.5, 1, -2, 0.25, 3.5, -3];
  const cmp: Array<[string, Bin, (p: number, q: number) => boolean]> = [
    ['equal', equal, (p, q) => p === q],
    ['less', less, (p, q) => p < q],
    ['greater', greater, (p, q) => p > q],
    ['lessOrEqual', lessOrEqual, (p, q) => p <= q],
    ['greaterOrEqual', greaterOrEqual, (p, q) => p >= q],
  ];
  it('comparisons give bool tensors with broadcasting, ties included', async () => {
    for (const [name, op, ref] of cmp) {
      await checkForward(
        [
          { shape: [2, 3], values: a },
          { shape: [3], values: b.slice(0, 3) },
        ],
        ([x, y]) => {
          const r = op(x!, y!);
          assert.equal(r.dtype, 'bool');
          return r;
        },
        ([x, y]) => map([x!, y!], (p, q) => (ref(p, q) ? 1 : 0)),
        { label: name },
      );
    }
  });

  it('logicalAnd / logicalOr / logicalNot', async () => {
    const p = [1, 1, 0, 0];
    const q = [1, 0, 1, 0];
    await checkForward(
      [
        { shape: [4], values: p, dtype: 'bool' },
        { shape: [2, 4], values: [...q, ...p], dtype: 'bool' },
      ],
      ([x, y]) => [logicalAnd(x!, y!), logicalOr(x!, y!), logicalNot(x!)],
      ([x, y]) => [
        map([x!, y!], (u, v) => (u && v ? 1 : 0)),
        map([x!, y!], (u, v) => (u || v ? 1 : 0)),
        map([x!], (u) => (u ? 0 : 1)),
      ],
    );
  });

  it('where: forward with three-way broadcasting; gradients go to the chosen branch only', async () => {
    const cond = [1, 0, 0, 1, 1, 0];
    await checkForward(
      [{ shape: [2, 3], values: cond, dtype: 'bool' }, { shape: [3] }, { shape: [2, 1] }],
      ([c, x, y]) => where(c!, x!, y!),
      ([c, x, y]) => map([c!, x!, y!], (u, v, w) => (u ? v : w)),
    );
    await assertGrad(
      [{ shape: [2, 3], fixed: boolHost([2, 3], cond) }, { shape: [3] }, { shape: [2, 1] }],
      ([c, x, y]) => where(c!, x!, y!),
    );
    // both branches from the same tensor (fan-out through where)
    await assertGrad([{ shape: [2, 3], fixed: boolHost([2, 3], cond) }, { shape: [2, 3] }], ([c, x]) =>
      where(c!, mul(x!, x!), mulScalar(x!, 3)),
    );
  });
});

describe('cast and stopGradient', () => {
  it('cast converts float → int64 (truncation) / bool / the other float type', async () => {
    await checkForward(
      [{ shape: [5], values: [1.75, -1.75, 0, 2.5, -0.5] }],
      ([x]) => {
        const i = cast(x!, 'int64');
        assert.equal(i.dtype, 'int64');
        return [i, cast(x!, 'bool'), cast(x!, x!.dtype === 'float32' ? 'float64' : 'float32')];
      },
      ([x]) => [map([x!], Math.trunc), map([x!], (v) => (v !== 0 ? 1 : 0)), x!],
    );
  });

  it('cast passes the gradient between float types and none through int64', async () => {
    const g = new Graph();
    const x = g.input('x', 'float64', [3]);
    const through = reduceSum(mul(cast(x, 'float32'), cast(x, 'float32')));
    const [gx] = grad(cast(through, 'float64'), [x]);
    assert.equal(gx!.dtype, 'float64');
    const viaInt = reduceSum(cast(cast(x, 'int64'), 'float64'));
    const [gi] = grad(add(viaInt, reduceSum(x)), [x]);
    const out = await (await compile({ gx: gx!, gi: gi! })).run({ x: Float64Array.of(0.5, -1.5, 2) });
    assert.deepEqual(toNumbers(out.gx!), [1, -3, 4]);
    assert.deepEqual(toNumbers(out.gi!), [1, 1, 1]);
  });

  it('stopGradient is the identity forward and blocks the gradient', async () => {
    await checkForward(
      [{ shape: [2, 2] }],
      ([x]) => stopGradient(x!),
      ([x]) => x!,
    );
    const g = new Graph();
    const x = g.input('x', 'float64', [3]);
    const [gx] = grad(reduceSum(mul(x, stopGradient(x))), [x]); // d/dx x·sg(x) = sg(x)
    const out = await (await compile({ gx: gx! })).run({ x: Float64Array.of(0.5, -1.5, 2) });
    assert.deepEqual(toNumbers(out.gx!), [0.5, -1.5, 2]);
  });
});

/** Seeded values in [-1, 1] mapped through `f`, at least 1e-3 away from 0 before mapping. */
function randomIn(shape: number[], seed: number, f: (v: number) => number): number[] {
  const n = shape.reduce((p, q) => p * q, 1);
  let s = seed;
  const out: number[] = [];
  while (out.length < n) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const v = (s / 2 ** 32) * 2 - 1;
    if (Math.abs(v) > 5e-2) out.push(f(v));
  }
  return out;
}
