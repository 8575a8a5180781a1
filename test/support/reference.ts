// Direct JavaScript reference implementations of the engine's ops, in float64, on dense row-major arrays.

export interface Nd {
  shape: number[];
  data: number[];
}

export const nd = (shape: number[], data: number[]): Nd => {
  if (data.length !== numel(shape)) throw new Error(`nd: ${data.length} values for shape [${shape}]`);
  return { shape: [...shape], data: [...data] };
};

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

/** Multi-index of flat offset `k` in `shape`. */
export function unravel(k: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    idx[i] = k % shape[i]!;
    k = Math.floor(k / shape[i]!);
  }
  return idx;
}

export function ravel(idx: readonly number[], shape: readonly number[]): number {
  let k = 0;
  for (let i = 0; i < shape.length; i++) k = k * shape[i]! + idx[i]!;
  return k;
}

export function broadcastShape(...shapes: number[][]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const v = s[s.length - rank + i] ?? 1;
      if (v !== 1) {
        if (d !== 1 && d !== v) throw new Error(`reference: cannot broadcast [${shapes.join('] [')}]`);
        d = v;
      }
    }
    out.push(d);
  }
  return out;
}

/** Value of `x` at output multi-index `idx` under numpy broadcasting. */
function at(x: Nd, idx: readonly number[]): number {
  const lead = idx.length - x.shape.length;
  let k = 0;
  for (let i = 0; i < x.shape.length; i++) k = k * x.shape[i]! + (x.shape[i] === 1 ? 0 : idx[lead + i]!);
  return x.data[k]!;
}

export function map(xs: Nd[], f: (...v: number[]) => number): Nd {
  const shape = broadcastShape(...xs.map((x) => x.shape));
  const data = Array.from({ length: numel(shape) }, (_, k) => {
    const idx = unravel(k, shape);
    return f(...xs.map((x) => at(x, idx)));
  });
  return { shape, data };
}

export const expandRef = (x: Nd, shape: number[]): Nd =>
  map([x, { shape, data: new Array(numel(shape)).fill(0) }], (a) => a);

export function transposeRef(x: Nd, perm: readonly number[]): Nd {
  const shape = perm.map((p) => x.shape[p]!);
  const data = Array.from({ length: x.data.length }, (_, k) => {
    const idx = unravel(k, shape);
    const src = new Array<number>(perm.length);
    perm.forEach((p, i) => {
      src[p] = idx[i]!;
    });
    return x.data[ravel(src, x.shape)]!;
  });
  return { shape, data };
}

export function reduceRef(
  x: Nd,
  axes: readonly number[],
  keepdims: boolean,
  kind: 'sum' | 'mean' | 'max',
): Nd {
  const ax = axes.map((a) => (a < 0 ? a + x.shape.length : a));
  const kept = x.shape.map((d, i) => (ax.includes(i) ? 1 : d));
  const acc = new Array<number>(numel(kept)).fill(kind === 'max' ? -Infinity : 0);
  x.data.forEach((v, k) => {
    const idx = unravel(k, x.shape).map((j, i) => (ax.includes(i) ? 0 : j));
    const o = ravel(idx, kept);
    acc[o] = kind === 'max' ? Math.max(acc[o]!, v) : acc[o]! + v;
  });
  const count = ax.reduce((c, a) => c * x.shape[a]!, 1);
  const data = kind === 'mean' ? acc.map((v) => v / count) : acc;
  const shape = keepdims ? kept : x.shape.filter((_, i) => !ax.includes(i));
  return { shape, data };
}

/** Batched matmul with numpy broadcasting of the leading dims. */
export function matmulRef(a: Nd, b: Nd): Nd {
  const [m, k] = a.shape.slice(-2) as [number, number];
  const n = b.shape[b.shape.length - 1]!;
  const batch = broadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const shape = [...batch, m, n];
  const data = Array.from({ length: numel(shape) }, (_, o) => {
    const idx = unravel(o, shape);
    const bi = idx.slice(0, -2);
    const [i, j] = idx.slice(-2) as [number, number];
    let s = 0;
    for (let q = 0; q < k; q++) s += at(a, [...bi, i, q]) * at(b, [...bi, q, j]);
    return s;
  });
  return { shape, data };
}

export function gemmRef(a: Nd, b: Nd, transA: boolean, transB: boolean, c?: Nd): Nd {
  const y = matmulRef(transA ? transposeRef(a, [1, 0]) : a, transB ? transposeRef(b, [1, 0]) : b);
  return c ? map([y, c], (p, q) => p + q) : y;
}

/** y = x·Wᵀ + b over the last axis. */
export function linearRef(x: Nd, w: Nd, b?: Nd): Nd {
  const y = matmulRef(x, transposeRef(w, [1, 0]));
  return b ? map([y, b], (p, q) => p + q) : y;
}

/** Applies `f` to every 1-D lane along `axis`. */
export function alongAxis(x: Nd, axis: number, f: (lane: number[]) => number[]): Nd {
  const ax = axis < 0 ? axis + x.shape.length : axis;
  const out = new Array<number>(x.data.length);
  const st = strides(x.shape)[ax]!;
  const n = x.shape[ax]!;
  for (let k = 0; k < x.data.length; k++) {
    if (unravel(k, x.shape)[ax] !== 0) continue;
    const lane = Array.from({ length: n }, (_, j) => x.data[k + j * st]!);
    f(lane).forEach((v, j) => {
      out[k + j * st] = v;
    });
  }
  return { shape: [...x.shape], data: out };
}

export function softmaxRef(x: Nd, axis: number): Nd {
  return alongAxis(x, axis, (lane) => {
    const m = Math.max(...lane);
    const e = lane.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  });
}

export function logSoftmaxRef(x: Nd, axis: number): Nd {
  return alongAxis(x, axis, (lane) => {
    const m = Math.max(...lane);
    const lse = m + Math.log(lane.reduce((a, v) => a + Math.exp(v - m), 0));
    return lane.map((v) => v - lse);
  });
}

export function layerNormRef(x: Nd, w: number[], b: number[], eps: number): Nd {
  return alongAxis(x, -1, (lane) => {
    const mean = lane.reduce((a, v) => a + v, 0) / lane.length;
    const variance = lane.reduce((a, v) => a + (v - mean) ** 2, 0) / lane.length;
    const inv = 1 / Math.sqrt(variance + eps);
    return lane.map((v, j) => (v - mean) * inv * w[j]! + b[j]!);
  });
}

/** erf by its Maclaurin series (|x| ≤ 3) and the continued fraction of erfc beyond. */
export function erfRef(x: number): number {
  const ax = Math.abs(x);
  if (ax <= 3) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(x) = exp(-x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...))))
  let f = ax;
  for (let k = 60; k >= 1; k--) f = ax + k / 2 / f;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

export const geluRef = (x: number): number => 0.5 * x * (1 + erfRef(x / Math.SQRT2));

export function concatRef(xs: Nd[], axis: number): Nd {
  const ax = axis < 0 ? axis + xs[0]!.shape.length : axis;
  const shape = [...xs[0]!.shape];
  shape[ax] = xs.reduce((a, x) => a + x.shape[ax]!, 0);
  const data = Array.from({ length: numel(shape) }, (_, k) => {
    const idx = unravel(k, shape);
    let j = idx[ax]!;
    for (const x of xs) {
      if (j < x.shape[ax]!) {
        idx[ax] = j;
        return x.data[ravel(idx, x.shape)]!;
      }
      j -= x.shape[ax]!;
    }
    throw new Error('unreachable');
  });
  return { shape, data };
}

/** x[start:end] along `axis`, with Python index semantics. */
export function sliceRef(x: Nd, axis: number, start: number, end?: number): Nd {
  const ax = axis < 0 ? axis + x.shape.length : axis;
  const dim = x.shape[ax]!;
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + dim : v, 0), dim);
  const s = clamp(start);
  const e = Math.max(clamp(end ?? dim), s);
  const shape = [...x.shape];
  shape[ax] = e - s;
  const data = Array.from({ length: numel(shape) }, (_, k) => {
    const idx = unravel(k, shape);
    idx[ax] = idx[ax]! + s;
    return x.data[ravel(idx, x.shape)]!;
  });
  return { shape, data };
}

export function padRef(x: Nd, before: number[], after: number[]): Nd {
  const shape = x.shape.map((d, i) => d + before[i]! + after[i]!);
  const data = Array.from({ length: numel(shape) }, (_, k) => {
    const idx = unravel(k, shape).map((j, i) => j - before[i]!);
    return idx.every((j, i) => j >= 0 && j < x.shape[i]!) ? x.data[ravel(idx, x.shape)]! : 0;
  });
  return { shape, data };
}

/** numpy.take(x, idx, axis). */
export function gatherRef(x: Nd, idx: Nd, axis: number): Nd {
  const ax = axis < 0 ? axis + x.shape.length : axis;
  const shape = [...x.shape.slice(0, ax), ...idx.shape, ...x.shape.slice(ax + 1)];
  const data = Array.from({ length: numel(shape) }, (_, k) => {
    const o = unravel(k, shape);
    const ii = o.slice(ax, ax + idx.shape.length);
    let j = idx.data[ravel(ii, idx.shape)]!;
    if (j < 0) j += x.shape[ax]!;
    const src = [...o.slice(0, ax), j, ...o.slice(ax + idx.shape.length)];
    return x.data[ravel(src, x.shape)]!;
  });
  return { shape, data };
}

/** torch.gather(x, axis, idx). */
export function gatherElementsRef(x: Nd, idx: Nd, axis: number): Nd {
  const ax = axis < 0 ? axis + x.shape.length : axis;
  const data = idx.data.map((j, k) => {
    const o = unravel(k, idx.shape);
    o[ax] = j < 0 ? j + x.shape[ax]! : j;
    return x.data[ravel(o, x.shape)]!;
  });
  return { shape: [...idx.shape], data };
}

/** zeros(shape) with updates added at idx along `axis` (scatter_add). */
export function scatterElementsAddRef(shape: number[], idx: Nd, upd: Nd, axis: number): Nd {
  const data = new Array<number>(numel(shape)).fill(0);
  idx.data.forEach((j, k) => {
    const o = unravel(k, idx.shape);
    o[axis] = j;
    data[ravel(o, shape)]! += upd.data[k]!;
  });
  return { shape, data };
}

/** zeros(shape) with updates added at the index tuples in the last axis of idx (ScatterND, add). */
export function scatterNDAddRef(shape: number[], idx: Nd, upd: Nd): Nd {
  const q = idx.shape[idx.shape.length - 1]!;
  const inner = numel(shape.slice(q));
  const data = new Array<number>(numel(shape)).fill(0);
  const rows = idx.data.length / q;
  for (let r = 0; r < rows; r++) {
    const base = ravel(idx.data.slice(r * q, r * q + q), shape.slice(0, q)) * inner;
    for (let j = 0; j < inner; j++) data[base + j]! += upd.data[r * inner + j]!;
  }
  return { shape, data };
}

/** Conv2d with kernel = stride = p and no padding, computed directly as a sum over each patch. */
export function patchConvRef(x: Nd, w: Nd, b: number[] | undefined, p: number): Nd {
  const [bs, c, h, wd] = x.shape as [number, number, number, number];
  const d = w.shape[0]!;
  const shape = [bs, d, h / p, wd / p];
  const data = Array.from({ length: numel(shape) }, (_, k) => {
    const [n, o, gy, gx] = unravel(k, shape) as [number, number, number, number];
    let s = b ? b[o]! : 0;
    for (let ci = 0; ci < c; ci++)
      for (let ky = 0; ky < p; ky++)
        for (let kx = 0; kx < p; kx++)
          s +=
            x.data[ravel([n, ci, gy * p + ky, gx * p + kx], x.shape)]! *
            w.data[ravel([o, ci, ky, kx], w.shape)]!;
    return s;
  });
  return { shape, data };
}
