// Static shapes: numpy broadcasting, axis normalisation, element counts.
import { ShapeError } from './shapeError.js';

export type Shape = readonly number[];

export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function fmt(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

/** numpy broadcasting of two shapes; throws ShapeError naming the op. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1)
      throw new ShapeError(op, `cannot broadcast ${fmt(a)} with ${fmt(b)}`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Normalises a possibly negative axis against a rank. */
export function normAxis(op: string, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank)
    throw new ShapeError(op, `axis ${axis} out of range for rank ${rank}`);
  return a;
}
