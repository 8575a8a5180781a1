// `fsvfm scan <inputs> --queue <redis-url>`: the same scan, scored by `fsvfm worker`s through the Redis queue.
// One job per file; the outputs (lines, --json, --csv, --report) are those of a local scan.
import { existsSync, writeSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { listInputFiles } from '../../data/datasets/listInputFiles.js';
import { type ModelInfo, type ScanItem, scanCsv, scanReportHtml } from '../../detect/index.js';
import { VIDEO_AGGREGATIONS, type VideoAggregation } from '../../eval/videoAggregation.js';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import { onStopSignals } from '../interrupt.js';
import { UserError } from '../userError.js';
import {
  describe as describeItem,
  detectorOptionsFromCli,
  type ScanCliOptions,
  stripImages,
} from './scan.js';

export interface QueueScanCliOptions extends ScanCliOptions {
  queue: string;
  queueBacklog: number;
}

export async function runScanOnQueue(inputs: string[], o: QueueScanCliOptions): Promise<ScanItem[]> {
  for (const i of inputs) if (!existsSync(i)) throw new UserError(`input not found: ${i}`);
  if (!VIDEO_AGGREGATIONS.includes(o.aggregate as VideoAggregation))
    throw new UserError(`--aggregate must be one of ${VIDEO_AGGREGATIONS.join(', ')}, got "${o.aggregate}"`);
  const { detectorKey, failedScanItem, modelInfoOf, ScanProducer } = await import('../../queue/index.js');
  const opts = detectorOptionsFromCli(o);
  const key = await detectorKey(opts).catch((err: Error) => {
    throw new UserError(err.message);
  });
  const files = listInputFiles(inputs).map((f) => f.path);
  const note = (l: string): void => console.error(`fsvfm scan: ${l}`);
  const producer = await ScanProducer.connect({
    redisUrl: o.queue,
    detectorKey: key.key,
    maxBacklog: o.queueBacklog,
    log: note,
  }).catch((err: Error) => {
    throw new UserError(err.message);
  });
  const controller = new AbortController();
  const onSignal = (): void =>
    controller.abort(
      new UserError(
        'scan interrupted (queued jobs stay on the queue; run again to collect their results)',
        130,
      ),
    );
  const stopListening = onStopSignals(onSignal, true);
  const bar =
    o.progress && process.stderr.isTTY
      ? new cliProgress.SingleBar(
          {
            format: 'scan [{bar}] {value}/{total} files | queued {queued} | {file} | ETA {eta}s',
            stream: process.stderr,
          },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
  try {
    const workers = await producer.workerCount();
    note(
      `${files.length} files → queue ${producer.queueName} (${workers} worker${workers === 1 ? '' : 's'} connected)`,
    );
    if (workers === 0)
      note(
        `no worker yet: start one with  fsvfm worker --redis ${o.queue} --model <the same checkpoint and options>`,
      );
    const log = o.json ? () => {} : (l: string) => console.log(l);
    bar?.start(files.length, 0, { file: '', queued: 0 });
    let queued = 0;
    let done = 0;
    const firstModel: { info?: ModelInfo } = {};
    const outcomes = await producer.scanFiles(
      files,
      {
        frames: o.frames,
        fps: o.fps,
        aggregate: o.aggregate as VideoAggregation,
        crops: o.crops || o.report !== undefined,
        explain: o.explain,
      },
      {
        signal: controller.signal,
        onQueued: () => bar?.update(done, { queued: ++queued }),
        onOutcome: (i, outcome) => {
          done++;
          if ('item' in outcome) firstModel.info ??= outcome.item.model;
          bar?.update(done, { file: files[i]!.slice(-40), queued });
          if (!bar && 'item' in outcome) log(describeItem({ ...outcome.item, input: files[i]! }));
        },
      },
    );
    bar?.stop();
    let model = firstModel.info;
    const items: ScanItem[] = [];
    for (const [i, outcome] of outcomes.entries()) {
      if ('item' in outcome) {
        // files with equal bytes share a job: each keeps its own name
        items.push({ ...outcome.item, input: files[i]! });
        continue;
      }
      model ??= await modelInfoOf(opts, key);
      const reason =
        'failed' in outcome
          ? `failed on the workers after ${outcome.attempts} attempts: ${outcome.failed}`
          : outcome.media_limit;
      const item = failedScanItem(files[i]!, reason, model);
      if (!bar) log(describeItem(item));
      items.push(item);
    }
    if (bar) for (const it of items) log(describeItem(it));
    if (o.csv) await writeText(o.csv, scanCsv(items));
    if (o.report) await writeText(o.report, scanReportHtml(items));
    if (o.json) console.log(JSON.stringify({ items: o.crops ? items : stripImages(items) }));
    return items;
  } catch (err) {
    bar?.stop();
    if (controller.signal.aborted) throw controller.signal.reason;
    throw err;
  } finally {
    stopListening();
    await producer.close();
  }
}

async function writeText(path: string, text: string): Promise<void> {
  await writeFileAtomic(path, (fd) => {
    writeSync(fd, text);
  });
}
