// `fsvfm scan <file|folder…> --model <detector>`: score images and videos for face forgery / spoofing.
import { existsSync, writeSync } from 'node:fs';
import type { Command } from 'commander';
import {
  Detector,
  type DetectorOptions,
  type ScanItem,
  scanCsv,
  scanReportHtml,
} from '../../detect/index.js';
import type { VideoAggregation } from '../../eval/videoAggregation.js';
import { VIDEO_AGGREGATIONS } from '../../eval/videoAggregation.js';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import { isPrecision, PRECISIONS } from '../../models/precision.js';
import { positiveInt, positiveNumber, probability } from '../args.js';
import { onStopSignals } from '../interrupt.js';
import { terminalProgressBar } from '../terminalProgressBar.js';
import { UserError } from '../userError.js';
import { redisUrl } from './queueOptions.js';

/** The detector flags that `withDetectorOptions` declares, as commander hands them to scan, serve and worker. */
export interface DetectorCliOptions {
  model: string;
  num_heads?: number;
  threshold?: number;
  calibration?: string;
  recipe?: string;
  minFace: number;
  batch: number;
  threads?: number;
  precision: string;
  explainWith?: string;
  decoder_heads?: number;
}

export interface ScanCliOptions extends DetectorCliOptions {
  frames: number;
  fps?: number;
  aggregate: string;
  jobs: number;
  json?: boolean;
  csv?: string;
  report?: string;
  crops?: boolean;
  explain?: boolean;
  progress: boolean;
}

/** Detector options from the shared flags of `scan`, `serve` and `worker`; bad input becomes a UserError. */
export function detectorOptionsFromCli(
  o: Pick<DetectorCliOptions, 'model'> & Partial<DetectorCliOptions>,
): DetectorOptions {
  if (o.precision !== undefined && !isPrecision(o.precision))
    throw new UserError(`--precision must be one of ${PRECISIONS.join(', ')}, got '${o.precision}'`);
  if (!existsSync(o.model)) throw new UserError(`detector checkpoint not found: ${o.model}`);
  if (o.threshold !== undefined && o.calibration !== undefined)
    throw new UserError('give either --threshold or --calibration, not both');
  if (o.calibration !== undefined && !existsSync(o.calibration))
    throw new UserError(`calibration file not found: ${o.calibration}`);
  if (o.explainWith !== undefined && !existsSync(o.explainWith))
    throw new UserError(`--explain-with checkpoint not found: ${o.explainWith}`);
  return {
    model: o.model,
    numHeads: o.num_heads,
    threshold: o.threshold,
    calibration: o.calibration,
    recipe: o.recipe,
    minFaceSize: o.minFace,
    batch: o.batch,
    threads: o.threads,
    ...(o.precision && isPrecision(o.precision) ? { precision: o.precision } : {}),
    explainWith: o.explainWith,
    explainDecoderHeads: o.decoder_heads,
  };
}

/** Creates the detector, turning checkpoint/recipe/calibration problems into user errors. */
export async function createDetectorForCli(opts: DetectorOptions): Promise<Detector> {
  let detector: Detector;
  try {
    detector = await Detector.create(opts);
  } catch (err) {
    throw new UserError(`cannot load the detector: ${(err as Error).message}`);
  }
  const warning = detector.info.normalisation.warning;
  if (warning) console.error(`warning: ${warning}`);
  return detector;
}

/** JSON for output: crops and heatmaps (large data URIs) only when asked for. */
export function stripImages(items: ScanItem[]): ScanItem[] {
  return items.map((it) => ({
    ...it,
    frames: it.frames.map((f) => ({
      ...f,
      faces: f.faces.map(({ crop: _c, heatmaps: _h, ...rest }) => rest),
    })),
  }));
}

/** Every input exists and `aggregate` names a frame → video rule; a UserError otherwise. */
export function checkScanInputs(inputs: readonly string[], aggregate: string): void {
  for (const i of inputs) if (!existsSync(i)) throw new UserError(`input not found: ${i}`);
  if (!VIDEO_AGGREGATIONS.includes(aggregate as VideoAggregation))
    throw new UserError(`--aggregate must be one of ${VIDEO_AGGREGATIONS.join(', ')}, got "${aggregate}"`);
}

/** After a scan: the item lines a progress bar held back, then the --csv, --report and --json outputs. */
export async function writeScanOutputs(
  items: ScanItem[],
  o: Pick<ScanCliOptions, 'csv' | 'report' | 'json' | 'crops'>,
  log: (line: string) => void,
  barShown: boolean,
): Promise<void> {
  if (barShown) for (const it of items) log(describe(it));
  if (o.csv) await writeText(o.csv, scanCsv(items));
  if (o.report) await writeText(o.report, scanReportHtml(items));
  if (o.json) console.log(JSON.stringify({ items: o.crops ? items : stripImages(items) }));
}

/** What a scan of each file does, locally or on the queue: frame sampling, aggregation, attached images. */
export function mediaScanOptions(o: ScanCliOptions) {
  return {
    frames: o.frames,
    fps: o.fps,
    aggregate: o.aggregate as VideoAggregation,
    crops: o.crops || o.report !== undefined,
    explain: o.explain,
  };
}

export async function runScan(inputs: string[], o: ScanCliOptions): Promise<ScanItem[]> {
  checkScanInputs(inputs, o.aggregate);
  const detector = await createDetectorForCli(detectorOptionsFromCli(o));
  const controller = new AbortController();
  const onSignal = (): void => controller.abort(new UserError('scan interrupted', 130));
  const stopListening = onStopSignals(onSignal, true);
  const bar = terminalProgressBar(o.progress, {
    format: 'scan [{bar}] {value}/{total} files | {file} | ETA {eta}s',
    stream: process.stderr,
  });
  try {
    const log = o.json ? () => {} : (l: string) => console.log(l);
    let started = false;
    const items = await detector.scanPath(inputs, {
      jobs: o.jobs,
      ...mediaScanOptions(o),
      signal: controller.signal,
      onItem: (item, done, total) => {
        if (bar && !started) {
          bar.start(total, 0, { file: '' });
          started = true;
        }
        bar?.update(done, { file: item.input.slice(-40) });
        if (!bar) log(describe(item));
      },
    });
    bar?.stop();
    await writeScanOutputs(items, o, log, bar !== undefined);
    return items;
  } catch (err) {
    bar?.stop();
    throw controller.signal.aborted ? controller.signal.reason : err;
  } finally {
    stopListening();
    detector.dispose();
  }
}

export function describe(it: ScanItem): string {
  const score = it.p_fake === null ? '' : ` p_fake=${it.p_fake.toFixed(4)} ${it.verdict}`;
  return `${it.input}: ${it.status}${score}${it.reason ? ` (${it.reason})` : ''}`;
}

async function writeText(path: string, text: string): Promise<void> {
  await writeFileAtomic(path, (fd) => {
    writeSync(fd, text);
  });
}

export function registerScan(program: Command): void {
  withDetectorOptions(program.command('scan'))
    .description('score images and videos (files or folders, recursively) with a fine-tuned detector')
    .argument('<inputs...>', 'image/video files or folders')
    .option('--frames <n>', 'frames sampled uniformly per video', positiveInt('--frames'), 32)
    .option('--fps <k>', 'sample k frames per second instead of --frames', positiveNumber('--fps'))
    .option('--aggregate <how>', `video score from frame scores: ${VIDEO_AGGREGATIONS.join('|')}`, 'mean')
    .option(
      '--jobs <n>',
      "files scanned concurrently; above 1 stills' faces are found in a worker thread while others are scored (3: fastest on 2 cores)",
      positiveInt('--jobs'),
      1,
    )
    .option('--json', 'print {"items": [...]} as JSON on stdout')
    .option('--csv <out.csv>', 'write one CSV row per item')
    .option('--report <out.html>', 'write a self-contained HTML report (timelines, crops, heatmaps)')
    .option('--crops', 'include face crops (PNG data URIs) in the JSON')
    .option('--explain', 'compute attention-rollout heatmaps (and reconstruction maps with --explain-with)')
    .option(
      '--explain-with <pretrain.pth>',
      'FS-VFM pre-training checkpoint for masked-reconstruction error maps',
    )
    .option(
      '--decoder_heads <n>',
      'decoder heads of a custom-size --explain-with checkpoint',
      positiveInt('--decoder_heads'),
    )
    .option('--no-progress', 'no progress bar')
    .option(
      '--queue <redis-url>',
      'enqueue one job per file on Redis for `fsvfm worker`s instead of scoring here',
      redisUrl('--queue'),
    )
    .option(
      '--queue-backlog <n>',
      'with --queue: wait while this many jobs wait',
      positiveInt('--queue-backlog'),
      1000,
    )
    .action(async (inputs: string[], o: ScanCliOptions & { queue?: string; queueBacklog: number }) => {
      if (o.explainWith) o.explain = true;
      if (o.queue !== undefined) {
        const { runScanOnQueue } = await import('./scanOnQueue.js');
        await runScanOnQueue(inputs, { ...o, queue: o.queue });
        return;
      }
      await runScan(inputs, o);
    });
}

/** The options of every command that loads a detector and scores faces (`scan`, `serve`). */
export function withDetectorOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--model <checkpoint>', 'fine-tuned detector (.pth, .pth.tar, .safetensors)')
    .option('--num_heads <n>', 'attention heads of a custom-size model', positiveInt('--num_heads'))
    .option(
      '--threshold <t>',
      "P(fake) at or above which the verdict is fake (default: the checkpoint's entry in the calibration.json training wrote beside it, else 0.5)",
      probability('--threshold'),
    )
    .option(
      '--calibration <file.json>',
      'threshold from a calibration file {"threshold", "source"} (a training calibration.json: the entry of --model when it has one)',
    )
    .option('--recipe <name>', 'face crop recipe (default fsfm-dlib-1.3)')
    .option('--min-face <px>', 'faces smaller than this are not scored', positiveInt('--min-face'), 40)
    .option('--batch <n>', 'crops per model run', positiveInt('--batch'), 8)
    .option('--threads <n>', 'onnxruntime threads', positiveInt('--threads'))
    .option(
      '--precision <p>',
      `model arithmetic: ${PRECISIONS.join('|')} (int8: quantized transformer blocks, faster on VNNI/AMX CPUs)`,
      'fp32',
    );
}
