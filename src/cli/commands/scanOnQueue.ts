// `fsvfm scan <inputs> --queue <redis-url>`: the same scan, scored by `fsvfm worker`s through the Redis queue.
// One job per file; the outputs (lines, --json, --csv, --report) are those of a local scan.
import { listInputFiles } from '../../data/datasets/listInputFiles.js';
import type { ModelInfo, ScanItem } from '../../detect/index.js';
import { onStopSignals } from '../interrupt.js';
import { terminalProgressBar } from '../terminalProgressBar.js';
import { UserError } from '../userError.js';
import {
  checkScanInputs,
  describe as describeItem,
  detectorOptionsFromCli,
  mediaScanOptions,
  type ScanCliOptions,
  writeScanOutputs,
} from './scan.js';

export interface QueueScanCliOptions extends ScanCliOptions {
  queue: string;
  queueBacklog: number;
}

export async function runScanOnQueue(inputs: string[], o: QueueScanCliOptions): Promise<ScanItem[]> {
  checkScanInputs(inputs, o.aggregate);
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
  const bar = terminalProgressBar(o.progress, {
    format: 'scan [{bar}] {value}/{total} files | queued {queued} | {file} | ETA {eta}s',
    stream: process.stderr,
  });
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
    const outcomes = await producer.scanFiles(files, mediaScanOptions(o), {
      signal: controller.signal,
      onQueued: () => bar?.update(done, { queued: ++queued }),
      onOutcome: (i, outcome) => {
        done++;
        if ('item' in outcome) firstModel.info ??= outcome.item.model;
        bar?.update(done, { file: files[i]!.slice(-40), queued });
        if (!bar && 'item' in outcome) log(describeItem({ ...outcome.item, input: files[i]! }));
      },
    });
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
    // from here the ending matches runScan's in scan.ts; each releases its own resources (detector / producer)
    await writeScanOutputs(items, o, log, bar !== undefined);
    return items;
  } catch (err) {
    bar?.stop();
    throw controller.signal.aborted ? controller.signal.reason : err;
  } finally {
    stopListening();
    await producer.close();
  }
}
