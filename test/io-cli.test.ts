import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { SafetensorsFile } from '../src/io/safetensors.js';
import { openTorchCheckpoint, stateDict } from '../src/io/torchCheckpoint.js';
import { checkpointPath, needsOracle, repoRoot } from './io-fixtures.js';
import { scratchDir } from './scratchDir.js';

const tmp = scratchDir('fsvfm-io-cli-');

const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
  });

describe('fsvfm inspect / convert', { skip: needsOracle }, () => {
  test('inspect --json describes a pretraining checkpoint', () => {
    const r = cli('inspect', checkpointPath('pretrain-online.pth'), '--json');
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(j.format, 'pth');
    assert.equal(j.archiveFolder, 'checkpoint-0');
    assert.deepEqual(j.topLevelKeys, ['model', 'optimizer', 'epoch', 'scaler', 'args']);
    assert.equal(j.epoch, 0);
    assert.equal(j.kind, 'pretrain-online');
    assert.equal(j.size, 'custom');
    assert.equal(j.tensors, 105);
    assert.equal(j.parameters, 794368);
    assert.deepEqual(j.dtypes, { float32: 105 });
    assert.equal((j.normStats as { present: boolean }).present, false);
    assert.ok((j.bytesRead as number) < 0.5 * (j.fileSize as number), 'inspect reads headers only');
  });

  test('convert --part encoder writes the §2.3(a) keys (+norm) bit-exactly with metadata; prefix is stripped for FAS', async () => {
    const out = join(tmp, 'enc.safetensors');
    const r = cli('convert', checkpointPath('fas-vit.pth.tar'), '--to', out, '--part', 'encoder', '--json');
    assert.equal(r.status, 0, r.stderr);
    const f = SafetensorsFile.open(out);
    assert.equal(f.metadata.kind, 'encoder-only');
    assert.equal(f.metadata.source_kind, 'fas');
    assert.equal(f.metadata.source, 'fas-vit.pth.tar');
    assert.equal(f.metadata.embed_dim, '96');
    assert.equal(f.tensors.size, 4 + 24 + 2);
    assert.ok(
      f.tensors.has('cls_token') &&
        f.tensors.has('fc_norm.weight') &&
        !f.tensors.has('embedder.bottleneck_layer_fc.weight'),
    );
    const ckpt = await openTorchCheckpoint(checkpointPath('fas-vit.pth.tar'));
    const sd = stateDict(ckpt);
    for (const name of f.tensors.keys())
      assert.deepEqual(await f.read(name), await sd.get(`backbone.vit.${name}`)!.read(), name);
    ckpt.close();
    f.close();
  });

  test('convert --part all keeps every tensor; clear errors for detector-of-pretrain, onnx, bad input', () => {
    const out = join(tmp, 'all.safetensors');
    const ok = cli(
      'convert',
      checkpointPath('finetune-vit.pth'),
      '--to',
      out,
      '--part',
      'detector',
      '--json',
    );
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal((JSON.parse(ok.stdout) as { tensors: number }).tensors, 32);
    const det = cli('convert', checkpointPath('pretrain-target.pth'), '--to', out, '--part', 'detector');
    assert.equal(det.status, 2);
    assert.match(det.stderr, /pretrain-target checkpoint, not a detector/);
    const onnx = cli('convert', checkpointPath('finetune-vit.pth'), '--to', join(tmp, 'm.onnx'));
    assert.equal(onnx.status, 2);
    assert.match(onnx.stderr, /does not record its head count: pass --num_heads/);
    assert.doesNotMatch(onnx.stderr, /\n\s+at /);
    const exported = cli(
      'convert',
      checkpointPath('finetune-vit.pth'),
      '--to',
      join(tmp, 'm.onnx'),
      '--num_heads',
      '3',
    );
    assert.equal(exported.status, 0, exported.stderr);
    const bad = cli('inspect', join(repoRoot, 'package.json'));
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /neither a torch zip checkpoint/);
    assert.doesNotMatch(bad.stderr, /at .*\.ts:\d+/, 'no stack trace');
  });
});
