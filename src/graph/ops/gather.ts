// Gather / GatherElements and their adjoints ScatterND / ScatterElements (reduction 'add' into zeros).
import type { Emitter } from '../emitter.js';
import { apply1, type OpDef } from '../op.js';
import { fmt, normAxis, numel, type Shape, sameShape } from '../shape.js';
import { ShapeError } from '../shapeError.js';
import type { Tensor } from '../tensor.js';
import { reshape, transpose } from './shapeOps.js';

function requireIndices(op: string, idx: Tensor): void {
  if (idx.dtype !== 'int64') throw new ShapeError(op, `indices must be int64, got ${idx}`);
}

function zerosOfShape(em: Emitter, like: Tensor, shape: Shape): string {
  return em.op('Expand', [em.scalar(0, like.dtype), em.int64([...shape])]);
}

export const GatherOp: OpDef<{ axis: number }> = {
  name: 'gather',
  infer: ([x, idx], { axis }) => {
    requireIndices('gather', idx!);
    return [
      { dtype: x!.dtype, shape: [...x!.shape.slice(0, axis), ...idx!.shape, ...x!.shape.slice(axis + 1)] },
    ];
  },
  lower: (n, em) =>
    em.node(
      'Gather',
      n.inputs.map((t) => em.name(t)),
      [em.name(n.outputs[0]!)],
      { axis: { i: n.attrs.axis } },
    ),
  grad: (n, [g], needs) => {
    if (!g || !needs[0]) return [null, null];
    const [x, idx] = n.inputs as [Tensor, Tensor];
    const axis = n.attrs.axis;
    const pre = x.shape.slice(0, axis);
    const post = x.shape.slice(axis + 1);
    const ni = idx.rank;
    // bring the index dims of g to the front: [I..., pre..., post...] -> [nI, P, Q]
    const perm = [...Array(ni).keys()].map((i) => axis + i);
    for (let i = 0; i < axis; i++) perm.push(i);
    for (let i = axis + ni; i < g.rank; i++) perm.push(i);
    const flat = reshape(transpose(g, perm), [numel(idx.shape), numel(pre), numel(post)]);
    const scattered = scatterNDAdd(
      [x.shape[axis]!, numel(pre), numel(post)],
      reshape(idx, [numel(idx.shape), 1]),
      flat,
    );
    const unflat = reshape(scattered, [x.shape[axis]!, ...pre, ...post]);
    const back = [...Array(axis).keys()].map((i) => i + 1);
    back.push(0);
    for (let i = axis + 1; i < x.rank; i++) back.push(i);
    return [transpose(unflat, back), null];
  },
};

export const gather = (x: Tensor, indices: Tensor, axis: number): Tensor =>
  apply1(GatherOp, [x, indices], { axis: normAxis('gather', axis, x.rank) });

export const GatherElementsOp: OpDef<{ axis: number }> = {
  name: 'gatherElements',
  infer: ([x, idx], { axis }) => {
    requireIndices('gatherElements', idx!);
    if (idx!.rank !== x!.rank || idx!.shape.some((d, i) => i !== axis && d > x!.shape[i]!))
      throw new ShapeError(
        'gatherElements',
        `indices ${fmt(idx!.shape)} must have the rank of ${fmt(x!.shape)} and fit it off axis ${axis}`,
      );
    return [{ dtype: x!.dtype, shape: idx!.shape }];
  },
  // lowered like gather above: each op keeps its own lowering beside its shape and gradient rules
  lower: (n, em) =>
    em.node(
      'GatherElements',
      n.inputs.map((t) => em.name(t)),
      [em.name(n.outputs[0]!)],
      { axis: { i: n.attrs.axis } },
    ),
  grad: (n, [g], needs) => {
    if (!g || !needs[0]) return [null, null];
    const [x, idx] = n.inputs as [Tensor, Tensor];
    return [scatterElementsAdd(x.shape, idx, g, n.attrs.axis), null];
  },
};

export const gatherElements = (x: Tensor, indices: Tensor, axis: number): Tensor =>
  apply1(GatherElementsOp, [x, indices], { axis: normAxis('gatherElements', axis, x.rank) });

/** zeros(shape) with `updates` added at `indices` (ONNX ScatterND, reduction add). */
export const ScatterNDAddOp: OpDef<{ shape: number[] }> = {
  name: 'scatterNDAdd',
  infer: ([idx, upd], { shape }) => {
    requireIndices('scatterNDAdd', idx!);
    const q = idx!.shape[idx!.rank - 1];
    const want = q === undefined ? null : [...idx!.shape.slice(0, -1), ...shape.slice(q)];
    if (!want || q! > shape.length || !sameShape(want, upd!.shape))
      throw new ShapeError(
        'scatterNDAdd',
        `indices ${fmt(idx!.shape)} and updates ${fmt(upd!.shape)} do not address ${fmt(shape)}`,
      );
    return [{ dtype: upd!.dtype, shape }];
  },
  lower: (n, em) => {
    const [idx, upd] = n.inputs as [Tensor, Tensor];
    const zeros = zerosOfShape(em, upd, n.attrs.shape);
    em.node('ScatterND', [zeros, em.name(idx), em.name(upd)], [em.name(n.outputs[0]!)], {
      reduction: { s: 'add' },
    });
  },
  grad: (n, [g], needs) => {
    if (!g || !needs[1]) return [null, null];
    const [idx, upd] = n.inputs as [Tensor, Tensor];
    // adjoint of scatter-add is gather at the same indices (GatherND)
    return [null, reshape(gatherNDLike(g, idx), upd.shape)];
  },
};

export const scatterNDAdd = (shape: Shape, indices: Tensor, updates: Tensor): Tensor =>
  apply1(ScatterNDAddOp, [indices, updates], { shape: [...shape] });

const GatherNDOp: OpDef<null> = {
  name: 'gatherND',
  infer: ([x, idx]) => {
    requireIndices('gatherND', idx!);
    const k = idx!.shape[idx!.rank - 1]!;
    return [{ dtype: x!.dtype, shape: [...idx!.shape.slice(0, -1), ...x!.shape.slice(k)] }];
  },
  lower: (n, em) =>
    em.node(
      'GatherND',
      n.inputs.map((t) => em.name(t)),
      [em.name(n.outputs[0]!)],
    ),
};

function gatherNDLike(x: Tensor, idx: Tensor): Tensor {
  return apply1(GatherNDOp, [x, idx], null);
}

export const ScatterElementsAddOp: OpDef<{ shape: number[]; axis: number }> = {
  name: 'scatterElementsAdd',
  infer: ([idx, upd], { shape }) => {
    requireIndices('scatterElementsAdd', idx!);
    if (!sameShape(idx!.shape, upd!.shape) || idx!.rank !== shape.length)
      throw new ShapeError(
        'scatterElementsAdd',
        `indices ${fmt(idx!.shape)} and updates ${fmt(upd!.shape)} must have one shape of the rank of ${fmt(shape)}`,
      );
    return [{ dtype: upd!.dtype, shape }];
  },
  lower: (n, em) => {
    const [idx, upd] = n.inputs as [Tensor, Tensor];
    const zeros = zerosOfShape(em, upd, n.attrs.shape);
    em.node('ScatterElements', [zeros, em.name(idx), em.name(upd)], [em.name(n.outputs[0]!)], {
      axis: { i: n.attrs.axis },
      reduction: { s: 'add' },
    });
  },
  grad: (n, [g], needs) => {
    if (!g || !needs[1]) return [null, null];
    return [null, gatherElements(g, n.inputs[0]!, n.attrs.axis)];
  },
};

export const scatterElementsAdd = (shape: Shape, indices: Tensor, updates: Tensor, axis: number): Tensor =>
  apply1(ScatterElementsAddOp, [indices, updates], {
    shape: [...shape],
    axis: normAxis('scatterElementsAdd', axis, shape.length),
  });
