// Runs small traced graphs in float32 and float64 and compares them with the reference implementations.
import assert from 'node:assert/strict';
import {
  compile,
  type DType,
  Graph,
  grad,
  type HostData,
  type HostTensor,
  mul,
  reduceSum,
  type Tensor,
} from '../../src/graph/index.js';
import { type GradCheckInput, gradCheck } from './gradcheck.js';
import { type Nd, numel } from './reference.js';

export type FloatDType = 'float32' | 'float64';
export const FLOAT_DTYPES: readonly FloatDType[] = ['float32', 'float64'];

/** Forward tolerances: |actual − reference| ≤ tol · max(1, |reference|). */
export const TOL: Record<FloatDType, number> = { float32: 1e-5, float64: 1e-12 };
/** Gradient check bound (gradcheck's relative error). */
export const GRAD_TOL = 1e-6;

export interface InputSpec {
  shape: number[];
  /** values; seeded uniform in [lo, hi] (rounded to float32, so both dtypes see the same numbers) when omitted */
  values?: number[];
  /** int64 / bool inputs keep their dtype; float inputs ('float', the default) follow the graph's dtype */
  dtype?: 'float' | 'int64' | 'bool';
  lo?: number;
  hi?: number;
}

export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Seeded values uniform in [lo, hi], rounded to float32. */
export function randomValues(n: number, seed: number, lo = -1, hi = 1): number[] {
  const r = seeded(seed);
  return Array.from({ length: n }, () => Math.fround(lo + (hi - lo) * r()));
}

export function toHost(dtype: DType, values: readonly number[]): HostData {
  switch (dtype) {
    case 'float32':
      return Float32Array.from(values);
    case 'float64':
      return Float64Array.from(values);
    case 'int64':
      return BigInt64Array.from(values.map((v) => BigInt(v)));
    case 'bool':
      return Uint8Array.from(values.map((v) => (v ? 1 : 0)));
    case 'int8':
      return Int8Array.from(values);
  }
}

export function hostOf(dtype: DType, shape: number[], values: readonly number[]): HostTensor {
  return { dtype, shape: [...shape], data: toHost(dtype, values) };
}

export function ndOf(t: HostTensor): Nd {
  const data = t.data instanceof BigInt64Array ? Array.from(t.data, Number) : Array.from(t.data);
  return { shape: [...t.shape], data };
}

/** Concrete values of each spec (deterministic per position in the list). */
export function specValues(specs: readonly InputSpec[], seed = 1): Nd[] {
  return specs.map((s, i) => ({
    shape: [...s.shape],
    data: s.values ? [...s.values] : randomValues(numel(s.shape), seed * 1000 + i, s.lo ?? -1, s.hi ?? 1),
  }));
}

/** Builds `f` on inputs x0, x1, ... of `dtype`, runs it on `values`, returns the outputs. */
export async function evalOps(
  dtype: FloatDType,
  specs: readonly InputSpec[],
  values: readonly Nd[],
  f: (xs: Tensor[]) => Tensor | Tensor[],
): Promise<Nd[]> {
  const g = new Graph();
  const dts = specs.map((s) => (s.dtype === undefined || s.dtype === 'float' ? dtype : s.dtype));
  const xs = specs.map((s, i) => g.input(`x${i}`, dts[i]!, s.shape));
  const ys = [f(xs)].flat();
  const exe = await compile(Object.fromEntries(ys.map((y, i) => [`y${i}`, y])));
  const feeds: Record<string, HostData> = {};
  for (const spec of exe.inputs) {
    const i = Number(spec.name.slice(1));
    feeds[spec.name] = toHost(dts[i]!, values[i]!.data);
  }
  const out = await exe.run(feeds);
  return ys.map((y, i) => {
    const r = ndOf(out[`y${i}`]!);
    assert.deepEqual(r.shape, [...y.shape], `traced shape of output ${i} disagrees with onnxruntime's`);
    return r;
  });
}

/** Reverse-mode gradients of weightedSum(f(xs)) w.r.t. every float input, in `dtype`. */
export async function gradsOf(
  dtype: FloatDType,
  specs: readonly InputSpec[],
  values: readonly Nd[],
  f: (xs: Tensor[]) => Tensor,
): Promise<Nd[]> {
  const g = new Graph();
  const dts = specs.map((s) => (s.dtype === undefined || s.dtype === 'float' ? dtype : s.dtype));
  const xs = specs.map((s, i) => g.input(`x${i}`, dts[i]!, s.shape));
  const wrt = xs.filter((x) => x.dtype === dtype);
  const gs = grad(weightedSum(f(xs)), wrt);
  const exe = await compile(Object.fromEntries(gs.map((t, i) => [`g${i}`, t])));
  const feeds: Record<string, HostData> = {};
  for (const spec of exe.inputs) {
    const i = Number(spec.name.slice(1));
    feeds[spec.name] = toHost(dts[i]!, values[i]!.data);
  }
  const out = await exe.run(feeds);
  return gs.map((_, i) => ndOf(out[`g${i}`]!));
}

/**
 * The float32 program (which may use kernels the float64 one does not: Conv, LayerNormalization, Erf, fusions)
 * gives the gradients of the float64 program, within float32 accuracy.
 */
export async function assertFloat32GradsMatch(
  specs: readonly InputSpec[],
  f: (xs: Tensor[]) => Tensor,
  tol = 1e-4,
): Promise<void> {
  const values = specValues(specs, 3);
  const g64 = await gradsOf('float64', specs, values, f);
  const g32 = await gradsOf('float32', specs, values, f);
  g32.forEach((g, i) => {
    assertClose(g, g64[i]!, tol, `float32 gradient of input ${i}`);
  });
}

export function assertClose(actual: Nd, expected: Nd, tol: number, label = ''): void {
  assert.deepEqual(actual.shape, expected.shape, `${label}: shape`);
  let worst = 0;
  let at = -1;
  actual.data.forEach((a, k) => {
    const e = expected.data[k]!;
    const err = Math.abs(a - e) / Math.max(1, Math.abs(e));
    if (!(err <= worst)) {
      worst = err;
      at = k;
    }
  });
  assert.ok(
    worst <= tol,
    `${label}: element ${at} is ${actual.data[at]}, expected ${expected.data[at]} (error ${worst} > ${tol})`,
  );
}

/** Checks `f` against `ref` in float32 and float64 on the same (float32-representable) inputs. */
export async function checkForward(
  specs: readonly InputSpec[],
  f: (xs: Tensor[]) => Tensor | Tensor[],
  ref: (xs: Nd[]) => Nd | Nd[],
  opts: { seed?: number; tol?: Partial<Record<FloatDType, number>>; label?: string } = {},
): Promise<void> {
  const values = specValues(specs, opts.seed);
  const expected = [ref(values)].flat();
  for (const dtype of FLOAT_DTYPES) {
    const got = await evalOps(dtype, specs, values, f);
    assert.equal(got.length, expected.length);
    got.forEach((g, i) => {
      const tol = opts.tol?.[dtype] ?? TOL[dtype];
      assertClose(g, expected[i]!, tol, `${opts.label ?? 'forward'} ${dtype} out ${i}`);
    });
  }
}

/**
 * Reduces y to a scalar with fixed, distinct random weights, so a gradient that is right only on average
 * (transposed, permuted, summed to the wrong axis) still fails the check.
 */
export function weightedSum(y: Tensor, seed = 99): Tensor {
  if (y.size === 1) return reduceSum(y);
  const values = randomValues(y.size, seed, 0.5, 1.5);
  const data = y.dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
  return reduceSum(mul(y, y.graph.constant(data, y.shape)));
}

export interface GradSpec {
  shape: number[];
  values?: number[];
  /** a fixed (not differentiated) input: int64 indices, bool masks, float constants */
  fixed?: HostTensor;
}

/** Asserts that reverse-mode gradients of weightedSum(f(xs)) match central differences (float64). */
export async function assertGrad(
  inputs: GradSpec[],
  f: (xs: Tensor[]) => Tensor,
  opts: { seed?: number; tol?: number; h?: number } = {},
): Promise<number> {
  const gin: GradCheckInput[] = inputs.map((s) =>
    s.fixed
      ? { shape: s.shape, fixed: s.fixed }
      : { shape: s.shape, ...(s.values ? { values: s.values } : {}) },
  );
  const err = await gradCheck(gin, (xs) => weightedSum(f(xs)), {
    seed: opts.seed ?? 7,
    ...(opts.h ? { h: opts.h } : {}),
  });
  assert.ok(err < (opts.tol ?? GRAD_TOL), `gradient relative error ${err}`);
  return err;
}

export const int64Host = (shape: number[], values: number[]): HostTensor => hostOf('int64', shape, values);
export const boolHost = (shape: number[], values: number[]): HostTensor => hostOf('bool', shape, values);
export const f64Host = (shape: number[], values: number[]): HostTensor => hostOf('float64', shape, values);
