// Shape and type errors are thrown at trace time and say which op, which shapes, and which line of the caller.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  add,
  concat,
  crossEntropy,
  expand,
  Graph,
  gatherElements,
  gemm,
  layerNorm,
  linear,
  matmul,
  pad,
  patchConv2d,
  reduceSum,
  reshape,
  ShapeError,
  scatterElementsAdd,
  scatterNDAdd,
  split,
  type Tensor,
  transpose,
  where,
} from '../src/graph/index.js';

/** Line number of the caller of this function in this file. */
function lineHere(): number {
  const frame = new Error().stack!.split('\n')[2]!;
  return Number(/engine-ops-errors\.test\.ts:(\d+):\d+/.exec(frame)![1]);
}

/**
 * Asserts that `f` throws a ShapeError whose message starts with `op:`, contains every fragment, and ends with
 * the caller site on line `line` of this test file.
 */
function assertShapeError(f: () => unknown, op: string, fragments: string[], line: number): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof ShapeError, `expected a ShapeError, got ${e}`);
    const msg = e.message;
    assert.ok(msg.startsWith(`${op}:`), `message should name the op '${op}': ${msg}`);
    for (const frag of fragments) assert.ok(msg.includes(frag), `message should contain '${frag}': ${msg}`);
    const site = new RegExp(`\\(at [^()]*engine-ops-errors\\.test\\.ts:${line}:\\d+\\)$`);
    assert.match(msg, site, `message should end with the caller location (line ${line})`);
    return true;
  });
}

describe('shape errors at trace time', () => {
  const g = new Graph();
  const x23 = g.input('x23', 'float32', [2, 3]);
  const x4 = g.input('x4', 'float32', [4]);
  const x234 = g.input('x234', 'float32', [2, 3, 4]);
  const w = g.input('w', 'float32', [5, 4]);
  const y32 = g.input('y32', 'float32', [3, 2]);
  const z23 = g.input('z23', 'float64', [2, 3]);
  const i2 = g.input('i2', 'int64', [2]);

  it('mismatched broadcast', () => {
    const line = lineHere() + 1;
    assertShapeError(() => add(x23, x4), 'add', ['[2,3]', '[4]', 'broadcast'], line);
    const line2 = lineHere() + 1;
    assertShapeError(() => where(g.input('c', 'bool', [2]), x23, x23), 'where', ['[2]', '[2,3]'], line2);
  });

  it('matmul / gemm / linear inner dimensions', () => {
    const line = lineHere() + 1;
    assertShapeError(() => matmul(x234, x23), 'matmul', ['[2,3,4]', '[2,3]', 'inner'], line);
    const line2 = lineHere() + 1;
    assertShapeError(() => gemm(x23, w, { transB: true }), 'gemm', ['[2,3]', '[5,4]'], line2);
    const line3 = lineHere() + 1;
    assertShapeError(() => linear(x23, w), 'linear', ['5,4', 'width 3'], line3);
  });

  it('bad reshape', () => {
    const line = lineHere() + 1;
    assertShapeError(() => reshape(x234, [5, -1]), 'reshape', ['[2,3,4]', '[5,-1]', '24'], line);
    const line2 = lineHere() + 1;
    assertShapeError(() => reshape(x234, [-1, -1]), 'reshape', ['[-1,-1]'], line2);
  });

  it('bad transpose perm', () => {
    for (const perm of [
      [0, 0, 1],
      [1, 0],
      [0, 1, 3],
    ]) {
      const line = lineHere() + 1;
      assertShapeError(() => transpose(x234, perm), 'transpose', [`[${perm}]`, '[2,3,4]'], line);
    }
  });

  it('concat mismatch (shape, rank, dtype)', () => {
    const line = lineHere() + 1;
    assertShapeError(() => concat([x23, x234], 0), 'concat', ['[2,3]', '[2,3,4]'], line);
    const line2 = lineHere() + 1;
    assertShapeError(() => concat([x23, y32], 1), 'concat', ['[2,3]', '[3,2]'], line2);
    const line3 = lineHere() + 1;
    assertShapeError(() => concat([x23, z23], 0), 'concat', ['[2,3]'], line3);
  });

  it('other ops name their shapes too', () => {
    const cases: Array<[() => Tensor | Tensor[], string, string[], number]> = [
      [() => expand(x23, [3, 3]), 'expand', ['[2,3]', '[3,3]'], lineHere()],
      [() => split(x23, 1, [1, 1]), 'split', ['[1,1]', '[2,3]'], lineHere()],
      [() => pad(x23, [1], [1]), 'pad', ['[2,3]'], lineHere()],
      [() => layerNorm(x234, x4, x23, 1e-6), 'layerNorm', ['[4]', '[2,3]', '[2,3,4]'], lineHere()],
      [() => patchConv2d(x234, x234, undefined, 2), 'conv2d', ['[2,3,4]'], lineHere()],
      [() => crossEntropy(x23, x4), 'crossEntropy', ['[2,3]', '[4]'], lineHere()],
      [() => gatherElements(x23, i2, 0), 'gatherElements', ['[2]', '[2,3]'], lineHere()],
      [() => reduceSum(x23, 2), 'reduceSum', ['axis 2', 'rank 2'], lineHere()],
      [() => add(x23, z23), 'add', ['dtype'], lineHere()],
    ];
    for (const [f, op, frags, line] of cases) assertShapeError(f, op, frags, line);
  });

  it('mistakes onnxruntime would only report at session creation are caught while tracing', () => {
    const c233 = g.input('c233', 'float32', [2, 3, 3]);
    const w64 = g.input('w64', 'float64', [4]);
    const x1244 = g.input('x1244', 'float32', [1, 2, 4, 4]);
    const cw64 = g.input('cw64', 'float64', [3, 2, 2, 2]);
    const i31 = g.input('i31', 'int64', [3, 1]);
    const i32 = g.input('i32', 'int64', [3, 2]);
    const u33 = g.input('u33', 'float32', [3, 3]);
    const u22 = g.input('u22', 'float32', [2, 2]);
    const cases: Array<[() => Tensor | Tensor[], string, string[], number]> = [
      [() => gemm(y32, x23, {}, c233), 'gemm', ['[2,3,3]', '[3,3]'], lineHere()],
      [() => gemm(x23, x23, { transB: true }, z23), 'gemm', ['dtype'], lineHere()],
      [() => split(x23, 0, [5]), 'split', ['[5]', '[2,3]'], lineHere()],
      [() => layerNorm(x234, w64, w64, 1e-5), 'layerNorm', ['dtype'], lineHere()],
      [() => patchConv2d(x1244, cw64, undefined, 2), 'conv2d', ['dtype'], lineHere()],
      [() => scatterNDAdd([4, 2], i31, u33), 'scatterNDAdd', ['[3,1]', '[3,3]', '[4,2]'], lineHere()],
      [() => scatterElementsAdd([4, 2], i32, u22, 0), 'scatterElementsAdd', ['[3,2]', '[2,2]'], lineHere()],
      [() => gatherElements(x23, i32, 1), 'gatherElements', ['[3,2]', '[2,3]'], lineHere()],
    ];
    for (const [f, op, frags, line] of cases) assertShapeError(f, op, frags, line);
  });
});
