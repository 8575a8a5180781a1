import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  IMAGENET_STATS,
  NORM_STATS_FILE,
  normStatsForCheckpoint,
  parseNormStats,
  readNormStats,
  VGGFACE2_STATS,
  writeNormStats,
} from '../src/io/normStats.js';
import { openTorchCheckpoint, stateDict } from '../src/io/torchCheckpoint.js';
import { detectCheckpoint, encoderKeys } from '../src/models/checkpointKind.js';
import { encoderCount, expectedCount, fsAdapterTrainable, VIT_SIZES, vitSize } from '../src/models/sizes.js';
import { checkpointPath, needsOracle } from './io-fixtures.js';
import { scratchDir } from './scratchDir.js';

const tmp = scratchDir('fsvfm-io-norm-');

describe('pretrain_ds_mean_std.txt', () => {
  test('only the first line is read; the writer emits the json.dumps line', async () => {
    const line =
      '{"mean": [0.5482207536697388, 0.42340534925460815, 0.3654651641845703], "std": [0.2789176106452942, 0.2438540756702423, 0.23493893444538116]}';
    assert.deepEqual(parseNormStats(`${line}\n${line}\ngarbage\n`), VGGFACE2_STATS);
    const p = join(tmp, NORM_STATS_FILE);
    await writeNormStats(p, VGGFACE2_STATS);
    assert.equal(readFileSync(p, 'utf8'), `${line}\n`);
    assert.deepEqual(readNormStats(p), VGGFACE2_STATS);
  });
  test('fallbacks are explicit policies; malformed or required-but-missing files are errors', () => {
    const dir = join(tmp, 'run');
    mkdirSync(dir);
    const ckpt = join(dir, 'checkpoint-9.pth');
    const vgg = normStatsForCheckpoint(ckpt, 'vggface2');
    assert.deepEqual([vgg.stats, vgg.source], [VGGFACE2_STATS, 'vggface2']);
    assert.match(
      vgg.warning ?? '',
      /no pretrain_ds_mean_std\.txt next to .*checkpoint-9\.pth: normalising with the VGGFace2 statistics mean \[0\.548/,
    );
    const imagenet = normStatsForCheckpoint(ckpt, 'imagenet');
    assert.deepEqual([imagenet.stats, imagenet.source], [IMAGENET_STATS, 'imagenet']);
    assert.match(imagenet.warning ?? '', /ImageNet statistics mean \[0\.485/);
    assert.throws(
      () => normStatsForCheckpoint(ckpt, 'error'),
      /normalisation stats are required but .*pretrain_ds_mean_std\.txt does not exist/,
    );
    writeFileSync(join(dir, NORM_STATS_FILE), '{"mean": [0.1, 0.2], "std": [1, 1, 1]}\n');
    assert.throws(
      () => normStatsForCheckpoint(ckpt, 'vggface2'),
      /malformed normalisation stats \("mean" is not 3 numbers\)/,
    );
    writeFileSync(join(dir, NORM_STATS_FILE), 'mean=0.5\n');
    assert.throws(() => normStatsForCheckpoint(ckpt, 'imagenet'), /first line is not JSON/);
    writeFileSync(join(dir, NORM_STATS_FILE), '{"mean": [0.1, 0.2, 0.3], "std": [0.5, 0.5, 0.5]}');
    const got = normStatsForCheckpoint(ckpt, 'error');
    assert.equal(got.source, 'file');
    assert.deepEqual(got.stats.mean, [0.1, 0.2, 0.3]);
  });
});

describe('size registry', () => {
  test('parameter and tensor counts reproduce the SPEC §1.2 table', () => {
    const table = {
      S: [21664896, 297, 56242816, 188, 28221056, 152, 21666434, 156, 84578],
      B: [85797120, 297, 133734400, 188, 105516032, 152, 85800194, 156, 335042],
      L: [303299584, 441, 364402944, 332, 336053504, 296, 303303682, 300, 594178],
      H: [630762240, 537, 708454732, 428, 680035840, 392, 630767362, 396, 927042],
    } as const;
    for (const [name, row] of Object.entries(table)) {
      const c = VIT_SIZES[name as keyof typeof table];
      const on = expectedCount(c, 'pretrain-online');
      const te = expectedCount(c, 'pretrain-target');
      const ft = expectedCount(c, 'finetune-vit');
      const fa = expectedCount(c, 'fs-adapter');
      assert.deepEqual(
        [
          encoderCount(c).numel,
          on.tensors,
          on.numel,
          te.tensors,
          te.numel,
          ft.tensors,
          ft.numel,
          fa.tensors,
          fsAdapterTrainable(c),
        ],
        [...row],
        name,
      );
    }
  });
  test('names resolve; unknown names are rejected', () => {
    assert.equal(vitSize('fsfm_vit_base_patch16').embedDim, 768);
    assert.equal(vitSize('ViT-L/16').depth, 24);
    assert.equal(vitSize('h').patchSize, 14);
    assert.throws(() => vitSize('vit_giant'), /unknown model size 'vit_giant'/);
  });
  test('a registry-sized state dict is detected as that size', () => {
    const c = VIT_SIZES.S;
    const shapes = new Map<string, number[]>([
      ['cls_token', [1, 1, 384]],
      ['pos_embed', [1, 197, 384]],
      ['patch_embed.proj.weight', [384, 3, 16, 16]],
      ['blocks.11.norm1.weight', [384]],
      ['blocks.0.mlp.fc1.weight', [1536, 384]],
      ['head.weight', [2, 384]],
      ['fc_norm.weight', [384]],
    ]);
    const d = detectCheckpoint(shapes);
    assert.equal(d.kind, 'finetune-vit');
    assert.equal(d.size, 'S');
    assert.equal(d.config?.numHeads, c.numHeads);
    assert.equal(d.globalPool, true);
    assert.ok(
      d.notes.some((n) => n.level === 'warning' && /expected 152 tensors/.test(n.message)),
      'incomplete dict is flagged',
    );
  });
});

describe('checkpoint kind detection on the fixtures (custom D=96, depth 2)', { skip: needsOracle }, () => {
  const cases: [string, string, boolean | null, string][] = [
    ['pretrain-online.pth', 'pretrain-online', null, ''],
    ['pretrain-target.pth', 'pretrain-target', null, ''],
    ['finetune-vit.pth', 'finetune-vit', true, ''],
    ['fsadapter-vit.pth', 'fs-adapter', true, ''],
    ['fas-vit.pth.tar', 'fas', true, 'backbone.vit.'],
  ];
  for (const [file, kind, globalPool, prefix] of cases) {
    test(file, async () => {
      const ckpt = await openTorchCheckpoint(checkpointPath(file));
      const sd = stateDict(ckpt);
      ckpt.close();
      const d = detectCheckpoint(sd);
      assert.equal(d.kind, kind);
      assert.equal(d.size, 'custom');
      assert.equal(d.prefix, prefix);
      assert.equal(d.globalPool, globalPool);
      assert.equal(d.config?.embedDim, 96);
      assert.equal(d.config?.depth, 2);
      assert.equal(d.config?.patchSize, 16);
      assert.equal(d.config?.imgSize, 224);
      assert.equal(d.config?.numHeads, null, 'heads are unknown for a custom width');
      assert.ok(
        d.notes.some((n) => n.level === 'info' && /match a .* model of this size/.test(n.message)),
        JSON.stringify(d.notes),
      );
      assert.ok(!d.notes.some((n) => n.level === 'warning'), JSON.stringify(d.notes));
      if (kind === 'pretrain-online') {
        assert.deepEqual(d.config?.pixelDecoder, { dim: 64, depth: 2, heads: null });
        assert.deepEqual(d.config?.projector, { hidden: 192, out: 48 });
      }
      if (kind === 'fs-adapter') assert.equal(d.config?.adapterReduction, 4);
      const enc = encoderKeys(sd.keys(), prefix);
      assert.equal(enc.length, 4 + 12 * 2 + 2); // embeddings, 2 blocks, and norm (pretraining) or fc_norm
    });
  }
});
