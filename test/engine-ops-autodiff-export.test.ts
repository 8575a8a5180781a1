// Autodiff properties (what gets gradients, what does not) and ONNX export run by a plain onnxruntime session.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import onnxProto from 'onnx-proto';
import ort from 'onnxruntime-node';
import {
  add,
  cast,
  compile,
  emitOnnx,
  Graph,
  gather,
  gelu,
  grad,
  layerNorm,
  linear,
  mul,
  mulScalar,
  OPSET,
  reduceSum,
  ShapeError,
  softmax,
  stopGradient,
  type Tensor,
  tanh,
  toNumbers,
} from '../src/graph/index.js';
import { apply1, type OpDef } from '../src/graph/op.js';
import { assertClose, randomValues } from './support/opHarness.js';

const f64 = (...v: number[]) => Float64Array.from(v);

describe('autodiff properties', () => {
  it('returns gradients only for the requested tensors; the program needs only what they depend on', async () => {
    const g = new Graph();
    const x = g.input('x', 'float64', [2, 3]);
    const w = g.param('w', [2, 3], 'float64');
    const b = g.param('b', [3], 'float64');
    const loss = reduceSum(add(mul(x, w), b));
    const grads = grad(loss, [w]);
    assert.equal(grads.length, 1);
    const exe = await compile({ gw: grads[0]! });
    assert.deepEqual(
      exe.inputs.map((s) => s.name),
      ['x'],
      'dL/dw = x needs neither w nor b',
    );
    const out = await exe.run({ x: f64(1, 2, 3, 4, 5, 6) });
    assert.deepEqual(toNumbers(out.gw!), [1, 2, 3, 4, 5, 6]);
  });

  it('a parameter the loss does not depend on gets zeros of its shape and dtype', async () => {
    const g = new Graph();
    const x = g.param('x', [3], 'float64');
    const unused = g.param('unused', [2, 2], 'float64');
    const [gx, gu] = grad(reduceSum(mul(x, x)), [x, unused]);
    assert.deepEqual([...gu!.shape], [2, 2]);
    assert.equal(gu!.dtype, 'float64');
    const out = await (await compile({ gx: gx!, gu: gu! })).run({ x: f64(1, -2, 3) });
    assert.deepEqual(toNumbers(out.gx!), [2, -4, 6]);
    assert.deepEqual(toNumbers(out.gu!), [0, 0, 0, 0]);
  });

  it('stopGradient: no gradient through that path, the other paths still count', async () => {
    const g = new Graph();
    const w = g.param('w', [3], 'float64');
    const frozen = stopGradient(tanh(w));
    const [onlyStopped] = grad(reduceSum(mul(frozen, frozen)), [w]);
    const [mixed] = grad(reduceSum(add(mul(frozen, w), w)), [w]); // d/dw = tanh(w) + 1
    const out = await (await compile({ a: onlyStopped!, b: mixed! })).run({ w: f64(0.5, -1, 2) });
    assert.deepEqual(toNumbers(out.a!), [0, 0, 0]);
    assertClose(
      { shape: [3], data: toNumbers(out.b!) },
      { shape: [3], data: [0.5, -1, 2].map((v) => Math.tanh(v) + 1) },
      1e-15,
    );
  });

  it('int64 and bool inputs never get gradients (zeros of their own dtype), floats next to them do', async () => {
    const g = new Graph();
    const w = g.param('w', [4, 2], 'float64');
    const idx = g.input('idx', 'int64', [3]);
    const mask = g.input('mask', 'bool', [3, 2]);
    const picked = gather(w, idx, 0);
    const loss = reduceSum(mul(mul(picked, picked), cast(mask, 'float64')));
    const [gw, gi, gm] = grad(loss, [w, idx, mask]);
    assert.equal(gi!.dtype, 'int64');
    assert.equal(gm!.dtype, 'bool');
    const out = await (await compile({ gw: gw!, gi: gi!, gm: gm! })).run({
      w: f64(1, 2, 3, 4, 5, 6, 7, 8),
      idx: BigInt64Array.of(1n, 1n, 3n),
      mask: Uint8Array.of(1, 0, 1, 1, 0, 1),
    });
    // L = Σ m·w[idx]², rows 1 (twice) and 3: dL/dw = 2·w·(Σ of masks landing there)
    assert.deepEqual(toNumbers(out.gw!), [0, 0, 12, 8, 0, 0, 0, 16]);
    assert.deepEqual(toNumbers(out.gi!), [0, 0, 0]);
    assert.deepEqual(toNumbers(out.gm!), [0, 0, 0, 0, 0, 0]);
  });

  it('gradient w.r.t. an intermediate tensor, and a second derivative (gradient rules are traced ops)', async () => {
    const g = new Graph();
    const x = g.param('x', [3], 'float64');
    const h = mulScalar(x, 2);
    const [gh] = grad(reduceSum(mul(h, mul(h, h))), [h]); // 3h²
    const [gx] = grad(reduceSum(mul(x, mul(x, x))), [x]); // 3x²
    const [gxx] = grad(reduceSum(gx!), [x]); // 6x
    const out = await (await compile({ gh: gh!, gxx: gxx! })).run({ x: f64(1, -2, 0.5) });
    assert.deepEqual(toNumbers(out.gh!), [12, 48, 3]);
    assert.deepEqual(toNumbers(out.gxx!), [6, -12, 3]);
  });

  it('a non-scalar loss needs a seed (vector–Jacobian product); without one the error says so', async () => {
    const g = new Graph();
    const x = g.param('x', [2, 2], 'float64');
    const y = mul(x, x);
    assert.throws(
      () => grad(y, [x]),
      (e: unknown) =>
        e instanceof ShapeError && /loss must be a scalar, got shape \[2,2\].*seed/.test(e.message),
    );
    const [gx] = grad(y, [x], g.constant(f64(1, 0, 2, -1), [2, 2]));
    const out = await (await compile({ gx: gx! })).run({ x: f64(1, 2, 3, 4) });
    assert.deepEqual(toNumbers(out.gx!), [2, 0, 12, -8]);
    assert.throws(() => grad(cast(reduceSum(x), 'int64'), [x]), /loss must be a float tensor/);
  });

  it('an op without a gradient rule between the parameters and the loss is reported', () => {
    const NoGrad: OpDef<null> = {
      name: 'opaque',
      infer: ([t]) => [{ dtype: t!.dtype, shape: t!.shape }],
      lower: (n, em) => em.node('Identity', [em.name(n.inputs[0]!)], [em.name(n.outputs[0]!)]),
    };
    const g = new Graph();
    const x = g.param('x', [2], 'float64');
    assert.throws(() => grad(reduceSum(apply1(NoGrad, [x], null)), [x]), /opaque: has no gradient rule/);
  });
});

describe('ONNX export', () => {
  /** A small block: layerNorm → linear → gelu → softmax, with parameters. */
  function block(g: Graph): { x: Tensor; params: Record<string, Tensor>; y: Tensor } {
    const x = g.input('x', 'float32', [2, 3, 4]);
    const params = {
      lnW: g.param('lnW', [4]),
      lnB: g.param('lnB', [4]),
      fcW: g.param('fcW', [5, 4]),
      fcB: g.param('fcB', [5]),
    };
    const y = softmax(gelu(linear(layerNorm(x, params.lnW, params.lnB, 1e-6), params.fcW, params.fcB)), -1);
    return { x, params, y };
  }

  const values = (t: Tensor, seed: number) => Float32Array.from(randomValues(t.size, seed));

  it('with initializers, a fresh onnxruntime session runs it from the non-initializer inputs alone', async () => {
    const g = new Graph();
    const { x, params, y } = block(g);
    const init = Object.fromEntries(Object.entries(params).map(([k, t], i) => [k, values(t, 10 + i)]));
    const xv = values(x, 3);

    const engine = await (await compile({ y })).run({ ...init, x: xv });
    const model = emitOnnx({ y }, { initializers: init });
    assert.deepEqual(
      model.inputs.map((s) => s.name),
      ['x'],
    );

    const session = await ort.InferenceSession.create(model.bytes);
    assert.deepEqual([...session.inputNames], ['x']);
    const res = await session.run({ x: new ort.Tensor('float32', xv, [2, 3, 4]) });
    assert.deepEqual([...res.y!.dims], [2, 3, 5]);
    // same kernels, but thread partitioning may differ between sessions: compare to float32 rounding
    const fromOrt = { shape: [2, 3, 5], data: Array.from(res.y!.data as Float32Array) };
    assertClose(fromOrt, { shape: [2, 3, 5], data: toNumbers(engine.y!) }, 1e-6, 'exported y');

    const decoded = onnxProto.onnx.ModelProto.decode(model.bytes);
    assert.equal(Number(decoded.opsetImport[0]!.version), OPSET);
    const initNames = new Set(decoded.graph!.initializer!.map((t) => t.name));
    for (const k of Object.keys(params)) assert.ok(initNames.has(k), `initializer ${k}`);
  });

  it('outputs that are graph inputs, constants, or requested twice get Identity nodes and still run', async () => {
    const g = new Graph();
    const { x, params, y } = block(g);
    const c = g.constant(Float32Array.of(1, 2), [2]);
    const init = Object.fromEntries(Object.entries(params).map(([k, t], i) => [k, values(t, 20 + i)]));
    const outputs = { y, again: y, xOut: x, weight: params.fcW, c };
    const model = emitOnnx(outputs, { initializers: init });
    const decoded = onnxProto.onnx.ModelProto.decode(model.bytes);
    const identities = decoded.graph!.node!.filter((n) => n.opType === 'Identity').map((n) => n.output![0]);
    assert.deepEqual(identities.sort(), ['again', 'c', 'weight', 'xOut']);

    const xv = values(x, 4);
    const session = await ort.InferenceSession.create(model.bytes);
    const res = await session.run({ x: new ort.Tensor('float32', xv, [2, 3, 4]) });
    assert.deepEqual(Array.from(res.again!.data as Float32Array), Array.from(res.y!.data as Float32Array));
    assert.deepEqual(Array.from(res.xOut!.data as Float32Array), Array.from(xv));
    assert.deepEqual(Array.from(res.weight!.data as Float32Array), Array.from(init.fcW!));
    assert.deepEqual(Array.from(res.c!.data as Float32Array), [1, 2]);

    // the engine's own runner gives the same (training-style: parameters fed as inputs)
    const engine = await (await compile(outputs)).run({ ...init, x: xv });
    const fromOrt = { shape: [2, 3, 5], data: Array.from(res.y!.data as Float32Array) };
    assertClose(fromOrt, { shape: [2, 3, 5], data: toNumbers(engine.y!) }, 1e-6, 'exported y');
    assert.deepEqual(toNumbers(engine.xOut!), Array.from(xv));
  });

  it('an initializer of the wrong size is refused', () => {
    const g = new Graph();
    const { y } = block(g);
    assert.throws(
      () => emitOnnx({ y }, { initializers: { fcB: new Float32Array(4) } }),
      /fcB.*4 values.*\[5\]/,
    );
  });
});
