// A 100-step tiny pre-training gives the recorded loss curve: rewrites of the step graph (gradient forms, fused ops,
// session options) may reorder float32 sums but must not change what training computes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { type LossCurve, tinyPretrainLossCurve } from './pretrain-loss-curve-run.js';

/** float32 reordering noise, grown over 100 AdamW steps: far below any change in what is computed */
const RELATIVE_TOLERANCE = 1e-3;

test('100-step tiny pre-training follows the recorded loss curve', async () => {
  const recorded = JSON.parse(
    readFileSync(new URL('./fixtures/pretrain-loss-curve.json', import.meta.url), 'utf8'),
  ) as LossCurve;
  const now = await tinyPretrainLossCurve(recorded.steps);
  const series: Array<[string, number[], number[]]> = [
    ['loss', recorded.loss, now.loss],
    ...Object.entries(recorded.metrics).map(([k, v]): [string, number[], number[]] => [
      k,
      v,
      now.metrics[k] ?? [],
    ]),
  ];
  for (const [name, want, got] of series) {
    assert.equal(got.length, want.length, `${name}: ${got.length} steps, recorded ${want.length}`);
    let worst = 0;
    let at = 0;
    want.forEach((w, i) => {
      const rel = Math.abs(got[i]! - w) / Math.max(Math.abs(w), 1e-3);
      if (rel > worst) [worst, at] = [rel, i];
    });
    assert.ok(
      worst <= RELATIVE_TOLERANCE,
      `${name} differs by ${worst.toExponential(2)} (relative) at step ${at}: ${got[at]} vs recorded ${want[at]}`,
    );
  }
  assert.ok(now.loss.at(-1)! < now.loss[0]!, 'the loss falls over the run');
});
