// `fsvfm quickstart`: the whole FS-VFM system on the built-in demo data, stage after stage — faces, tiny CRFR-P
// pre-training, synthetic fakes, FS-Adapter and full fine-tuning transfer, held-out evaluation, a video scan — and
// one self-contained report. Every finished stage leaves a record, so a re-run resumes where the last one stopped.

import { CROP_PLACEMENT } from '../data/datasets/faceDatasetManifest.js';
import type { FaceDetectorLike, FaceParserLike } from '../data/datasets/faceTools.js';
import { DEMO_GROUP_PHOTOS, DEMO_PHOTOS } from '../data/demo/fetchDemoMedia.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { buildDemoFaces, type FacesRecord, VALIDATION_GROUP_PHOTOS } from './buildDemoFaces.js';
import { buildDemoFakes, type FakesRecord } from './buildDemoFakes.js';
import { buildDemoFakeVideo, FAKE_VIDEO_SEED, type FakeVideoRecord } from './buildDemoFakeVideo.js';
import { type EvaluationRecord, evaluateDetector } from './evaluateDetectors.js';
import { type PretrainRecord, pretrainTiny } from './pretrainTiny.js';
import { type QuickstartOptions, quickstartConfig, TINY_MODEL } from './quickstartConfig.js';
import type { QuickstartHooks } from './quickstartHooks.js';
import { quickstartLayout, seedTag } from './quickstartLayout.js';
import { loadReportAssets, quickstartReportHtml } from './quickstartReport.js';
import {
  QUICKSTART_SCHEMA,
  type QuickstartSummary,
  type ScanSummary,
  type StageTiming,
} from './quickstartSummary.js';
import { scanDemoVideos } from './scanDemoVideo.js';
import { chooseScanDetector } from './scanDetectorChoice.js';
import { StageRecords } from './stageRecords.js';
import { TRANSFER_LABEL, type TransferRecord, trainDetector, transferModes } from './trainDetectors.js';

const fmt = (s: number) => (s >= 90 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(1)} s`);

export async function runQuickstart(
  o: QuickstartOptions,
  hooks: QuickstartHooks = {},
): Promise<QuickstartSummary> {
  const cfg = quickstartConfig(o);
  const seed = o.seed ?? 0;
  if (!(Number.isSafeInteger(seed) && seed >= 0))
    throw new Error(`--seed must be a non-negative integer, got ${o.seed}`);
  const layout = quickstartLayout(o.out, seed);
  const tag = seedTag(seed);
  const records = new StageRecords(layout.stages);
  await records.claim({ quick: o.quick, minutes: o.quick ? null : (o.minutes ?? null) }, layout.out, {
    config: cfg,
    photos: { ...DEMO_PHOTOS, groups: DEMO_GROUP_PHOTOS },
    cropPlacement: CROP_PLACEMENT,
    // the detectors' validation people (calibration), kept out of the group photos' training faces
    validation: { groupPhotos: VALIDATION_GROUP_PHOTOS },
    // the scan also looks at a fake made from the held-out video (a stage and a scan the older recipe lacks)
    fakeVideo: { seed: FAKE_VIDEO_SEED },
  });
  const log = hooks.log ?? (() => {});
  const h = { ...hooks, ...(o.threads ? { threads: o.threads } : {}) };
  const started = performance.now();
  const stages: StageTiming[] = [];
  const modes = transferModes(cfg);
  const count = 6 + 2 * modes.length;
  let n = 0;

  const stage = async <T>(key: string, name: string, fn: () => Promise<T>): Promise<T> => {
    n++;
    const done = records.read<{ seconds: number; value: T }>(key);
    if (done && typeof done.seconds === 'number' && 'value' in done) {
      log(`[${n}/${count}] ${name}: done by an earlier run (${fmt(done.seconds)}), skipped`);
      stages.push({ name, seconds: done.seconds, cached: true });
      return done.value;
    }
    log(`[${n}/${count}] ${name}`);
    const t0 = performance.now();
    const value = await fn();
    const seconds = (performance.now() - t0) / 1000;
    await records.write(key, { seconds, value });
    stages.push({ name, seconds, cached: false });
    log(`[${n}/${count}] ${name}: done in ${fmt(seconds)}`);
    return value;
  };

  // the face models load once, on first use (a resumed run that skips every face stage never loads them)
  let tools: { detector: FaceDetectorLike; parser: FaceParserLike } | null = null;
  const faceTools = async () => {
    if (!tools) {
      const { createFaceDetector, createFaceParser } = await import('../data/datasets/realFaceTools.js');
      tools = { detector: await createFaceDetector(), parser: await createFaceParser() };
    }
    return tools;
  };
  try {
    const faces = await stage<FacesRecord>('faces', 'demo media → face crops + parsing maps', async () =>
      buildDemoFaces(cfg, layout, { dir: o.mediaDir, repoRoot: o.repoRoot }, await faceTools(), h),
    );
    const pretrain = await stage<PretrainRecord>('pretrain', 'pre-training the tiny FS-VFM (CRFR-P)', () =>
      pretrainTiny(cfg, layout, records, h),
    );
    const fakes = await stage<FakesRecord>(
      'fakes',
      'synthetic fakes (SBI, face swaps) and test sets',
      async () => buildDemoFakes(cfg, layout, (await faceTools()).detector, h),
    );
    // franck: a held-out person, real footage; and a fake made from the same frames
    const video = faces.media.videos[2]!;
    const fakeVideo = await stage<FakeVideoRecord>(
      'fake-video',
      'a fake video: the scanned frames of the held-out real video, self-blended',
      async () => buildDemoFakeVideo(cfg, video, layout.fakeVideo, (await faceTools()).detector, h),
    );
    if (tools) {
      const t = tools as { detector: FaceDetectorLike; parser: FaceParserLike };
      await t.detector.dispose?.();
      await t.parser.dispose?.();
      tools = null;
    }
    const transfer: TransferRecord[] = [];
    for (const [mode, t] of modes)
      transfer.push(
        await stage(
          `train-${mode}${tag}`,
          `training the ${TRANSFER_LABEL[mode]} detector (seed ${seed})`,
          () => trainDetector(mode, t, cfg.sbiPerTrainImage, pretrain.checkpoint, layout, { ...h, seed }),
        ),
      );
    const evaluation: EvaluationRecord[] = [];
    for (const t of transfer)
      evaluation.push(
        await stage(
          `eval-${t.mode}${tag}`,
          `evaluating the ${TRANSFER_LABEL[t.mode]} detector on held-out identities`,
          () => evaluateDetector(t.mode, t.checkpoint, layout, h),
        ),
      );
    const chosen = chooseScanDetector(transfer);
    const scan = await stage<ScanSummary>(
      `scan${tag}`,
      `scanning the held-out real video and its fake with the ${TRANSFER_LABEL[chosen.record.mode]} detector`,
      async () => {
        log(`scan detector: ${TRANSFER_LABEL[chosen.record.mode]}, ${chosen.reason}`);
        const [real, fake] = await scanDemoVideos(
          chosen.record.checkpoint,
          [
            { video, truth: 'real' },
            { video: fakeVideo.video, truth: 'fake' },
          ],
          cfg.scanFrames,
          h,
        );
        for (const v of [real!, fake!])
          log(
            `scan of the ${v.truth} video: P(fake) ${v.p_fake?.toFixed(3) ?? '–'} vs threshold ${v.threshold.toFixed(3)} (${v.thresholdSource}) → ${v.verdict ?? 'no verdict'}${v.correct === null ? '' : v.correct ? ', right' : ', wrong'}`,
          );
        return { ...real!, fake: fake!, detector: chosen.record.mode, detectorChoice: chosen.reason };
      },
    );
    n++;
    log(`[${n}/${count}] writing the report`);
    const summary: QuickstartSummary = {
      schema: QUICKSTART_SCHEMA,
      createdAt: new Date().toISOString(),
      settings: { quick: o.quick, minutes: o.minutes ?? null, seed },
      model: { ...TINY_MODEL, imgSize: 224, patchSize: 16 },
      stages,
      totalSeconds: (performance.now() - started) / 1000,
      faces,
      pretrain,
      fakes,
      transfer,
      evaluation,
      scan,
      fakeVideo,
      files: { report: layout.report, summary: layout.summary },
    };
    await writeFileAtomic(layout.summary, `${JSON.stringify(summary, null, 1)}\n`);
    await writeFileAtomic(layout.report, quickstartReportHtml(summary, loadReportAssets(summary)));
    return summary;
  } finally {
    if (tools) {
      const t = tools as { detector: FaceDetectorLike; parser: FaceParserLike };
      await t.detector.dispose?.();
      await t.parser.dispose?.();
    }
  }
}
