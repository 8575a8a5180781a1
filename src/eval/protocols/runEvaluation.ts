// `fsvfm eval`: a detector on the test sets of a protocol (SPEC §7.5) — DfD frame + video AUC/EER (`_frame_` video
// ids), DiFF image-level metrics, FAS video-level HTER/AUC/TPR@FPR=1% (official grid threshold) — reported twice:
// in the official units and files (test_results.txt / performance.csv, scores P(real) as the official code), and as
// this project's result JSON + HTML report with scores P(fake) = 1 − softmax[1] (P(attack) for FAS).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { LabelFileDelimiter } from '../../data/folders/index.js';
import { DEFAULT_EVAL_TRANSFORM, type EvalTransformName } from '../../data/transforms/evalTransforms.js';
import type { RuntimeOptions } from '../../graph/index.js';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import { type LoadedDetector, loadDetector } from '../../models/detectorLoader.js';
import { DetectorRunner } from '../../models/detectorRunner.js';
import type { Precision } from '../../models/precision.js';
import { predictionsFromLogits } from '../accuracy.js';
import { meanCrossEntropyFloat32, probRealFloat32 } from '../float32Softmax.js';
import { type GroupAucSummary, groupAucs } from '../groupAuc.js';
import { renderHtmlReport } from '../htmlReport.js';
import {
  frameLevelAcc,
  frameLevelAuc,
  frameLevelBalancedAcc,
  frameLevelEer,
  testBinaryVideoFrames,
} from '../officialDfd.js';
import { type FasValidArgs, officialFasEval } from '../officialFas.js';
import {
  type DfdDatasetResult,
  formatDfdTestResults,
  formatFasPerformanceCsv,
  formatImageLevelTestResults,
  type ImageLevelResult,
} from '../officialReports.js';
import {
  type EvaluatedSet,
  type EvaluationResult,
  RESULT_SCHEMA,
  scoreHistogram,
  serializeResult,
} from '../resultSchema.js';
import { summarizeBinary } from '../summary.js';
import { aggregateVideos, type NoFacePolicy, type VideoAggregation } from '../videoAggregation.js';
import { type ScoredSample, scoreSamples } from './scoreImages.js';
import { fasTestSet, folderOrListTestSet, type ProtocolName, type TestSet } from './testSets.js';

export interface EvaluateOptions {
  protocol: ProtocolName;
  /** detector checkpoint (.pth / .pth.tar / .safetensors) */
  checkpoint: string;
  /** dfd/diff: test roots or label files (`name=path` allowed); fas: the MCIO / WCS root */
  data: string[];
  /** fas: target domain (M, C, I, O / cefa, surf, wmca) */
  config?: string;
  out: string;
  transform?: EvalTransformName;
  aggregate?: VideoAggregation;
  noFace?: NoFacePolicy;
  batchSize?: number;
  /** --model (official downstream name or custom) and custom-size flags */
  model?: string;
  numHeads?: number;
  embedDim?: number;
  depth?: number;
  datasetAbsPath?: string;
  delimiter?: LabelFileDelimiter;
  /**
   * the person of a sample: a regular expression matched against its video id, the first capture group (else the
   * whole match) naming the person; a video id it does not match is its own person. Adds per-person AUCs.
   */
  personId?: string;
  /** JPEG-compress every test image at this quality (1–100) before scoring: the robustness figure; none when absent */
  jpegQuality?: number;
  /** bootstrap resamples for AUC / EER confidence intervals (0: none) */
  bootstrap?: number;
  runtime?: RuntimeOptions;
  /** model arithmetic (default fp32; int8 quantizes the transformer blocks' Linear layers) */
  precision?: Precision;
  signal?: AbortSignal;
}

export interface EvaluateCallbacks {
  onSetStart?: (set: { name: string; images: number; index: number; count: number }) => void;
  onProgress?: (p: { set: string; done: number; total: number }) => void;
  onLog?: (line: string) => void;
}

/** Per-set numbers in the official units (AUC / accuracies %, EER fraction; FAS valid_args fractions). */
export type OfficialSetMetrics =
  | ({ protocol: 'dfd' } & DfdDatasetResult)
  | ({ protocol: 'diff' } & ImageLevelResult)
  | {
      protocol: 'fas-mcio' | 'fas-wcs';
      dataset: string;
      images: number;
      videos: number;
      validArgs: FasValidArgs;
    };

export interface EvaluateOutcome {
  result: EvaluationResult;
  official: OfficialSetMetrics[];
  files: { json: string; html: string; scores: string; testResults?: string; performanceCsv?: string };
  detector: {
    kind: LoadedDetector['kind'];
    size: string;
    norm: LoadedDetector['norm']['source'];
    inputSize: number;
    precision: Precision;
  };
  /** images that could not be read, per set */
  unreadable: { set: string; file: string; error: string }[];
}

const pFake = (logits: readonly number[]): number => 1 - probRealFloat32(logits);

function buildSets(opts: EvaluateOptions): TestSet[] {
  if (opts.data.length === 0) throw new Error('no test data given (--data)');
  if (opts.protocol === 'fas-mcio' || opts.protocol === 'fas-wcs') {
    if (!opts.config) throw new Error(`--protocol ${opts.protocol} needs --config (the target domain)`);
    return opts.data.map((root) => fasTestSet(opts.protocol as 'fas-mcio' | 'fas-wcs', opts.config!, root));
  }
  return opts.data.map((d) =>
    folderOrListTestSet(d, { datasetAbsPath: opts.datasetAbsPath, delimiter: opts.delimiter }),
  );
}

function summary(labels: number[], scores: number[], opts: EvaluateOptions, fas: boolean) {
  return summarizeBinary(
    { labels, scores, scoreOf: 'fake' },
    {
      ...(fas ? { thresholdSource: { source: 'test-oracle' as const } } : {}),
      ...(opts.bootstrap ? { bootstrap: { resamples: opts.bootstrap, seed: 0 } } : {}),
    },
  );
}

/** The person of a video id under `--person_id` (see EvaluateOptions.personId). */
export function personOf(pattern: RegExp, videoId: string): string {
  const m = pattern.exec(videoId);
  return m ? (m[1] ?? m[0]) : videoId;
}

function checkPersonPattern(pattern: string): void {
  try {
    new RegExp(pattern);
  } catch (err) {
    throw new Error(`--person_id '${pattern}' is not a regular expression: ${(err as Error).message}`);
  }
}

/** The per-person AUC field of a set: only with a person pattern, frames or videos grouped by their person. */
function perPerson(
  opts: EvaluateOptions,
  items: ReadonlyArray<{ videoId: string; label: number; score: number }>,
): { perPerson?: GroupAucSummary } {
  if (!opts.personId) return {};
  const pattern = new RegExp(opts.personId);
  const grouped = items.map((s) => ({ group: personOf(pattern, s.videoId), label: s.label, score: s.score }));
  return { perPerson: groupAucs(grouped, 'fake', 'person') };
}

function frameSet(name: string, scored: ScoredSample[], opts: EvaluateOptions, fas: boolean): EvaluatedSet {
  const ok = scored.filter((s) => s.logits);
  const labels = ok.map((s) => s.label);
  const scores = ok.map((s) => pFake(s.logits!));
  return {
    name,
    level: 'frame',
    summary: summary(labels, scores, opts, fas),
    ...perPerson(
      opts,
      ok.map((s, i) => ({ videoId: s.videoId, label: s.label, score: scores[i]! })),
    ),
    histogram: scoreHistogram(labels, scores),
  };
}

function videoSet(name: string, scored: ScoredSample[], opts: EvaluateOptions, fas: boolean): EvaluatedSet {
  const aggregation = opts.aggregate ?? 'mean';
  const noFace = opts.noFace ?? 'skip';
  const { videos, dropped } = aggregateVideos(
    scored.map((s) => ({
      file: s.path,
      label: s.label,
      score: s.logits ? pFake(s.logits) : null,
      videoId: s.videoId,
    })),
    { aggregation, noFace, scoreOf: 'fake' },
  );
  const answered = videos.filter((v) => !v.abstained);
  if (answered.length === 0) throw new Error(`${name}: no video has a readable frame`);
  const labels = answered.map((v) => v.label);
  const scores = answered.map((v) => v.score);
  return {
    name,
    level: 'video',
    summary: summary(labels, scores, opts, fas),
    video: { aggregation, noFace, dropped: dropped.length, abstained: videos.length - answered.length },
    ...perPerson(opts, answered),
    histogram: scoreHistogram(labels, scores),
  };
}

function officialFor(opts: EvaluateOptions, set: TestSet, scored: ScoredSample[]): OfficialSetMetrics {
  const ok = scored.filter((s) => s.logits);
  if (ok.length === 0) throw new Error(`${set.name}: none of the ${scored.length} images could be read`);
  if (opts.protocol === 'dfd') {
    const r = testBinaryVideoFrames(ok.map((s) => ({ file: s.path, label: s.label, logits: s.logits! })));
    return {
      protocol: 'dfd',
      dataset: set.name,
      images: ok.length,
      frame: { balancedAcc: r.frame_balanced_acc, auc: r.frame_auc, eer: r.frame_eer, loss: r.loss },
      video: { balancedAcc: r.video_balanced_acc, auc: r.video_auc, eer: r.video_eer },
    };
  }
  if (opts.protocol === 'diff') {
    const labels = ok.map((s) => s.label);
    const logits = ok.map((s) => s.logits!);
    const pReal = logits.map((l) => probRealFloat32(l));
    const pred = predictionsFromLogits(logits);
    let loss = 0;
    let batches = 0;
    for (let i = 0; i < logits.length; i += 320) {
      loss += meanCrossEntropyFloat32(logits.slice(i, i + 320), labels.slice(i, i + 320));
      batches++;
    }
    return {
      protocol: 'diff',
      dataset: set.name,
      images: ok.length,
      acc: frameLevelAcc(labels, pred),
      balancedAcc: frameLevelBalancedAcc(labels, pred),
      auc: frameLevelAuc(labels, pReal),
      eer: frameLevelEer(labels, pReal),
      loss: loss / batches,
    };
  }
  const fas = officialFasEval({
    logits: ok.map((s) => s.logits!),
    labels: ok.map((s) => s.label),
    videoIds: ok.map((s) => s.videoId),
  });
  return {
    protocol: opts.protocol,
    dataset: set.name,
    images: ok.length,
    videos: fas.probList.length,
    validArgs: fas.validArgs,
  };
}

const csvField = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** Runs a protocol end to end and writes its files into `opts.out`. */
export async function evaluate(opts: EvaluateOptions, cb: EvaluateCallbacks = {}): Promise<EvaluateOutcome> {
  const fas = opts.protocol === 'fas-mcio' || opts.protocol === 'fas-wcs';
  if (opts.personId !== undefined) checkPersonPattern(opts.personId);
  const sets = buildSets(opts);
  const detector = await loadDetector(opts.checkpoint, {
    model: opts.model,
    numHeads: opts.numHeads,
    embedDim: opts.embedDim,
    depth: opts.depth,
  });
  if (detector.size.numClasses !== 2)
    throw new Error(
      `${opts.checkpoint} has a ${detector.size.numClasses}-class head; the protocols need a binary (fake/real) detector`,
    );
  cb.onLog?.(
    `detector: ${detector.kind}, size ${detector.size.name} (D=${detector.size.embedDim}, depth ${detector.size.depth}), input ${detector.inputSize}, normalisation ${detector.norm.source}${detector.norm.path ? ` (${detector.norm.path})` : ''}, precision ${opts.precision ?? 'fp32'}`,
  );
  const runner = await DetectorRunner.create(
    detector.spec,
    opts.batchSize ?? 32,
    opts.runtime,
    detector.stateDict,
    opts.precision ?? 'fp32',
  );
  const transform = opts.transform ?? DEFAULT_EVAL_TRANSFORM;
  const evaluated: EvaluatedSet[] = [];
  const official: OfficialSetMetrics[] = [];
  const unreadable: EvaluateOutcome['unreadable'] = [];
  const scoreRows: string[] = ['set,file,label,video_id,p_fake'];
  for (const [index, set] of sets.entries()) {
    cb.onSetStart?.({ name: set.name, images: set.samples.length, index, count: sets.length });
    const scored = await scoreSamples(runner, set.samples, {
      transform,
      norm: detector.norm.stats,
      ...(opts.jpegQuality ? { jpegQuality: opts.jpegQuality } : {}),
      signal: opts.signal,
      onProgress: (p) => cb.onProgress?.({ set: set.name, ...p }),
    });
    for (const s of scored) {
      if (s.error) unreadable.push({ set: set.name, file: s.path, error: s.error });
      scoreRows.push(
        [set.name, s.path, String(s.label), s.videoId, s.logits ? String(pFake(s.logits)) : '']
          .map(csvField)
          .join(','),
      );
    }
    official.push(officialFor(opts, set, scored));
    evaluated.push(frameSet(set.name, scored, opts, fas));
    if (opts.protocol !== 'diff') evaluated.push(videoSet(set.name, scored, opts, fas));
  }

  mkdirSync(opts.out, { recursive: true });
  const protocolName = {
    dfd: 'dfd-cross-dataset',
    diff: 'diff-unseen',
    'fas-mcio': 'fas-mcio',
    'fas-wcs': 'fas-wcs',
  }[opts.protocol];
  const notes = [
    'scores are P(fake) = 1 − softmax(logits)[1] (P(attack) for FAS); labels 0 = fake/spoof, 1 = real/live',
    `eval transform: ${transform}; normalisation: ${detector.norm.source}`,
    ...(opts.personId
      ? [
          `per-person AUC: samples grouped by the person of their video id (/${opts.personId}/), the AUC of each person's own real vs fake samples, and their mean over the people with both`,
        ]
      : []),
    ...(opts.jpegQuality
      ? [`test images JPEG-compressed at quality ${opts.jpegQuality} before scoring`]
      : []),
    ...(fas
      ? [
          'HTER uses the EER threshold of the test set itself (official FAS protocol, optimistic: SPEC §9 #18)',
        ]
      : []),
    ...(unreadable.length
      ? [`${unreadable.length} image(s) could not be read (policy --no-face ${opts.noFace ?? 'skip'})`]
      : []),
  ];
  const result: EvaluationResult = {
    schema: RESULT_SCHEMA,
    createdAt: new Date().toISOString(),
    protocol: protocolName,
    model: { name: `${detector.kind} ${detector.size.name}`, checkpoint: path.resolve(opts.checkpoint) },
    sets: evaluated,
    notes,
  };
  const files: EvaluateOutcome['files'] = {
    json: path.join(opts.out, 'result.json'),
    html: path.join(opts.out, 'report.html'),
    scores: path.join(opts.out, 'scores.csv'),
  };
  await writeFileAtomic(files.json, serializeResult(result));
  await writeFileAtomic(files.html, renderHtmlReport(result, `fsvfm eval: ${protocolName}`));
  await writeFileAtomic(files.scores, `${scoreRows.join('\n')}\n`);
  const preamble = [
    `checkpoint: ${path.resolve(opts.checkpoint)}`,
    `args: ${JSON.stringify({ ...opts, signal: undefined, runtime: undefined })}`,
  ];
  if (opts.protocol === 'dfd' || opts.protocol === 'diff') {
    files.testResults = path.join(opts.out, 'test_results.txt');
    await writeFileAtomic(
      files.testResults,
      opts.protocol === 'dfd'
        ? formatDfdTestResults(
            official.map((o) => o as DfdDatasetResult),
            preamble,
          )
        : formatImageLevelTestResults(
            official.map((o) => o as ImageLevelResult),
            preamble,
          ),
    );
  } else {
    files.performanceCsv = path.join(opts.out, 'performance.csv');
    await writeFileAtomic(
      files.performanceCsv,
      formatFasPerformanceCsv(
        official.map((o) => {
          const v = (o as { validArgs: FasValidArgs }).validArgs;
          return { hter: v.HTER, auc: v.AUC, tprAtFpr1: v.TPR_at_FPR_1pct };
        }),
      ),
    );
  }
  return {
    result,
    official,
    files,
    detector: {
      kind: detector.kind,
      size: detector.size.name,
      norm: detector.norm.source,
      inputSize: detector.inputSize,
      precision: opts.precision ?? 'fp32',
    },
    unreadable,
  };
}
