// Pieces of `fsvfm pretrain`: the NaN-skip rule, clear errors for bad input, the loader's resumable streams, the
// official parameter order and the reconstruction picture.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { scanPretrainDataset } from '../src/data/loaders/pretrainDataset.js';
import { PretrainLoader } from '../src/data/loaders/pretrainLoader.js';
import { LoaderPool } from '../src/data/loaders/workerPool.js';
import { seededRandom } from '../src/nn/random.js';
import { GraphTrainer } from '../src/train/graphTrainer.js';
import { weightDecayGroups } from '../src/train/paramGroups.js';
import { officialOrder } from '../src/train/pretrain/paramOrder.js';
import {
  initialWeights,
  orderedSpecs,
  pretrainTrainerSpec,
  TARGET_PREFIX,
  tracePretrainStep,
} from '../src/train/pretrain/pretrainGraph.js';
import { PretrainInputError } from '../src/train/pretrain/pretrainInputError.js';
import { runPretrain } from '../src/train/pretrain/pretrainLoop.js';
import { pretrainSize } from '../src/train/pretrain/pretrainOptions.js';
import { batchFeeds, lossVerdict, pretrainStep } from '../src/train/pretrain/pretrainStep.js';
import { reconstructedImage } from '../src/train/pretrain/reconstructionSheet.js';
import { needsOracle } from './oracle-fixtures.js';
import { tempDir, tinyOptions, writeTinyPretrainSet } from './pretrain-fixtures.js';

/** Tests that read the tiny pre-training set made from the oracle faces. */
const skip = needsOracle;
const STATS = { mean: [0.5, 0.4, 0.3], std: [0.25, 0.2, 0.2] } as const;
const MASK = { strategy: 'crfr-p', patchSize: 16, maskRatio: 0.75 } as const;

describe('pretrain pieces', () => {
  let data = '';
  before(async () => {
    if (!skip) data = await writeTinyPretrainSet(tempDir('units'), 8);
  });

  test('bad input gives clear input errors', { skip }, async () => {
    const empty = tempDir('empty');
    mkdirSync(path.join(empty, 'images'));
    await assert.rejects(runPretrain(tinyOptions(empty, tempDir('o'))), (e: Error) => {
      assert.ok(e instanceof PretrainInputError);
      assert.match(e.message, /holds no images/);
      return true;
    });
    const noMaps = tempDir('nomaps');
    await writeTinyPretrainSet(noMaps, 4);
    rmSync(path.join(noMaps, 'parsing_maps', 'face_002.npy'));
    await assert.rejects(
      runPretrain(tinyOptions(noMaps, tempDir('o'))),
      /1 of 4 images .* have no parsing map .*face_002\.png/,
    );
    rmSync(path.join(noMaps, 'parsing_maps'), { recursive: true });
    assert.throws(() => scanPretrainDataset([noMaps]), /no parsing_maps\/ folder/);
    await assert.rejects(
      runPretrain(tinyOptions(data, tempDir('o'), { model: 'fsfm_vit_tiny_patch16' })),
      (e: Error) =>
        e instanceof PretrainInputError &&
        /unknown --model 'fsfm_vit_tiny_patch16'.*fsfm_vit_small_patch16/.test(e.message),
    );
    await assert.rejects(
      runPretrain(tinyOptions(data, tempDir('o'), { batchSize: 64 })),
      /8 images, fewer than one batch of 64/,
    );
    await assert.rejects(
      runPretrain(tinyOptions(data, tempDir('o'), { resume: tempDir('none') })),
      /holds no checkpoint/,
    );
    const badMap = tempDir('badmap');
    await writeTinyPretrainSet(badMap, 4);
    writeFileSync(path.join(badMap, 'parsing_maps', 'face_001.npy'), 'not a npy file');
    await assert.rejects(runPretrain(tinyOptions(badMap, tempDir('o'))), (e: Error) => {
      assert.ok(e instanceof PretrainInputError);
      assert.match(e.message, /face_001\.npy: not a \.npy file/);
      return true;
    });
  });

  test('the CLI reports bad input in one line, without a stack trace', () => {
    const empty = tempDir('cli');
    mkdirSync(path.join(empty, 'images'));
    const root = path.resolve(import.meta.dirname, '..');
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'pretrain', ...args], {
        cwd: root,
        encoding: 'utf8',
      });
    const r = run('--data', empty, '--output_dir', tempDir('cli-out'));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^fsvfm: .*images holds no images/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    const m = run('--data', empty, '--model', 'custom', '--embed_dim', '32');
    assert.equal(m.status, 2);
    assert.match(m.stderr, /--model custom needs --depth/);
  });

  test('registry sizes by official name, custom sizes checked', () => {
    assert.equal(pretrainSize({ model: 'fsfm_vit_small_patch16' }).embedDim, 384);
    assert.equal(pretrainSize({ model: 'fsfm_vit_large_patch16' }).depth, 24);
    assert.throws(() => pretrainSize({ model: 'custom' }), /--model custom needs/);
    const custom = tinyOptions('', '').custom!;
    assert.throws(
      () => pretrainSize({ model: 'custom', custom: { ...custom, numHeads: 3 } }),
      /embed_dim \/ num_heads = 32 \/ 3/,
    );
  });

  test('official parameter order (state dict and optimizer indices)', () => {
    const names = [
      'blocks.1.norm1.weight',
      'norm.weight',
      'blocks.0.attn.qkv.weight',
      'patch_embed.proj.weight',
      'decoder_pred.bias',
      'mask_token',
      'cls_token',
      'predictor.projection_head.0.weight',
      'rep_decoder_blocks.0.norm1.weight',
      'projector.projection_head.0.weight',
      'blocks.10.norm1.weight',
      'blocks.2.norm1.weight',
    ];
    assert.deepEqual(officialOrder(names), [
      'cls_token',
      'mask_token',
      'patch_embed.proj.weight',
      'blocks.0.attn.qkv.weight',
      'blocks.1.norm1.weight',
      'blocks.2.norm1.weight',
      'blocks.10.norm1.weight',
      'norm.weight',
      'projector.projection_head.0.weight',
      'predictor.projection_head.0.weight',
      'rep_decoder_blocks.0.norm1.weight',
      'decoder_pred.bias',
    ]);
  });

  test('loader: same seed → same batches; a restored mid-epoch state continues the same stream', {
    skip,
  }, async () => {
    const samples = scanPretrainDataset([data]);
    const pool = new LoaderPool(0);
    const opts = { batchSize: 2, imgSize: 224, stats: STATS, mask: MASK, seed: 3, prefetch: 2 };
    const a = new PretrainLoader(samples, pool, opts);
    const seen: string[] = [];
    const key = (b: { masks: Uint8Array; images: Float32Array }) => `${b.masks.join('')}|${b.images[123]}`;
    let saved = a.state();
    for (let e = 0; e < 2; e++) {
      a.startEpoch(e);
      for (let s = 0; s < a.stepsPerEpoch; s++) {
        if (e === 1 && s === 1) saved = a.state();
        seen.push(key(await a.next()));
      }
    }
    assert.equal(new Set(seen).size, seen.length, 'every batch differs');
    const b = new PretrainLoader(samples, pool, opts);
    b.restore(saved);
    b.startEpoch(saved.epoch, saved.step);
    const rest: string[] = [];
    for (let s = saved.step; s < b.stepsPerEpoch; s++) rest.push(key(await b.next()));
    assert.deepEqual(rest, seen.slice(a.stepsPerEpoch + 1));
    await pool.close();
  });

  test('NaN contrastive loss: the batch is skipped (no update, no EMA, window gradients dropped)', {
    skip,
  }, async () => {
    const opts = tinyOptions(data, '', { batchSize: 2, accumIter: 2 });
    const size = pretrainSize(opts);
    const graph = tracePretrainStep(size, 2, opts);
    const specs = orderedSpecs(graph.online.registry);
    const trainable = (n: string) => graph.online.registry.specs.get(n)?.trainable ?? false;
    const init = initialWeights(graph, 0);
    // the target starts as an exact copy of the online weights it shares (SPEC §1.5)
    assert.deepEqual(
      init.target.get(`${TARGET_PREFIX}blocks.0.attn.qkv.weight`)!.data,
      init.online.get('blocks.0.attn.qkv.weight')!.data,
    );
    const trainer = await GraphTrainer.create(
      pretrainTrainerSpec(graph, weightDecayGroups(specs, 0.05, trainable), 1),
      { params: init.online, teacher: init.target },
      { rng: seededRandom(0), accumSteps: 2, threads: 1 },
    );
    const pool = new LoaderPool(0);
    const loader = new PretrainLoader(scanPretrainDataset([data]), pool, {
      batchSize: 2,
      imgSize: 224,
      stats: STATS,
      mask: MASK,
      seed: 0,
      prefetch: 0,
    });
    loader.startEpoch(0);
    const good = batchFeeds(await loader.next(), 224, graph.numPatches, graph.nKeep);
    const badBatch = await loader.next();
    badBatch.images.fill(Number.NaN, 0, 3 * 224 * 224);
    const bad = batchFeeds(badBatch, 224, graph.numPatches, graph.nKeep);
    const hp = { lr: 1e-3, emaMomentum: 0.9 };
    const r1 = await pretrainStep(trainer, good, hp); // accumulates (window position 0)
    assert.equal(r1.kind, 'ok');
    assert.notEqual(trainer.accumulation().buffers, null);
    const copy = (sd: Map<string, { data: Float32Array }>) =>
      new Map([...sd].map(([k, v]) => [k, Float32Array.from(v.data)]));
    const params = copy(trainer.state.params);
    const teacher = copy(trainer.state.teacher!);
    const slots = copy(trainer.state.slots);
    const r2 = await pretrainStep(trainer, bad, hp); // would apply: skipped instead
    assert.equal(r2.kind, 'skipped');
    assert.ok(!Number.isFinite(r2.metrics.loss_cl!));
    assert.equal(trainer.state.step, 0, 'no optimizer step');
    assert.deepEqual(copy(trainer.state.params), params, 'no update');
    assert.deepEqual(copy(trainer.state.teacher!), teacher, 'no EMA');
    assert.deepEqual(copy(trainer.state.slots), slots, 'optimizer slots untouched');
    assert.deepEqual(
      trainer.accumulation(),
      { count: 0, buffers: null },
      'window advanced, gradients dropped',
    );
    const r3 = await pretrainStep(trainer, good, hp);
    assert.equal(r3.kind, 'ok');
    assert.equal(trainer.state.step, 0, 'a new window starts: position 0 only accumulates');
    await pretrainStep(trainer, good, hp);
    assert.equal(trainer.state.step, 1, 'and the window steps at its end');
    for (const v of trainer.state.params.values()) assert.ok(v.data.every(Number.isFinite));
    // a finite contrastive loss with a non-finite total aborts the run
    assert.equal(lossVerdict({ loss_cl: 0.1, total: Number.POSITIVE_INFINITY }), 'abort');
    assert.equal(lossVerdict({ loss_cl: Number.NaN, total: Number.NaN }), 'skip');
    assert.equal(lossVerdict({ loss_cl: -0.2, total: 1 }), 'ok');
    await pool.close();
  });

  test('reconstruction picture: a perfect prediction gives back the original pixels', () => {
    const S = 32;
    const p = 16;
    const rng = seededRandom(1);
    const pixels = Uint8Array.from({ length: S * S * 3 }, () => Math.floor(rng.uniform() * 256));
    const plane = S * S;
    const inputs = new Float32Array(3 * plane);
    for (let i = 0; i < plane; i++)
      for (let c = 0; c < 3; c++)
        inputs[c * plane + i] = (pixels[i * 3 + c]! / 255 - STATS.mean[c]!) / STATS.std[c]!;
    const N = (S / p) ** 2;
    const pred = new Float32Array(N * p * p * 3);
    for (let l = 0; l < N; l++)
      for (let i = 0; i < p; i++)
        for (let j = 0; j < p; j++)
          for (let c = 0; c < 3; c++) {
            const y = Math.floor(l / 2) * p + i;
            const x = (l % 2) * p + j;
            pred[l * p * p * 3 + (i * p + j) * 3 + c] = inputs[c * plane + y * S + x]!;
          }
    const base = {
      originals: [],
      inputs,
      masks: new Uint8Array(N),
      sfr: new Uint8Array(N),
      pred,
      imgSize: S,
      patch: p,
      stats: STATS,
    };
    assert.deepEqual(reconstructedImage({ ...base, normPix: false }, 0).data, pixels);
    // norm-pix: the zero prediction is the patch mean; a unit prediction along the patch's own deviation restores it
    const flat = reconstructedImage({ ...base, pred: new Float32Array(pred.length), normPix: true }, 0).data;
    assert.notDeepEqual(flat, pixels);
  });
});
