// int8 detectors: per-output-channel weight quantization, the int8 scoring graph against the fp32 one, and the
// int8 ONNX export run by a fresh onnxruntime session.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import onnxProto from 'onnx-proto';
import ort from 'onnxruntime-node';
import { Graph } from '../src/graph/index.js';
import { convertCheckpoint } from '../src/models/convertCheckpoint.js';
import { detectorSpec, detectorWeights, traceDetector } from '../src/models/detectorGraph.js';
import { exportDetectorOnnx } from '../src/models/exportOnnx.js';
import { dequantizePerOutputChannel, quantizePerOutputChannel } from '../src/models/int8Weights.js';
import { loadStateDict } from '../src/models/loadStateDict.js';
import { isInt8BlockLinear } from '../src/models/precision.js';
import { readOracleArray } from '../src/verify/oracle.js';
import { needsOracle, ORACLE_DIR } from './oracle-fixtures.js';
import { scratchDir } from './scratchDir.js';

const skip = needsOracle;

test('per-output-channel int8: each row keeps its largest weight exactly and every weight within scale/2', () => {
  const [outF, inF] = [5, 7];
  const data = new Float32Array(outF * inF);
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 1.7) * (1 + (i % outF)) * 0.1;
  data.fill(0, 3 * inF, 4 * inF); // an all-zero row
  const q = quantizePerOutputChannel({ shape: [outF, inF], data });
  assert.equal(q.values.length, inF * outF);
  const back = dequantizePerOutputChannel(q);
  for (let o = 0; o < outF; o++) {
    const row = data.subarray(o * inF, (o + 1) * inF);
    const max = Math.max(...Array.from(row, Math.abs));
    if (max === 0) {
      assert.equal(q.scales[o], 1);
      for (let i = 0; i < inF; i++) assert.equal(q.values[i * outF + o], 0);
      continue;
    }
    assert.ok(Math.abs(q.scales[o]! - max / 127) <= 1e-7 * max, 'scale = max|row| / 127');
    let hitsEnd = false;
    for (let i = 0; i < inF; i++) {
      const v = q.values[i * outF + o]!;
      assert.ok(v >= -127 && v <= 127, 'symmetric grid: −128 is never used');
      if (Math.abs(v) === 127) hitsEnd = true;
      assert.ok(Math.abs(back[o * inF + i]! - row[i]!) <= q.scales[o]! / 2 + 1e-7, `w[${o},${i}] round trip`);
    }
    assert.ok(hitsEnd, `row ${o}: its largest weight maps to ±127`);
  }
});

test('the int8 rule takes the Linear layers of transformer blocks only, under any prefix', () => {
  for (const n of [
    'blocks.0.attn.qkv',
    'blocks.11.attn.proj',
    'blocks.3.mlp.fc1',
    'backbone.vit.blocks.1.mlp.fc2',
  ])
    assert.ok(isInt8BlockLinear(n), n);
  for (const n of [
    'head',
    'patch_embed.proj',
    'adapter.linear1',
    'projector',
    'embedder.bottleneck_layer_fc',
  ])
    assert.ok(!isInt8BlockLinear(n), n);
});

// Tolerance: weights carry at most scale/2 = max|row|/254 of error, activations are quantized per tensor to
// 256 levels (error up to range/510); through two blocks and a trained head the oracle models' P(fake) moved by
// ≤ 1.3e-4 when measured. 5e-3 leaves room for other int8 kernels (AVX2 u8s8 without VNNI saturates pairwise
// sums) while still catching a wrong scale, layout or transposition, which moves P(fake) by 0.1 or more.
const P_TOLERANCE = 5e-3;

for (const file of ['finetune-vit.pth', 'fsadapter-vit.pth', 'fas-vit.pth.tar']) {
  test(`${file}: the int8 graph quantizes every block Linear, keeps the rest fp32 and scores like fp32`, {
    skip,
  }, async () => {
    const { stateDict } = await loadStateDict(join(ORACLE_DIR, 'checkpoints', file));
    const spec = detectorSpec(stateDict, { numHeads: 3 });
    const images = readOracleArray(join(ORACLE_DIR, 'inputs'), 'images');
    const run = async (precision: 'fp32' | 'int8'): Promise<{ p: Float32Array; ops: string[] }> => {
      const model = exportDetectorOnnx(spec, stateDict, { batch: 4, precision });
      const decoded = onnxProto.onnx.ModelProto.decode(model.bytes);
      const session = await ort.InferenceSession.create(model.bytes);
      const r = await session.run({
        images: new ort.Tensor('float32', images.data as Float32Array, images.shape),
      });
      return { p: r.p_fake!.data as Float32Array, ops: decoded.graph!.node!.map((n) => n.opType!) };
    };
    const fp32 = await run('fp32');
    const int8 = await run('int8');
    const depth = spec.encoder.depth;
    assert.equal(
      int8.ops.filter((o) => o === 'DynamicQuantizeMatMul').length,
      4 * depth,
      'qkv, proj, fc1, fc2',
    );
    assert.ok(!fp32.ops.includes('DynamicQuantizeMatMul'));
    assert.ok(int8.ops.includes('Conv'), 'the patch embedding stays a float convolution');
    assert.ok(int8.ops.includes('Gemm'), 'the head (and adapter layers) stay float Gemm');
    for (let i = 0; i < 4; i++)
      assert.ok(
        Math.abs(int8.p[i]! - fp32.p[i]!) <= P_TOLERANCE,
        `P(fake)[${i}]: int8 ${int8.p[i]} vs ${fp32.p[i]}`,
      );
    // the trace reads the quantized tensors instead of the float block weights
    const t = traceDetector(new Graph(), spec, 1, 'int8');
    const qkv = t.paramNames.find((n) => n.endsWith('blocks.0.attn.qkv.weight_int8'));
    assert.ok(qkv, 'the first block reads its quantized qkv weight');
    const floatName = qkv.replace(/_int8$/, '');
    assert.ok(!t.paramNames.includes(floatName));
    assert.ok(detectorWeights(spec, stateDict).has(floatName));
  });
}

test('convert --quantize int8 writes an ONNX file that a fresh session runs with the in-process int8 outputs', {
  skip,
}, async () => {
  const src = join(ORACLE_DIR, 'checkpoints', 'finetune-vit.pth');
  const out = join(scratchDir('fsvfm-int8-'), 'det.onnx');
  const r = await convertCheckpoint(src, out, 'all', { numHeads: 3, batch: 4, precision: 'int8' });
  assert.equal(r.precision, 'int8');
  const bytes = readFileSync(out);
  const decoded = onnxProto.onnx.ModelProto.decode(bytes);
  const meta = Object.fromEntries(decoded.metadataProps!.map((e) => [e.key, e.value]));
  assert.equal(meta.fsvfm_precision, 'int8');
  assert.ok(decoded.opsetImport!.some((o) => o.domain === 'com.microsoft'));
  const int8Weights = decoded.graph!.initializer!.filter((i) => i.dataType === 3);
  assert.equal(int8Weights.length, 8, 'two blocks × four Linear layers stored as int8');
  const images = readOracleArray(join(ORACLE_DIR, 'inputs'), 'images');
  const feed = { images: new ort.Tensor('float32', images.data as Float32Array, images.shape) };
  const fresh = await (await ort.InferenceSession.create(bytes)).run(feed);
  const { stateDict } = await loadStateDict(src);
  const spec = detectorSpec(stateDict, { numHeads: 3 });
  const inProcess = await (
    await ort.InferenceSession.create(
      exportDetectorOnnx(spec, stateDict, { batch: 4, precision: 'int8' }).bytes,
    )
  ).run(feed);
  assert.deepEqual(
    Array.from(fresh.logits!.data as Float32Array),
    Array.from(inProcess.logits!.data as Float32Array),
  );
  const expected = readOracleArray(join(ORACLE_DIR, 'expected'), 'finetune_logits').data as Float32Array;
  const logits = fresh.logits!.data as Float32Array;
  for (const [i, e] of expected.entries())
    assert.ok(
      Math.abs(logits[i]! - e) <= 0.02 * (1 + Math.abs(e)),
      `logit ${i}: int8 ${logits[i]} vs official ${e}`,
    );
});

test('convert refuses --quantize int8 for a safetensors output', { skip }, async () => {
  const out = join(scratchDir('fsvfm-int8-'), 'w.safetensors');
  await assert.rejects(
    convertCheckpoint(join(ORACLE_DIR, 'checkpoints', 'finetune-vit.pth'), out, 'all', { precision: 'int8' }),
    /ONNX/,
  );
});

test('ScoringModel (scan, serve) with precision int8 says so and scores as the int8 export does', {
  skip,
}, async () => {
  const { ScoringModel } = await import('../src/detect/scoringModel.js');
  const src = join(ORACLE_DIR, 'checkpoints', 'finetune-vit.pth');
  const model = await ScoringModel.load(src, { numHeads: 3, batch: 4, precision: 'int8' });
  assert.equal(model.precision, 'int8');
  const images = readOracleArray(join(ORACLE_DIR, 'inputs'), 'images');
  const data = images.data as Float32Array;
  const per = data.length / 4;
  const scores = await model.scoreBatch([0, 1, 2, 3].map((i) => data.slice(i * per, (i + 1) * per)));
  const { stateDict } = await loadStateDict(src);
  const spec = detectorSpec(stateDict, { numHeads: 3 });
  const exported = await (
    await ort.InferenceSession.create(
      exportDetectorOnnx(spec, stateDict, { batch: 4, precision: 'int8' }).bytes,
    )
  ).run({ images: new ort.Tensor('float32', data, images.shape) });
  const p = exported.p_fake!.data as Float32Array;
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(scores[i]! - p[i]!) < 1e-6, `P(fake)[${i}]`);
});
