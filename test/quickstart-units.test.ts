// The pure parts of `fsvfm quickstart`: test-set naming (clips, distinct fake video ids), the pre-training budget,
// run-settings records, configuration checks, and the report (self-contained, every section present).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { videoIdFromFileName } from '../src/eval/videoAggregation.js';
import { assignClips, fakeTestName, parseFrameName, realTestName } from '../src/quickstart/heldoutClips.js';
import { fixedPretrainPlan, planPretrainEpochs } from '../src/quickstart/pretrainBudget.js';
import { pretrainRecipe } from '../src/quickstart/pretrainRecipe.js';
import { DEFAULT_PRETRAIN_EPOCHS, quickstartConfig, TINY_MODEL } from '../src/quickstart/quickstartConfig.js';
import { quickstartLayout } from '../src/quickstart/quickstartLayout.js';
import { quickstartReportHtml, rocOverlaySvg } from '../src/quickstart/quickstartReport.js';
import { QUICKSTART_SCHEMA, type QuickstartSummary } from '../src/quickstart/quickstartSummary.js';
import { chooseScanDetector } from '../src/quickstart/scanDetectorChoice.js';
import { StageRecords } from '../src/quickstart/stageRecords.js';
import type { TransferRecord } from '../src/quickstart/trainDetectors.js';
import { resolvePretrainOptions } from '../src/train/pretrain/pretrainOptions.js';
import { scratchDir } from './scratchDir.js';

describe('held-out clips', () => {
  test('frame names parse; a name without _frame_ is frame 0 of itself', () => {
    assert.deepEqual(parseFrameName('franck_frame_120.png'), { identity: 'franck', frame: 120 });
    assert.deepEqual(parseFrameName('astronaut.png'), { identity: 'astronaut', frame: 0 });
  });

  test('consecutive frames of one person form clips; a short tail joins the last clip', () => {
    const names = [0, 10, 20, 30, 40, 50, 60].map((f) => `franck_frame_${f}.png`).reverse();
    names.push('grace_frame_0.png', 'grace_frame_1.png');
    const clips = assignClips(names, 3);
    assert.deepEqual(
      [0, 10, 20, 30, 40, 50, 60].map((f) => clips.get(`franck_frame_${f}.png`)),
      ['franck-c0', 'franck-c0', 'franck-c0', 'franck-c1', 'franck-c1', 'franck-c1', 'franck-c1'],
    );
    assert.equal(clips.get('grace_frame_0.png'), 'grace-c0');
    assert.equal(clips.get('grace_frame_1.png'), 'grace-c0');
    assert.throws(() => assignClips(names, 0), /positive integer/);
  });

  test('real and fake frames of a clip get different video ids', () => {
    const real = realTestName('franck_frame_12.png', 'franck-c1');
    const sbi = fakeTestName('franck_frame_12.png', 'franck-c1', 'sbi', 0);
    const swap = fakeTestName('franck_frame_12.png', 'franck-c1', 'swap', 2);
    assert.equal(real, 'franck-c1_frame_12.png');
    assert.equal(videoIdFromFileName(real), 'franck-c1');
    assert.equal(videoIdFromFileName(sbi), 'franck-c1-sbi');
    assert.equal(videoIdFromFileName(swap), 'franck-c1-swap');
    assert.notEqual(sbi, fakeTestName('franck_frame_12.png', 'franck-c1', 'sbi', 1));
  });
});

describe('pre-training budget', () => {
  test('epochs fill the budget and respect the bounds', () => {
    const p = planPretrainEpochs({
      seconds: 120,
      stepSeconds: 2,
      stepsPerEpoch: 6,
      minEpochs: 2,
      maxEpochs: 100,
    });
    assert.equal(p.epochs, 10);
    assert.equal(p.warmupEpochs, 1);
    assert.equal(p.expectedSeconds, 120);
    const few = planPretrainEpochs({
      seconds: 1,
      stepSeconds: 2,
      stepsPerEpoch: 6,
      minEpochs: 2,
      maxEpochs: 100,
    });
    assert.equal(few.epochs, 2);
    assert.equal(few.warmupEpochs, 0);
    assert.equal(
      planPretrainEpochs({ seconds: 1e6, stepSeconds: 1, stepsPerEpoch: 1, minEpochs: 1, maxEpochs: 7 })
        .epochs,
      7,
    );
    assert.throws(
      () => planPretrainEpochs({ seconds: 10, stepSeconds: 0, stepsPerEpoch: 6, minEpochs: 1, maxEpochs: 2 }),
      /cannot plan/,
    );
  });

  test('a fixed epoch count gets the warm-up a budget of the same length would get', () => {
    const budget = planPretrainEpochs({
      seconds: 168,
      stepSeconds: 1,
      stepsPerEpoch: 14,
      minEpochs: 2,
      maxEpochs: 400,
    });
    assert.deepEqual(fixedPretrainPlan(12, 1, 14), budget);
    assert.deepEqual(fixedPretrainPlan(2, null, 0), { epochs: 2, warmupEpochs: 0, expectedSeconds: 0 });
    assert.throws(() => fixedPretrainPlan(0, null, 0), /positive integer/);
  });
});

describe('configuration and records', () => {
  test('--quick skips full fine-tuning and fixes the pre-training length; bad --minutes is refused', () => {
    const q = quickstartConfig({ quick: true, minutes: 3 });
    assert.equal(q.full, null);
    assert.notEqual(q.pretrain.fixedEpochs, null);
    const f = quickstartConfig({ quick: false, minutes: 2 });
    assert.ok(f.full);
    assert.equal(f.pretrain.seconds, 120);
    assert.equal(f.pretrain.fixedEpochs, null);
    // without --minutes: a fixed epoch count (the same encoder on a busy machine), the step time still measured
    const d = quickstartConfig({ quick: false });
    assert.equal(d.pretrain.fixedEpochs, DEFAULT_PRETRAIN_EPOCHS);
    assert.ok(d.pretrain.probe);
    // every official pre-training script uses per-patch normalised pixel targets; so does the demo
    assert.ok(d.pretrain.normPixLoss && q.pretrain.normPixLoss);
    assert.throws(() => quickstartConfig({ quick: false, minutes: 0 }), /--minutes/);
    assert.equal(TINY_MODEL.embedDim % TINY_MODEL.numHeads, 0);
  });

  test('a folder made with other settings is refused; the same settings resume', async () => {
    const dir = scratchDir('fsvfm-qs-rec-');
    const r = new StageRecords(dir);
    await r.claim({ quick: true }, 'out');
    await r.claim({ quick: true }, 'out');
    await assert.rejects(r.claim({ quick: false }, 'out'), /other settings/);
    // a folder of an older recipe (none recorded, or another one) is refused with the same settings
    await assert.rejects(
      r.claim({ quick: true }, 'out', { fakesPerFace: 4 }),
      /another version of the quickstart recipe/,
    );
    const d2 = scratchDir('fsvfm-qs-rec-');
    const r2 = new StageRecords(d2);
    await r2.claim({ quick: true }, 'out', { fakesPerFace: 4 });
    await r2.claim({ quick: true }, 'out', { fakesPerFace: 4 });
    await assert.rejects(r2.claim({ quick: true }, 'out', { fakesPerFace: 1 }), /another version/);
    assert.equal(r.read('faces'), null);
    await r.write('faces', { seconds: 3 });
    assert.deepEqual(r.read('faces'), { seconds: 3 });
  });
});

function level(auc: number) {
  return { auc, eer: 1 - auc, n: 4, real: 2, fake: 2, roc: { fpr: [0, 0, 1], tpr: [0, 1, 1] } };
}

function summary(): QuickstartSummary {
  const sets = {
    sbi: { frame: level(0.95), video: level(1) },
    swap: { frame: level(0.6), video: level(0.5) },
  };
  return {
    schema: QUICKSTART_SCHEMA,
    createdAt: '2025-01-01T00:00:00.000Z',
    settings: { quick: false, minutes: 3 },
    model: { ...TINY_MODEL, imgSize: 224, patchSize: 16 },
    stages: [{ name: 'faces <stage>', seconds: 12, cached: true }],
    totalSeconds: 500,
    faces: {
      media: { videos: [], stills: [] },
      train: { crops: 128, inputs: 2, errors: [] },
      heldout: { crops: 80, inputs: 17, errors: [] },
    },
    pretrain: {
      epochs: 10,
      warmupEpochs: 1,
      iterations: 80,
      stepsPerEpoch: 8,
      batchSize: 16,
      lr: 0.001,
      stepSeconds: 2,
      checkpoint: '/nowhere/checkpoint-9.pth',
      log: [
        {
          train_loss: 1.2,
          train_loss_rec_all: 1.1,
          train_loss_rec_sfr: 1.3,
          train_loss_cl: -0.1,
          train_target_std: 0.0912,
          train_target_cos: 0.321,
          epoch: 9,
        },
      ],
      lossCurves: '/nowhere/loss_curves.svg',
      sheets: [],
      skippedBatches: 0,
      recipe: pretrainRecipe(
        resolvePretrainOptions({ data: [], outputDir: '', normPixLoss: true, batchSize: 16, lr: 1e-3 }),
      ),
    },
    fakes: {
      trainSbi: { samples: 128, skipped: 0, errors: 0 },
      heldoutSbi: { samples: 80, skipped: 0, errors: 0 },
      heldoutSwap: { samples: 80, skipped: 0, errors: 0 },
      train: { real: 128, fake: 128 },
      testSbi: { real: 80, fake: 80, realVideos: 10, fakeVideos: 10 },
      testSwap: { real: 80, fake: 80, realVideos: 10, fakeVideos: 10 },
      example: null,
    },
    transfer: [
      {
        mode: 'fs-adapter',
        trainableParameters: 21554,
        seconds: 60,
        epochs: 12,
        batchSize: 16,
        lr: 0.002,
        trainImages: 256,
        trainLoss: [0.7, 0.5],
        checkpoint: '/nowhere/a.pth',
      },
    ],
    evaluation: [{ mode: 'fs-adapter', sets, report: '/nowhere/report.html', seconds: 5 }],
    scan: {
      video: '/media/videos/franck.mp4',
      p_fake: 0.2,
      verdict: 'real',
      threshold: 0.5,
      framesScored: 0,
      item: {
        input: 'franck.mp4',
        media: 'video',
        status: 'ok',
        p_fake: 0.2,
        verdict: 'real',
        threshold: 0.5,
        aggregate: 'mean',
        frames: [],
        tracks: [],
        model: {
          kind: 'fs-adapter',
          size: 'custom',
          img_size: 224,
          recipe: 'fsfm-dlib-1.3',
          precision: 'fp32',
          threshold: 0.5,
          threshold_source: 'default',
          normalisation: { mean: [0, 0, 0], std: [1, 1, 1], source: 'x' },
          checkpoint: 'a.pth',
        },
        elapsed_ms: 1,
      },
    },
    files: { report: '/nowhere/report.html', summary: '/nowhere/summary.json' },
  };
}

describe('report', () => {
  test('one self-contained page with every section, escaped text and the measured figures', () => {
    const html = quickstartReportHtml(summary(), {
      lossCurves: '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" id="curves"></svg>',
      sheets: [{ label: 'epoch 9', uri: 'data:image/png;base64,AAAA' }],
      examples: [{ label: 'SBI fake', uri: 'data:image/png;base64,BBBB' }],
    });
    for (const h of [
      'Stages',
      'Data',
      'Pre-training',
      'Transfer: FS-Adapter vs full fine-tuning',
      'Held-out evaluation',
      'Scan',
    ])
      assert.match(html, new RegExp(`<h2>${h}`), h);
    assert.match(html, /faces &lt;stage&gt;/);
    assert.ok(!html.includes('<?xml'), 'the embedded SVG loses its XML declaration');
    assert.match(html, /id="curves"/);
    assert.match(html, /21,554/);
    assert.match(html, /0\.950 \/ 1\.000/);
    // pre-training health: the recipe it ran and the target's feature spread
    assert.match(html, /<code>fsvfm pretrain --norm_pix_loss --mask_ratio 0\.75 /);
    assert.match(html, /std 0\.0912, pairwise cosine 0\.321/);
    // nothing is fetched: every src is a data URI, no scripts or stylesheets by link
    for (const m of html.matchAll(/\ssrc="([^"]*)"/g)) assert.match(m[1]!, /^data:image\//);
    assert.ok(!/<script|<link|https?:\/\/(?!www\.w3\.org\/2000\/svg)/.test(html));
  });

  test('ROC overlay: one legend row per detector; an undefined curve is left out', () => {
    const svg = rocOverlaySvg([
      { label: 'A', frame: level(0.9), video: level(0.8) },
      {
        label: 'B',
        frame: { ...level(0.5), roc: { fpr: [Number.NaN], tpr: [Number.NaN] } },
        video: level(0.7),
      },
    ]);
    assert.equal((svg.match(/<polyline/g) ?? []).length, 3);
    assert.match(svg, /A: frame AUC 0\.900/);
    assert.match(svg, /B: frame AUC 0\.500/);
  });
});

describe('quickstart transfer seeds', () => {
  test('seed 0 keeps the historic names; another seed gets its own detectors, evaluations, summary and report', () => {
    const out = path.join(tmpdir(), 'qs');
    const a = quickstartLayout(out);
    const b = quickstartLayout(out, 2);
    assert.equal(a.detector('full'), path.join(out, 'work', 'detector-full'));
    assert.equal(b.detector('full'), path.join(out, 'work', 'detector-full-seed2'));
    assert.equal(b.evaluation('fs-adapter'), path.join(out, 'work', 'eval-fs-adapter-seed2'));
    assert.equal(b.summary, path.join(out, 'summary-seed2.json'));
    assert.equal(b.report, path.join(out, 'report-seed2.html'));
    // the stages every seed shares
    for (const k of [
      'trainFaces',
      'pretrain',
      'trainSet',
      'groupSet',
      'valSet',
      'testSbi',
      'stages',
    ] as const)
      assert.equal(a[k], b[k], k);
  });

  test('online SBI is the default; --no-online-sbi trains on the pre-made fakes', () => {
    const online = quickstartConfig({ quick: false });
    assert.ok(online.full?.onlineSbi && online.adapter.onlineSbi);
    const premade = quickstartConfig({ quick: false, onlineSbi: false });
    assert.equal(premade.full?.onlineSbi, undefined);
    assert.equal(premade.adapter.onlineSbi, undefined);
  });
});

describe('quickstart scan detector', () => {
  const record = (dir: string, mode: 'fs-adapter' | 'full', auc: number | null) => {
    mkdirSync(dir, { recursive: true });
    const checkpoint = path.join(dir, 'checkpoint-11.pth');
    if (auc !== null)
      writeFileSync(
        path.join(dir, 'calibration.json'),
        JSON.stringify({
          threshold: 0.4,
          source: 'EER on val',
          checkpoints: {
            'checkpoint-11.pth': {
              threshold: 0.4,
              source: 'EER on val',
              rule: 'eer',
              split: 'val',
              counts: { real: 10, fake: 10, unit: 'images' },
              auc,
              eer: 0.3,
            },
          },
        }),
      );
    return { mode, checkpoint } as TransferRecord;
  };

  test('the detector with the higher validation AUC scans; without one, the first', () => {
    const root = scratchDir('fsvfm-qs-choice-');
    const a = record(path.join(root, 'a'), 'fs-adapter', 0.61);
    const f = record(path.join(root, 'f'), 'full', 0.83);
    assert.equal(chooseScanDetector([a, f]).record.mode, 'full');
    assert.match(chooseScanDetector([a, f]).reason, /fs-adapter 0\.610, full 0\.830/);
    const none = record(path.join(root, 'n'), 'full', null);
    const first = chooseScanDetector([a, none]);
    assert.equal(first.record.mode, 'fs-adapter');
    assert.equal(first.validationAuc, 0.61);
    assert.equal(chooseScanDetector([none]).validationAuc, null);
  });
});
