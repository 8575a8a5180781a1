// Calibrated verdicts: the threshold rules on known scores, the calibration.json a training run writes beside its
// checkpoints (one entry per checkpoint), and the precedence scans use (--calibration, --threshold, the file beside the
// checkpoint, 0.5).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, test } from 'node:test';
import onnxProto from 'onnx-proto';
import { resolveThreshold } from '../src/detect/index.js';
import { chooseThreshold } from '../src/eval/calibrationThreshold.js';
import { CALIBRATION_FILE, type CalibrationEntry, recordCalibration } from '../src/io/calibrationFile.js';
import { convertCheckpoint } from '../src/models/convertCheckpoint.js';
import { finetune } from '../src/train/finetune/index.js';
import { calibrationEntry } from '../src/train/run/calibrationEntry.js';
import { repoRoot } from './faces-media.js';
import { SKIP_REASON, tinyFinetune, tinyFinetuneRoot, writeRealFakeFolder } from './protocol-fixtures.js';
import { scratchDir } from './scratchDir.js';

test('eer-midpoint: the EER point of known scores, and the middle of the gap when the classes separate', () => {
  // overlapping: t = 0.5 leaves one real above and one fake below (FAR = FRR = 1/3), no other t balances them
  const o = chooseThreshold([0.1, 0.4, 0.6, 0.3, 0.7, 0.8], [0, 0, 0, 1, 1, 1], 'eer-midpoint');
  assert.equal(o.threshold, 0.5);
  assert.ok(Math.abs(o.eer - 1 / 3) < 1e-12 && Math.abs(o.far - 1 / 3) < 1e-12);
  assert.deepEqual([o.real, o.fake], [3, 3]);
  // separated: every t in (0.2, 0.6) is an EER of 0; the rule takes the candidate in the middle of the gap
  const s = chooseThreshold([0.1, 0.2, 0.6, 0.9], [0, 0, 1, 1], 'eer-midpoint');
  assert.equal(s.threshold, 0.4);
  assert.equal(s.eer, 0);
  // the same separated set by the official FAS grid rule: a grid threshold inside the gap, also EER 0
  const g = chooseThreshold([0.1, 0.2, 0.6, 0.9], [0, 0, 1, 1], 'fas-grid-eer');
  assert.ok(g.threshold > 0.2 && g.threshold <= 0.6, `grid threshold ${g.threshold}`);
  assert.equal(g.eer, 0);
  assert.throws(() => chooseThreshold([0.1, 0.2], [0, 0], 'eer-midpoint'), /needs both classes/);
  assert.throws(() => chooseThreshold([0.1, 1.2], [0, 1], 'eer-midpoint'), /in \[0, 1\]/);
});

const entry = (threshold: number): CalibrationEntry => ({
  threshold,
  source: `rule on split (t=${threshold})`,
  rule: 'eer-midpoint',
  split: 'the validation split',
  counts: { real: 2, fake: 2, unit: 'images' },
  auc: 1,
  eer: 0,
});

test('a calibration entry records the framing of its split and names it when a scan frames otherwise', () => {
  const scores = { pFake: [0.1, 0.4, 0.6, 0.9], isFake: [0, 0, 1, 1], unit: 'images' as const };
  const how = { rule: 'eer-midpoint' as const, split: 'the validation split', auc: 1 };
  const asScanned = calibrationEntry(scores, { ...how, transform: 'resize' });
  const centreCropped = calibrationEntry(scores, { ...how, transform: 'resize256-centercrop224' });
  assert.ok('entry' in asScanned && 'entry' in centreCropped);
  assert.equal(asScanned.entry.transform, 'resize');
  assert.doesNotMatch(asScanned.entry.source, /inputs/);
  assert.equal(centreCropped.entry.transform, 'resize256-centercrop224');
  assert.match(centreCropped.entry.source, /AUC 1\.000, inputs resize256-centercrop224\)$/);
  assert.equal(asScanned.entry.threshold, centreCropped.entry.threshold);
});

test('calibration.json: one entry per checkpoint; precedence --calibration, --threshold, beside, default', async () => {
  const dir = scratchDir('fsvfm-cal-');
  const a = path.join(dir, 'checkpoint-min_val_loss.pth');
  const b = path.join(dir, 'checkpoint-last.pth');
  await recordCalibration(a, entry(0.3), true);
  await recordCalibration(b, entry(0.7));
  const file = path.join(dir, CALIBRATION_FILE);
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(doc.threshold, 0.3, 'the recommended checkpoint is the top level');
  assert.deepEqual(Object.keys(doc.checkpoints).sort(), [
    'checkpoint-last.pth',
    'checkpoint-min_val_loss.pth',
  ]);

  const beside = resolveThreshold({ model: b });
  assert.equal(beside.threshold, 0.7);
  assert.match(beside.source, /t=0\.7.*calibration\.json beside the checkpoint/);
  assert.deepEqual(resolveThreshold({ model: b, threshold: 0.42 }), { threshold: 0.42, source: 'option' });
  // explicit file: the model's own entry; a checkpoint it does not list gets the recommended top level
  assert.equal(resolveThreshold({ model: b, calibration: file }).threshold, 0.7);
  assert.equal(
    resolveThreshold({ model: path.join(tmpdir(), 'elsewhere.pth'), calibration: file }).threshold,
    0.3,
  );
  // beside, but no entry for this file name: those thresholds belong to other weights
  assert.deepEqual(resolveThreshold({ model: path.join(dir, 'checkpoint-9.pth') }), {
    threshold: 0.5,
    source: 'default (calibration.json beside the checkpoint has no entry for checkpoint-9.pth)',
  });
  // a checkpoint saved without a threshold loses its stale entry
  await recordCalibration(b, null);
  assert.match(resolveThreshold({ model: b }).source, /^default \(calibration\.json .* no entry/);
  await recordCalibration(a, null);
  assert.ok(!existsSync(file), 'the file goes with its last entry');
  assert.deepEqual(resolveThreshold({ model: a }), { threshold: 0.5, source: 'default' });
  // a hand-written plain file applies to every checkpoint of its folder
  writeFileSync(file, JSON.stringify({ threshold: 0.61, source: 'EER on my dev set' }));
  assert.deepEqual(resolveThreshold({ model: a }), {
    threshold: 0.61,
    source: 'EER on my dev set (calibration.json beside the checkpoint)',
  });
  writeFileSync(file, '{"threshold": 7}');
  assert.throws(() => resolveThreshold({ model: a }), /"threshold" must be a number in \[0, 1\]/);
});

let root = '';
const base = () => tinyFinetune(root);

before(async () => {
  if (SKIP_REASON) return;
  root = await tinyFinetuneRoot('fsvfm-cal-ft-');
  await writeRealFakeFolder(path.join(root, 'noval', 'train'), 4);
});

test('a tiny fine-tuning with a validation split writes calibration.json; scan uses it unless given --threshold', {
  skip: SKIP_REASON,
  timeout: 300_000,
}, async () => {
  const out = path.join(root, 'ft');
  await finetune({ ...base(), trainable: 'fs-adapter', outputDir: out });
  const doc = JSON.parse(readFileSync(path.join(out, CALIBRATION_FILE), 'utf8'));
  for (const name of ['checkpoint-1.pth', 'checkpoint-last.pth', 'checkpoint-min_val_loss.pth']) {
    const e = doc.checkpoints[name] as CalibrationEntry;
    assert.ok(e, `an entry for ${name}`);
    assert.equal(e.rule, 'eer-midpoint');
    assert.equal(e.split, 'the validation split');
    assert.deepEqual(e.counts, { real: 2, fake: 2, unit: 'images' });
    assert.ok(e.threshold >= 0 && e.threshold <= 1 && e.auc !== null && e.auc >= 0 && e.auc <= 1);
    assert.match(
      e.source,
      /^EER threshold .* on the validation split at epoch \d \(2 real \/ 2 fake images, AUC /,
    );
  }
  assert.equal(doc.checkpoints['checkpoint-last.pth'].epoch, 1);
  // the default validation transform centre-crops, unlike a scan: the entry says so
  assert.equal(doc.checkpoints['checkpoint-last.pth'].transform, 'resize256-centercrop224');
  assert.match(doc.checkpoints['checkpoint-last.pth'].source, /, inputs resize256-centercrop224\)$/);
  const model = path.join(out, 'checkpoint-1.pth');
  const still = path.join(repoRoot, 'test/fixtures/media/astronaut.png');
  const scan = (...extra: string[]) =>
    JSON.parse(
      execFileSync(
        process.execPath,
        [
          '--import',
          'tsx',
          'src/cli/main.ts',
          'scan',
          still,
          '--model',
          model,
          '--num_heads',
          '3',
          '--json',
          ...extra,
        ],
        { encoding: 'utf8', cwd: repoRoot },
      ),
    ).items[0] as { threshold: number; model: { threshold: number; threshold_source: string } };
  const byDefault = scan();
  assert.equal(byDefault.threshold, doc.checkpoints['checkpoint-1.pth'].threshold);
  assert.match(byDefault.model.threshold_source, /validation split.*calibration\.json beside the checkpoint/);
  const given = scan('--threshold', '0.25');
  assert.equal(given.threshold, 0.25);
  assert.equal(given.model.threshold_source, 'option');
  // an exported ONNX detector carries the threshold and its source in its metadata
  const onnxFile = path.join(out, 'det.onnx');
  await convertCheckpoint(model, onnxFile, 'all', { numHeads: 3 });
  const decoded = onnxProto.onnx.ModelProto.decode(readFileSync(onnxFile));
  const meta = Object.fromEntries(decoded.metadataProps!.map((e) => [e.key, e.value]));
  assert.equal(Number(meta.fsvfm_threshold), byDefault.threshold);
  assert.equal(meta.fsvfm_threshold_source, byDefault.model.threshold_source);
});

test('without a validation split no threshold is calibrated, and the log says so', {
  skip: SKIP_REASON,
  timeout: 300_000,
}, async () => {
  const out = path.join(root, 'ft-noval');
  const lines: string[] = [];
  await finetune(
    {
      ...base(),
      dataPath: [path.join(root, 'noval')],
      trainable: 'fs-adapter',
      outputDir: out,
      epochs: 1,
      warmupEpochs: 0,
    },
    { onLog: (l) => lines.push(l) },
  );
  assert.ok(!existsSync(path.join(out, CALIBRATION_FILE)));
  assert.equal(
    lines.filter((l) => /no decision threshold is calibrated \(no validation split\)/.test(l)).length,
    1,
  );
});
