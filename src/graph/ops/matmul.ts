// Matrix products: batched, broadcasting MatMul and 2-D Gemm (the workhorse of Linear layers).
import { apply1, type OpDef } from '../op.js';
import { broadcastShapes, fmt } from '../shape.js';
import { ShapeError } from '../shapeError.js';
import type { Tensor } from '../tensor.js';
import { sumTo } from './elementwise.js';
import { requireFloat, requireSameDtype } from './util.js';

export const MatMulOp: OpDef<null> = {
  name: 'matmul',
  infer: ([a, b]) => {
    requireFloat('matmul', a!, b!);
    requireSameDtype('matmul', a!, b!);
    if (a!.rank < 2 || b!.rank < 2)
      throw new ShapeError('matmul', `needs rank >= 2 operands, got ${fmt(a!.shape)} @ ${fmt(b!.shape)}`);
    const [m, k] = a!.shape.slice(-2) as [number, number];
    const [k2, n] = b!.shape.slice(-2) as [number, number];
    if (k !== k2)
      throw new ShapeError('matmul', `inner dimensions differ: ${fmt(a!.shape)} @ ${fmt(b!.shape)}`);
    const batch = broadcastShapes('matmul', a!.shape.slice(0, -2), b!.shape.slice(0, -2));
    return [{ dtype: a!.dtype, shape: [...batch, m, n] }];
  },
  lower: (n, em) =>
    em.node(
      'MatMul',
      n.inputs.map((t) => em.name(t)),
      [em.name(n.outputs[0]!)],
    ),
  grad: (n, [g], needs) => {
    if (!g) return [null, null];
    const [a, b] = n.inputs as [Tensor, Tensor];
    // g·Bᵀ and Aᵀ·g with transpose flags: no Transpose node copies the [B,H,T,T] attention probabilities
    return [
      needs[0] ? sumTo(matmulT(g, b, { transB: true }), a.shape) : null,
      needs[1] ? sumTo(matmulT(a, g, { transA: true }), b.shape) : null,
    ];
  },
};

export const matmul = (a: Tensor, b: Tensor): Tensor => apply1(MatMulOp, [a, b], null);

interface TransposeFlags {
  transA: boolean;
  transB: boolean;
}

const swapLast = (t: Tensor): number[] => {
  const perm = [...t.shape.keys()];
  perm.splice(-2, 2, t.rank - 1, t.rank - 2);
  return perm;
};

/**
 * Batched op(A)·op(B), op = optional swap of the last two axes. float32 is lowered to onnxruntime's
 * com.microsoft:FusedMatMul, whose kernel reads the operands transposed in place; float64 (no FusedMatMul kernel)
 * to Transpose + MatMul.
 */
export const MatMulTransposedOp: OpDef<TransposeFlags> = {
  name: 'matmulT',
  infer: ([a, b], { transA, transB }) => {
    requireFloat('matmulT', a!, b!);
    requireSameDtype('matmulT', a!, b!);
    if (a!.rank < 2 || b!.rank < 2)
      throw new ShapeError('matmulT', `needs rank >= 2 operands, got ${fmt(a!.shape)} @ ${fmt(b!.shape)}`);
    const [m, k] = a!.shape.slice(-2) as [number, number];
    const [k2, nn] = b!.shape.slice(-2) as [number, number];
    const [rows, inner] = transA ? [k, m] : [m, k];
    const [inner2, cols] = transB ? [nn, k2] : [k2, nn];
    if (inner !== inner2)
      throw new ShapeError(
        'matmulT',
        `inner dimensions differ: ${fmt(a!.shape)}${transA ? 'ᵀ' : ''} @ ${fmt(b!.shape)}${transB ? 'ᵀ' : ''}`,
      );
    const batch = broadcastShapes('matmulT', a!.shape.slice(0, -2), b!.shape.slice(0, -2));
    return [{ dtype: a!.dtype, shape: [...batch, rows, cols] }];
  },
  lower: (n, em) => {
    const [a, b] = n.inputs as [Tensor, Tensor];
    const { transA, transB } = n.attrs;
    const out = em.name(n.outputs[0]!);
    if (a.dtype === 'float32') {
      em.node(
        'FusedMatMul',
        [em.name(a), em.name(b)],
        [out],
        { alpha: { f: 1 }, transA: { i: transA ? 1 : 0 }, transB: { i: transB ? 1 : 0 } },
        'com.microsoft',
      );
      return;
    }
    const opA = transA ? em.op('Transpose', [em.name(a)], { perm: { ints: swapLast(a) } }) : em.name(a);
    const opB = transB ? em.op('Transpose', [em.name(b)], { perm: { ints: swapLast(b) } }) : em.name(b);
    em.node('MatMul', [opA, opB], [out]);
  },
  grad: (n, [g], needs) => {
    if (!g) return [null, null];
    const [a, b] = n.inputs as [Tensor, Tensor];
    const { transA, transB } = n.attrs;
    // the same rule as Gemm's: dA' = g·B'ᵀ, dB' = A'ᵀ·g, with flags instead of transposes
    const da = needs[0]
      ? transA
        ? matmulT(b, g, { transA: transB, transB: true })
        : matmulT(g, b, { transA: false, transB: !transB })
      : null;
    const db = needs[1]
      ? transB
        ? matmulT(g, a, { transA: true, transB: transA })
        : matmulT(a, g, { transA: !transA, transB: false })
      : null;
    return [da && sumTo(da, a.shape), db && sumTo(db, b.shape)];
  },
};

/** op(A)·op(B) with batch broadcasting; without flags it is `matmul`. */
export function matmulT(a: Tensor, b: Tensor, flags: Partial<TransposeFlags> = {}): Tensor {
  const attrs = { transA: flags.transA ?? false, transB: flags.transB ?? false };
  if (!attrs.transA && !attrs.transB) return matmul(a, b);
  return apply1(MatMulTransposedOp, [a, b], attrs);
}

/**
 * `y`ᵀ (last two axes swapped) as a product of its own operands when `y` is a batched product, since
 * (op(A)·op(B))ᵀ = op(B)ᵀ·op(A)ᵀ: the transpose flags replace a Transpose copy. Null for any other tensor.
 */
export function transposedProduct(y: Tensor): Tensor | null {
  const node = y.node;
  if (!node) return null;
  const [a, b] = node.inputs as [Tensor, Tensor];
  if (node.op === MatMulOp) return matmulT(b, a, { transA: true, transB: true });
  if (node.op === MatMulTransposedOp) {
    const { transA, transB } = node.attrs as TransposeFlags;
    return matmulT(b, a, { transA: !transB, transB: !transA });
  }
  return null;
}

interface GemmAttrs {
  transA: boolean;
  transB: boolean;
}

/** op(A) @ op(B) (+ C broadcast to [M,N]), op = optional transpose. */
export const GemmOp: OpDef<GemmAttrs> = {
  name: 'gemm',
  infer: (ins, { transA, transB }) => {
    const [a, b, c] = ins;
    requireFloat('gemm', a!, b!);
    requireSameDtype('gemm', a!, b!);
    if (a!.rank !== 2 || b!.rank !== 2)
      throw new ShapeError('gemm', `needs 2-D operands, got ${fmt(a!.shape)} and ${fmt(b!.shape)}`);
    const [m, k] = transA ? [a!.shape[1]!, a!.shape[0]!] : [a!.shape[0]!, a!.shape[1]!];
    const [k2, nn] = transB ? [b!.shape[1]!, b!.shape[0]!] : [b!.shape[0]!, b!.shape[1]!];
    if (k !== k2)
      throw new ShapeError(
        'gemm',
        `inner dimensions differ: ${fmt(a!.shape)}${transA ? 'ᵀ' : ''} @ ${fmt(b!.shape)}${transB ? 'ᵀ' : ''}`,
      );
    if (c) {
      // ONNX Gemm broadcasts C one way only: it must fit into [M,N] without growing it
      requireSameDtype('gemm', a!, c);
      const fits = broadcastShapes('gemm', c.shape, [m, nn]);
      if (fits.length !== 2 || fits[0] !== m || fits[1] !== nn)
        throw new ShapeError('gemm', `bias ${fmt(c.shape)} does not broadcast to the output [${m},${nn}]`);
    }
    return [{ dtype: a!.dtype, shape: [m, nn] }];
  },
  lower: (n, em) =>
    em.node(
      'Gemm',
      n.inputs.map((t) => em.name(t)),
      [em.name(n.outputs[0]!)],
      {
        transA: { i: n.attrs.transA ? 1 : 0 },
        transB: { i: n.attrs.transB ? 1 : 0 },
      },
    ),
  grad: (n, [g], needs) => {
    if (!g) return n.inputs.map(() => null);
    const [a, b, c] = n.inputs as [Tensor, Tensor, Tensor | undefined];
    const { transA, transB } = n.attrs;
    // dA' = g·B'ᵀ and dB' = A'ᵀ·g, written with Gemm's transpose flags instead of explicit transposes.
    const da = needs[0]
      ? transA
        ? gemm(b, g, { transA: transB, transB: true })
        : gemm(g, b, { transA: false, transB: !transB })
      : null;
    const db = needs[1]
      ? transB
        ? gemm(g, a, { transA: true, transB: transA })
        : gemm(a, g, { transA: !transA, transB: false })
      : null;
    const dc = c && needs[2] ? sumTo(g, c.shape) : null;
    return c ? [da, db, dc] : [da, db];
  },
};

export function gemm(a: Tensor, b: Tensor, opts: Partial<GemmAttrs> = {}, bias?: Tensor): Tensor {
  const attrs = { transA: opts.transA ?? false, transB: opts.transB ?? false };
  return apply1(GemmOp, bias ? [a, b, bias] : [a, b], attrs);
}
