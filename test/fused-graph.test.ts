// Fused inference graphs (com.microsoft:Attention, SkipLayerNormalization) against the plain-op graph that
// training traces: the same outputs within 1e-5.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import onnxProto from 'onnx-proto';
import ort from 'onnxruntime-node';
import { emitOnnx, Graph } from '../src/graph/index.js';
import { detectorSpec, detectorWeights, traceDetector } from '../src/models/detectorGraph.js';
import { encoderConfig } from '../src/models/encoderConfig.js';
import { inferenceWeights } from '../src/models/int8Weights.js';
import { loadStateDict } from '../src/models/loadStateDict.js';
import { loweringFor } from '../src/models/precision.js';
import { vitSize } from '../src/models/sizes.js';
import { vitClassifier } from '../src/models/vitClassifier.js';
import { seededRandom } from '../src/nn/random.js';
import { Scope } from '../src/nn/scope.js';
import { initStateDict } from '../src/nn/stateDict.js';
import { readOracleArray } from '../src/verify/oracle.js';
import { needsOracle, ORACLE_DIR } from './oracle-fixtures.js';

async function runBytes(bytes: Uint8Array, images: Float32Array, shape: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  const r = await session.run({ images: new ort.Tensor('float32', images, shape) });
  return r.logits!.data as Float32Array;
}

function assertClose(fused: Float32Array, plain: Float32Array, what: string): void {
  assert.equal(fused.length, plain.length);
  for (let i = 0; i < plain.length; i++)
    assert.ok(
      Math.abs(fused[i]! - plain[i]!) <= 1e-5,
      `${what} logit ${i}: fused ${fused[i]} vs plain ${plain[i]}`,
    );
}

const opTypes = (bytes: Uint8Array): string[] =>
  onnxProto.onnx.ModelProto.decode(bytes).graph!.node!.map((n) => n.opType!);

for (const file of ['finetune-vit.pth', 'fsadapter-vit.pth']) {
  test(`${file}: the fused inference graph gives the plain graph's logits within 1e-5`, {
    skip: needsOracle,
  }, async () => {
    const { stateDict } = await loadStateDict(join(ORACLE_DIR, 'checkpoints', file));
    const spec = detectorSpec(stateDict, { numHeads: 3 });
    const weights = detectorWeights(spec, stateDict);
    const images = readOracleArray(join(ORACLE_DIR, 'inputs'), 'images');
    const emit = (fused: boolean): Uint8Array => {
      const t = traceDetector(new Graph(), spec, 4, 'fp32', fused);
      return emitOnnx({ logits: t.logits! }, { initializers: inferenceWeights(t.params, weights) }).bytes;
    };
    const [plain, fused] = [emit(false), emit(true)];
    const ops = opTypes(fused);
    assert.equal(ops.filter((o) => o === 'Attention').length, spec.encoder.depth);
    assert.equal(ops.filter((o) => o === 'SkipLayerNormalization').length, spec.encoder.depth);
    assert.ok(!opTypes(plain).includes('Attention'), 'the plain graph keeps standard ops');
    const data = images.data as Float32Array;
    assertClose(await runBytes(fused, data, images.shape), await runBytes(plain, data, images.shape), file);
  });
}

test('ViT-S/16 (12 blocks, 6 heads, random weights): fused and plain graphs agree within 1e-5', async () => {
  const cfg = { ...encoderConfig(vitSize('S')), numClasses: 2, globalPool: true };
  const trace = (fused: boolean) => {
    const g = new Graph();
    const lowering = loweringFor('fp32', fused);
    const s = Scope.root(g, { training: false, ...(lowering ? { inference: lowering } : {}) });
    const { logits } = vitClassifier(s, g.input('images', 'float32', [1, 3, 224, 224]), cfg);
    return { s, logits };
  };
  const plain = trace(false);
  const weights = initStateDict(plain.s.registry.list(), seededRandom(0));
  // a head with weights of the encoder's scale, so the logits are not all near 0
  const head = weights.get('head.weight')!;
  const rng = seededRandom(5);
  for (let i = 0; i < head.data.length; i++) head.data[i] = rng.normal() * 0.05;
  const fused = trace(true);
  const bytes = (t: typeof plain) =>
    emitOnnx({ logits: t.logits }, { initializers: inferenceWeights(t.s.registry.list(), weights) }).bytes;
  const images = new Float32Array(3 * 224 * 224);
  for (let i = 0; i < images.length; i++) images[i] = rng.normal();
  assertClose(
    await runBytes(bytes(fused), images, [1, 3, 224, 224]),
    await runBytes(bytes(plain), images, [1, 3, 224, 224]),
    'ViT-S',
  );
});
