import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import ort from 'onnxruntime-node';
import { compile, Graph, type HostTensor } from '../src/graph/index.js';
import { convertCheckpoint } from '../src/models/convertCheckpoint.js';
import { detectorSpec, detectorWeights, traceDetector } from '../src/models/detectorGraph.js';
import { loadStateDict } from '../src/models/loadStateDict.js';
import { readOracleArray } from '../src/verify/oracle.js';
import { needsOracle, ORACLE_DIR } from './oracle-fixtures.js';
import { scratchDir } from './scratchDir.js';

const fx = ORACLE_DIR;
const skip = needsOracle;

const cases = [
  ['finetune-vit.pth', 'finetune_logits'],
  ['fsadapter-vit.pth', 'fsadapter_logits'],
] as const;

for (const [file, expectedStem] of cases) {
  test(`${file} exported to ONNX runs in a fresh onnxruntime session and matches the official logits and the engine`, {
    skip,
  }, async () => {
    const out = join(scratchDir('fsvfm-onnx-'), 'model.onnx');
    await convertCheckpoint(join(fx, 'checkpoints', file), out, 'all', { numHeads: 3, batch: 4 });
    const images = readOracleArray(join(fx, 'inputs'), 'images');
    const session = await ort.InferenceSession.create(readFileSync(out));
    assert.deepEqual(session.inputNames, ['images']);
    const r = await session.run({
      images: new ort.Tensor('float32', images.data as Float32Array, images.shape),
    });
    const logits = r.logits!.data as Float32Array;
    const expected = readOracleArray(join(fx, 'expected'), expectedStem).data as Float32Array;
    for (const [i, e] of expected.entries()) {
      assert.ok(Math.abs(logits[i]! - e) <= 1e-5 + 1e-4 * Math.abs(e), `logit ${i}: ${logits[i]} vs ${e}`);
    }
    const pFake = r.p_fake!.data as Float32Array;
    for (let b = 0; b < 4; b++) {
      const p0 = 1 / (1 + Math.exp(logits[2 * b + 1]! - logits[2 * b]!));
      assert.ok(Math.abs(pFake[b]! - p0) < 1e-6, 'p_fake = softmax(logits)[0]');
    }
    // the engine with parameters as graph inputs computes the same numbers
    const { stateDict } = await loadStateDict(join(fx, 'checkpoints', file));
    const spec = detectorSpec(stateDict, { numHeads: 3 });
    const g = new Graph();
    const t = traceDetector(g, spec, 4);
    const exe = await compile({ logits: t.logits! });
    const feeds: Record<string, HostTensor> = {
      images: { dtype: 'float32', shape: images.shape, data: images.data as Float32Array },
    };
    for (const [k, v] of detectorWeights(spec, stateDict))
      if (t.paramNames.includes(k)) feeds[k] = { dtype: 'float32', shape: v.shape, data: v.data };
    const engine = (await exe.run(feeds)).logits!.data as Float32Array;
    for (const [i, v] of engine.entries())
      assert.ok(Math.abs(v - logits[i]!) < 1e-6, `engine ${v} vs exported ${logits[i]}`);
  });
}

test('ONNX export of a custom-size model without --num_heads explains what is missing', {
  skip,
}, async () => {
  const out = join(scratchDir('fsvfm-onnx-'), 'model.onnx');
  await assert.rejects(
    convertCheckpoint(join(fx, 'checkpoints', 'finetune-vit.pth'), out, 'all'),
    /does not record its head count: pass --num_heads/,
  );
});
