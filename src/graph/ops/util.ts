// Small helpers shared by op definitions.
import { allocHost, type DType } from '../dtype.js';
import type { Shape } from '../shape.js';
import { ShapeError } from '../shapeError.js';
import type { Tensor } from '../tensor.js';

/** A scalar constant with the dtype of `like`. */
export function scalarLike(like: Tensor, value: number): Tensor {
  return constantFilled(like, like.dtype, [], value);
}

export function constantFilled(like: Tensor, dtype: DType, shape: Shape, value: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = allocHost(dtype, n);
  if (data instanceof BigInt64Array) data.fill(BigInt(value));
  else data.fill(value);
  return like.graph.constant(data, shape);
}

export function requireFloat(op: string, ...ts: Tensor[]): void {
  for (const t of ts) {
    if (t.dtype !== 'float32' && t.dtype !== 'float64')
      throw new ShapeError(op, `needs a float tensor, got ${t}`);
  }
}

export function requireSameDtype(op: string, a: Tensor, b: Tensor): void {
  if (a.dtype !== b.dtype) throw new ShapeError(op, `dtype mismatch: ${a} vs ${b}`);
}
