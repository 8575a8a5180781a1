// The profile summary of `fsvfm bench pretrain --profile`: kernel times summed by op type after the warm-up runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summariseTrace } from '../src/benchmarks/stepProfile.js';

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
