import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { downstreamChecks } from '../src/verify/downstreamChecks.js';
import { NO_CHECK_REASON, verifyFixtures } from '../src/verify/verifyFixtures.js';
import { needsOracle, ORACLE_DIR } from './oracle-fixtures.js';
import { scratchDir } from './scratchDir.js';

interface Summary {
  passed: number;
  failed: number;
  skipped: number;
  checks: Record<string, string>;
  skipReasons: Record<string, string>;
}

function verifyCli(dir: string): { status: number | null; stdout: string; summary: Summary } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'verify-fixtures', dir], {
    encoding: 'utf8',
  });
  const lines = r.stdout.trim().split('\n');
  return { status: r.status, stdout: r.stdout, summary: JSON.parse(lines[lines.length - 1]!) as Summary };
}

const stemsIn = (dir: string) =>
  new Set(readdirSync(join(dir, 'expected')).map((n) => n.replace(/\.(bin|json)$/, '')));

test('fsvfm verify-fixtures reproduces every expected file of the shared oracle set', {
  skip: needsOracle,
}, () => {
  const { status, stdout, summary } = verifyCli(ORACLE_DIR);
  assert.deepEqual(
    Object.keys(summary.checks).sort(),
    [...stemsIn(ORACLE_DIR)].sort(),
    'one entry per expected file',
  );
  const notPassing = Object.entries(summary.checks).filter(([, v]) => v !== 'pass');
  assert.deepEqual(notPassing, [], stdout);
  assert.equal(summary.failed, 0);
  assert.equal(summary.skipped, 0);
  assert.deepEqual(summary.skipReasons, {});
  assert.equal(status, 0);
});

/** `get_2d_sincos_pos_embed(dim, 14)` columns taken from the recorded 512-wide table. */
function sincosColumns(table512: Float32Array, dim: number): Float32Array {
  // Each half (rows, then columns of the grid) is [sin | cos] over frequencies 10000^(-i/(D/4)); the table for a
  // width dim uses every (512/dim)-th frequency of the 512-wide one, computed from the same float64 exponents.
  const step = 512 / dim;
  const quarter = dim / 4;
  const rows = table512.length / 512;
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < dim; c++) {
      const half = Math.floor(c / (2 * quarter));
      const cos = Math.floor((c % (2 * quarter)) / quarter);
      const src = half * 256 + cos * 128 + (c % quarter) * step;
      out[r * dim + c] = table512[r * 512 + src]!;
    }
  return out;
}

const readF32 = (file: string) => {
  const b = readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

/**
 * The oracle set as the generator writes it for a pixel decoder of width 128 and depth 1 and a rep decoder of depth 1
 * (its generation_record.json says so). Its pre-training checkpoints hold that decoder, which no fixture here has,
 * so they are absent; the sin-cos table of the old decoder width is gone and the 128-wide one is there (the official
 * values, taken from the 512-wide table); one expected file was dropped and one renamed.
 */
function otherWidthsSet(): string {
  const dir = scratchDir('fsvfm-other-widths-');
  cpSync(ORACLE_DIR, dir, { recursive: true });
  const exp = (name: string) => join(dir, 'expected', name);
  const recordFile = join(dir, 'generation_record.json');
  const record = JSON.parse(readFileSync(recordFile, 'utf8'));
  record.set = 'other-widths';
  Object.assign(record.model_config, { decoder_embed_dim: 128, decoder_depth: 1, rep_decoder_depth: 1 });
  writeFileSync(recordFile, JSON.stringify(record, null, 1));
  for (const f of ['pretrain-online.pth', 'pretrain-target.pth']) rmSync(join(dir, 'checkpoints', f));

  const table512 = readF32(exp('pos_embed_sincos_512_g14.bin'));
  assert.deepEqual(
    sincosColumns(table512, 64),
    readF32(exp('pos_embed_sincos_64_g14.bin')),
    'column selection',
  );
  const table128 = sincosColumns(table512, 128);
  const bytes = new Uint8Array(table128.buffer);
  writeFileSync(exp('pos_embed_sincos_128_g14.bin'), bytes);
  const sidecar = JSON.parse(readFileSync(exp('pos_embed_sincos_64_g14.json'), 'utf8'));
  Object.assign(sidecar, {
    file: 'pos_embed_sincos_128_g14.bin',
    shape: [197, 128],
    numel: table128.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    produced_by: 'util/pos_embed.py get_2d_sincos_pos_embed(128, 14, cls_token=True) cast to float32',
  });
  writeFileSync(exp('pos_embed_sincos_128_g14.json'), JSON.stringify(sidecar, null, 1));
  const posEmbed = JSON.parse(readFileSync(exp('pos_embed.json'), 'utf8'));
  const sums = { sum: 0, abs_sum: 0, sum_sq: 0 };
  for (const v of table128) {
    sums.sum += v;
    sums.abs_sum += Math.abs(v);
    sums.sum_sq += v * v;
  }
  const row = (i: number) => Array.from(table128.subarray(i * 128, (i + 1) * 128));
  posEmbed.tables = posEmbed.tables.map((t: { embed_dim?: number }) =>
    t.embed_dim === 64
      ? {
          embed_dim: 128,
          grid_size: 14,
          shape: [197, 128],
          file: 'pos_embed_sincos_128_g14.bin',
          row0: row(0),
          row1: row(1),
          row_last: row(196),
          ...sums,
        }
      : t,
  );
  writeFileSync(exp('pos_embed.json'), JSON.stringify(posEmbed, null, 1));
  for (const ext of ['bin', 'json']) {
    rmSync(exp(`pos_embed_sincos_64_g14.${ext}`));
    rmSync(exp(`fas_cls_out.${ext}`));
    renameSync(exp(`finetune_logits.${ext}`), exp(`finetune_logits_eval.${ext}`));
  }
  return dir;
}

test('a set generated with other widths and depths: every check with data runs, the others say what is absent', {
  skip: needsOracle,
}, () => {
  const dir = otherWidthsSet();
  const { status, stdout, summary } = verifyCli(dir);
  assert.equal(status, 0, stdout);
  assert.equal(summary.failed, 0, stdout);
  for (const stem of stemsIn(dir)) assert.ok(stem in summary.checks, `${stem} reported`);
  const passing = Object.keys(summary.checks).filter((s) => summary.checks[s] === 'pass');
  assert.deepEqual(passing, [
    'checkpoints_description',
    'crfrp_stats',
    'fas_backbone_tokens',
    'fas_checkpoint',
    'fas_embedder_features',
    'finetune_features',
    'finetune_probs',
    'fsadapter_adapter_out',
    'fsadapter_bottleneck',
    'fsadapter_features',
    'fsadapter_logits',
    'fsadapter_proj_normalized',
    'fsadapter_realanchor_losses',
    'metrics',
    'pos_embed',
    'pos_embed_sincos_128_g14',
    'pos_embed_sincos_192_g14',
    'pos_embed_sincos_512_g14',
    'pos_embed_sincos_96_g14',
    'pretrain_latent_patch_index',
    'pretrain_losses',
  ]);
  assert.equal(summary.passed, passing.length);
  assert.equal(summary.skipped, Object.keys(summary.checks).length - passing.length);
  assert.ok(!('pos_embed_sincos_64_g14' in summary.checks), 'the old decoder width is not expected');
  const why = summary.skipReasons;
  assert.match(why.finetune_logits!, /not in this set: expected\/finetune_logits\.bin/);
  assert.equal(why.finetune_logits_eval, NO_CHECK_REASON);
  assert.match(why.fas_cls_out!, /expected\/fas_cls_out\.bin/);
  for (const stem of ['pretrain_latent', 'target_features_cl', 'pretrain_grads', 'pos_embed_interp_14_to_16'])
    assert.match(
      why[stem] ?? why[`${stem}:fresh_optimizer (host)`] ?? '',
      /checkpoints\/pretrain-online\.pth/,
      stem,
    );
  assert.match(why['pretrain_adamw_step:resumed_optimizer (host)']!, /pretrain-target\.pth/);
  assert.match(why['pretrain_losses:rec+simsiam']!, /pretrain-online\.pth/);
  assert.match(why['checkpoints_description:pretrain-target.pth']!, /checkpoints\/pretrain-target\.pth/);
  assert.match(stdout, /skipped part missing keys: not in this set: checkpoints\/pretrain-online\.pth/);
  assert.match(stdout, /^skipped finetune_logits_eval +no check reproduces this file$/m);
});

test('an unreadable expected file fails its own check; the others still run', {
  skip: needsOracle,
}, async () => {
  const dir = scratchDir('fsvfm-broken-set-');
  cpSync(ORACLE_DIR, dir, { recursive: true });
  writeFileSync(join(dir, 'expected', 'fsadapter_logits.bin'), new Uint8Array(12));
  writeFileSync(join(dir, 'expected', 'fas_checkpoint.json'), '{ not json');
  const report = await verifyFixtures(dir, { suites: [{ name: 'downstream', checks: downstreamChecks }] });
  const failing = Object.keys(report.checks).filter((s) => report.checks[s] === 'fail');
  assert.deepEqual(failing, ['fas_checkpoint', 'fsadapter_logits']);
  assert.match(report.results.fsadapter_logits!.detail!, /has 3 values, its sidecar shape needs 8/);
  assert.match(report.results.fas_checkpoint!.detail!, /JSON/);
  assert.equal(report.passed, Object.keys(report.checks).length - 2);
});

test('fsvfm verify-fixtures on a folder that is not a fixture set says so without a stack trace', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'verify-fixtures', 'src'], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /not a fixture folder: 'checkpoints\/' is missing/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});
