// Shape manipulation: Reshape, Transpose, Expand, Concat, Slice, Split, Pad.
import { apply, apply1, type OpDef } from '../op.js';
import { broadcastShapes, fmt, normAxis, numel, type Shape, sameShape } from '../shape.js';
import { ShapeError } from '../shapeError.js';
import type { Tensor } from '../tensor.js';
import { sumTo } from './elementwise.js';
import { transposedProduct } from './matmul.js';
import { constantFilled } from './util.js';

export const ReshapeOp: OpDef<{ shape: number[] }> = {
  name: 'reshape',
  infer: ([x], { shape }) => [{ dtype: x!.dtype, shape }],
  lower: (n, em) =>
    em.node('Reshape', [em.name(n.inputs[0]!), em.int64(n.attrs.shape)], [em.name(n.outputs[0]!)]),
  grad: (n, [g]) => [g ? reshape(g, n.inputs[0]!.shape) : null],
};

/** Reshape; one dimension may be -1 (inferred). */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const free = shape.filter((d) => d === -1).length;
  if (free > 1) throw new ShapeError('reshape', `at most one -1 allowed in ${fmt(shape)}`);
  const known = shape.reduce((a, d) => (d === -1 ? a : a * d), 1);
  const resolved = shape.map((d) => (d === -1 ? x.size / known : d));
  if (numel(resolved) !== x.size || resolved.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ShapeError('reshape', `cannot reshape ${fmt(x.shape)} (${x.size} elements) to ${fmt(shape)}`);
  }
  if (sameShape(resolved, x.shape)) return x;
  return apply1(ReshapeOp, [x], { shape: resolved });
}

export const TransposeOp: OpDef<{ perm: number[] }> = {
  name: 'transpose',
  infer: ([x], { perm }) => {
    const sorted = [...perm].sort((a, b) => a - b);
    if (perm.length !== x!.rank || sorted.some((p, i) => p !== i)) throw badPerm(perm, x!);
    return [{ dtype: x!.dtype, shape: perm.map((p) => x!.shape[p]!) }];
  },
  lower: (n, em) =>
    em.node('Transpose', [em.name(n.inputs[0]!)], [em.name(n.outputs[0]!)], { perm: { ints: n.attrs.perm } }),
  grad: (n, [g]) => {
    if (!g) return [null];
    // a product's gradient comes back transposed by swapping its operands, not by a copy (attention's dK)
    const flipped = swapsLastTwo(n.attrs.perm) ? transposedProduct(g) : null;
    if (flipped) return [flipped];
    const inv = new Array<number>(n.attrs.perm.length);
    n.attrs.perm.forEach((p, i) => {
      inv[p] = i;
    });
    return [transpose(g, inv)];
  },
};

/** Transpose; without `perm`, swaps the last two axes. */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  // checked before normalising so an out-of-range entry is reported with the perm and shape, like the others
  if (perm?.some((a) => !Number.isInteger(a) || a < -x.rank || a >= x.rank)) throw badPerm(perm, x);
  const p = perm ? perm.map((a) => normAxis('transpose', a, x.rank)) : swapLastTwo(x.rank);
  if (p.every((a, i) => a === i)) return x;
  return apply1(TransposeOp, [x], { perm: p });
}

function badPerm(perm: readonly number[], x: Tensor): ShapeError {
  return new ShapeError('transpose', `perm ${fmt(perm)} is not a permutation of the axes of ${fmt(x.shape)}`);
}

function swapsLastTwo(perm: readonly number[]): boolean {
  const r = perm.length;
  return (
    r >= 2 && perm[r - 2] === r - 1 && perm[r - 1] === r - 2 && perm.slice(0, -2).every((a, i) => a === i)
  );
}

function swapLastTwo(rank: number): number[] {
  if (rank < 2)
    throw new ShapeError('transpose', `needs rank >= 2 to swap the last two axes, got rank ${rank}`);
  const p = [...Array(rank).keys()];
  [p[rank - 2], p[rank - 1]] = [p[rank - 1]!, p[rank - 2]!];
  return p;
}

export const ExpandOp: OpDef<{ shape: number[] }> = {
  name: 'expand',
  infer: ([x], { shape }) => {
    const out = broadcastShapes('expand', x!.shape, shape);
    if (!sameShape(out, shape))
      throw new ShapeError('expand', `cannot expand ${fmt(x!.shape)} to ${fmt(shape)}`);
    return [{ dtype: x!.dtype, shape }];
  },
  lower: (n, em) =>
    em.node('Expand', [em.name(n.inputs[0]!), em.int64(n.attrs.shape)], [em.name(n.outputs[0]!)]),
  grad: (n, [g]) => [g ? sumTo(g, n.inputs[0]!.shape) : null],
};

export const expand = (x: Tensor, shape: Shape): Tensor =>
  sameShape(x.shape, shape) ? x : apply1(ExpandOp, [x], { shape: [...shape] });

export const ConcatOp: OpDef<{ axis: number }> = {
  name: 'concat',
  infer: (xs, { axis }) => {
    const first = xs[0]!;
    let total = 0;
    for (const t of xs) {
      if (
        t.dtype !== first.dtype ||
        t.rank !== first.rank ||
        t.shape.some((d, i) => i !== axis && d !== first.shape[i])
      ) {
        throw new ShapeError(
          'concat',
          `incompatible inputs along axis ${axis}: ${xs.map((u) => fmt(u.shape)).join(', ')}`,
        );
      }
      total += t.shape[axis]!;
    }
    const shape = [...first.shape];
    shape[axis] = total;
    return [{ dtype: first.dtype, shape }];
  },
  lower: (n, em) =>
    em.node(
      'Concat',
      n.inputs.map((t) => em.name(t)),
      [em.name(n.outputs[0]!)],
      { axis: { i: n.attrs.axis } },
    ),
  grad: (n, [g], needs) => {
    if (!g) return n.inputs.map(() => null);
    const sizes = n.inputs.map((t) => t.shape[n.attrs.axis]!);
    const parts = split(g, n.attrs.axis, sizes);
    return parts.map((p, i) => (needs[i] ? p : null));
  },
};

export function concat(xs: readonly Tensor[], axis: number): Tensor {
  if (xs.length === 0) throw new ShapeError('concat', 'needs at least one input');
  if (xs.length === 1) return xs[0]!;
  return apply1(ConcatOp, xs, { axis: normAxis('concat', axis, xs[0]!.rank) });
}

export const SplitOp: OpDef<{ axis: number; sizes: number[] }> = {
  name: 'split',
  infer: ([x], { axis, sizes }) => {
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total !== x!.shape[axis])
      throw new ShapeError('split', `sizes ${fmt(sizes)} do not add up to dim ${axis} of ${fmt(x!.shape)}`);
    return sizes.map((s) => {
      const shape = [...x!.shape];
      shape[axis] = s;
      return { dtype: x!.dtype, shape };
    });
  },
  lower: (n, em) =>
    em.node(
      'Split',
      [em.name(n.inputs[0]!), em.int64(n.attrs.sizes)],
      n.outputs.map((t) => em.name(t)),
      { axis: { i: n.attrs.axis } },
    ),
  grad: (n, outGrads) => {
    if (outGrads.every((g) => !g)) return [null];
    const parts = outGrads.map(
      (g, i) => g ?? constantFilled(n.outputs[i]!, n.outputs[i]!.dtype, n.outputs[i]!.shape, 0),
    );
    return [concat(parts, n.attrs.axis)];
  },
};

/** Splits along `axis` into pieces of the given sizes. */
export function split(x: Tensor, axis: number, sizes: readonly number[]): Tensor[] {
  const a = normAxis('split', axis, x.rank);
  if (sizes.length === 1 && sizes[0] === x.shape[a]) return [x];
  return apply(SplitOp, [x], { axis: a, sizes: [...sizes] });
}

interface SliceAttrs {
  starts: number[];
  ends: number[];
}

/** Contiguous slice (step 1) with per-axis [start, end) ranges, already clamped and non-negative. */
export const SliceOp: OpDef<SliceAttrs> = {
  name: 'slice',
  infer: ([x], { starts, ends }) => [
    { dtype: x!.dtype, shape: x!.shape.map((_, i) => ends[i]! - starts[i]!) },
  ],
  lower: (n, em) => {
    const axes = n.attrs.starts.map((_, i) => i);
    em.node(
      'Slice',
      [em.name(n.inputs[0]!), em.int64(n.attrs.starts), em.int64(n.attrs.ends), em.int64(axes)],
      [em.name(n.outputs[0]!)],
    );
  },
  grad: (n, [g]) => {
    if (!g) return [null];
    const x = n.inputs[0]!;
    return [
      pad(
        g,
        n.attrs.starts,
        x.shape.map((d, i) => d - n.attrs.ends[i]!),
      ),
    ];
  },
};

/** x[start:end] along one axis (negative indices count from the end, as in Python). */
export function slice(x: Tensor, axis: number, start: number, end?: number): Tensor {
  const a = normAxis('slice', axis, x.rank);
  const dim = x.shape[a]!;
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + dim : v, 0), dim);
  const s = clamp(start);
  const e = Math.max(clamp(end ?? dim), s);
  if (s === 0 && e === dim) return x;
  const starts = x.shape.map(() => 0);
  const ends = [...x.shape];
  starts[a] = s;
  ends[a] = e;
  return apply1(SliceOp, [x], { starts, ends });
}

/** Zero padding: `before[i]` and `after[i]` elements on each side of axis i. */
export const PadOp: OpDef<{ before: number[]; after: number[] }> = {
  name: 'pad',
  infer: ([x], { before, after }) => {
    if (before.length !== x!.rank || after.length !== x!.rank)
      throw new ShapeError('pad', `pads must have one entry per axis of ${fmt(x!.shape)}`);
    return [{ dtype: x!.dtype, shape: x!.shape.map((d, i) => d + before[i]! + after[i]!) }];
  },
  lower: (n, em) =>
    em.node(
      'Pad',
      [em.name(n.inputs[0]!), em.int64([...n.attrs.before, ...n.attrs.after])],
      [em.name(n.outputs[0]!)],
    ),
  grad: (n, [g]) => {
    if (!g) return [null];
    const x = n.inputs[0]!;
    const starts = [...n.attrs.before];
    const ends = x.shape.map((d, i) => d + n.attrs.before[i]!);
    return [apply1(SliceOp, [g], { starts, ends })];
  },
};

export function pad(x: Tensor, before: readonly number[], after: readonly number[]): Tensor {
  if (before.every((b) => b === 0) && after.every((a) => a === 0)) return x;
  return apply1(PadOp, [x], { before: [...before], after: [...after] });
}
