// The profile summary of `fsvfm bench pretrain --profile`: kernel times summed by op type after the warm-up runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COLUMN_SUMS, summariseTrace } from '../src/benchmarks/stepProfile.js';
import { COLUMN_SUM_ROLE } from '../src/graph/ops/reduce.js';

test('summariseTrace sums kernel events by op type and skips the warm-up runs', () => {
  const node = (name: string, op: string, ts: number, dur: number) => ({
    cat: 'Node',
    name: `${name}_kernel_time`,
    ts,
    dur,
    args: { op_name: op },
  });
  const events = [
    { cat: 'Session', name: 'model_run', ts: 0, dur: 100 },
    node('Gemm_1', 'Gemm', 10, 50), // warm-up: left out
    { cat: 'Session', name: 'model_run', ts: 200, dur: 90 },
    node('Gemm_1', 'Gemm', 210, 40),
    node('Mul_2', 'Mul', 260, 5),
    { cat: 'Node', name: 'Mul_2_fence_before', ts: 259, dur: 1, args: { op_name: 'Mul' } },
    { cat: 'Session', name: 'model_run', ts: 400, dur: 80 },
    node('Gemm_1', 'Gemm', 410, 30),
    node('Mul_2', 'Mul', 450, 7),
  ];
  const t = summariseTrace(events, 1);
  assert.equal(t.runs, 2);
  assert.equal(t.runUs, 170);
  assert.equal(t.byOpType.get('Gemm')?.us, 70);
  assert.equal(t.byOpType.get('Mul')?.us, 12);
  assert.equal(t.byOpType.get('Mul')?.nodes.size, 1);
});

test('summariseTrace lists the column sums lowered to ones·X products apart from the matrix products', () => {
  const events = [
    { cat: 'Session', name: 'model_run', ts: 0, dur: 100 },
    { cat: 'Node', name: 'MatMul_7_kernel_time', ts: 10, dur: 30, args: { op_name: 'MatMul' } },
    { cat: 'Node', name: `${COLUMN_SUM_ROLE}_8_kernel_time`, ts: 50, dur: 4, args: { op_name: 'MatMul' } },
  ];
  const t = summariseTrace(events, 0);
  assert.equal(t.byOpType.get('MatMul')?.us, 30);
  assert.equal(t.byOpType.get(COLUMN_SUMS)?.us, 4);
});
