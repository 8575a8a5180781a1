// A queue worker: takes scan jobs from Redis, scores each file with a Detector, and stores the scan item as the
// job's result. Files that cannot be scanned (corrupt, no face) are results, not failures; only unexpected errors
// are retried, and a worker that dies mid-job leaves a stalled job that another worker picks up.
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { MediaLimitError, type ScanItem, type VideoScanOptions } from '../detect/index.js';
import { connectionLog, redisClient, waitForRedis } from './redisConnection.js';
import { SCAN_JOB_ATTEMPTS, type ScanJobData, type ScanJobResult, scanQueueName } from './scanJob.js';

/** What a worker scores files with: a `Detector`, or a stand-in that measures the queue alone. */
export interface FileScanner {
  scanFile(path: string, opts: VideoScanOptions): Promise<ScanItem>;
}

export interface ScanWorkerOptions {
  redisUrl: string;
  scanner: FileScanner;
  /** detector key (detectorKey.ts) of the scanner: names the queue, and jobs made for another are refused */
  detectorKey: string;
  /** jobs scored at once by this process (default 1) */
  concurrency?: number;
  /** a job whose worker stops renewing its lock for this long goes back to the queue (default 30 s) */
  stallS?: number;
  log?: (line: string) => void;
}

export interface ScanWorkerCounts {
  active: number;
  completed: number;
  failed: number;
  /** jobs of dead workers this worker found and put back in the queue */
  recovered: number;
}

export class ScanWorker {
  readonly counts: ScanWorkerCounts = { active: 0, completed: 0, failed: 0, recovered: 0 };
  private closing = false;

  private constructor(
    readonly queueName: string,
    private readonly worker: Worker<ScanJobData, ScanJobResult>,
    private readonly connection: Redis,
  ) {}

  /** Connects (throws if Redis cannot be reached within 10 s) and starts taking jobs. */
  static async start(opts: ScanWorkerOptions): Promise<ScanWorker> {
    const log = opts.log ?? (() => {});
    const queueName = scanQueueName(opts.detectorKey);
    const connection = redisClient(opts.redisUrl, { onState: connectionLog(log) });
    try {
      await waitForRedis(connection, opts.redisUrl);
    } catch (err) {
      connection.disconnect();
      throw err;
    }
    const stallMs = (opts.stallS ?? 30) * 1000;
    const worker = new Worker<ScanJobData, ScanJobResult>(
      queueName,
      (job, _token, signal) => processJob(job, opts, signal),
      {
        connection,
        concurrency: opts.concurrency ?? 1,
        lockDuration: stallMs,
        stalledInterval: stallMs,
        // a crash-looping input is given up after as many tries as a throwing one
        maxStalledCount: SCAN_JOB_ATTEMPTS - 1,
        name: `${hostname()}:${process.pid}`,
        autorun: false,
      },
    );
    const self = new ScanWorker(queueName, worker, connection);
    const counts = self.counts;
    const status = (): string =>
      `[done ${counts.completed}, failed ${counts.failed}, active ${counts.active}, recovered ${counts.recovered}]`;
    worker.on('active', (job) => {
      counts.active++;
      log(`job ${shortId(job.id)} started: ${job.data.path}`);
    });
    worker.on('completed', (job, result) => {
      counts.active--;
      counts.completed++;
      log(`job ${shortId(job.id)} done: ${job.data.path}: ${describeResult(result)} ${status()}`);
    });
    worker.on('failed', (job, err) => {
      if (!job) return;
      // a job that failed its last attempt, or a retry scheduled after an error
      if (counts.active > 0) counts.active--;
      const final = job.attemptsMade >= (job.opts.attempts ?? 1) || err instanceof UnrecoverableError;
      if (final) counts.failed++;
      const what = final ? 'failed' : `error (attempt ${job.attemptsMade}, will be retried)`;
      log(`job ${shortId(job.id)} ${what}: ${job.data.path}: ${err.message} ${status()}`);
    });
    worker.on('stalled', (jobId) => {
      counts.recovered++;
      log(`job ${shortId(jobId)} stalled (its worker stopped); back in the queue ${status()}`);
    });
    // connection errors are reported by the state log above; BullMQ retries on its own
    worker.on('error', () => {});
    worker.run().catch((err: unknown) => log(`worker stopped: ${(err as Error).message}`));
    await worker.waitUntilReady();
    log(`taking jobs from queue ${queueName} (concurrency ${opts.concurrency ?? 1})`);
    return self;
  }

  get state(): 'ok' | 'closing' | 'reconnecting' {
    if (this.closing) return 'closing';
    return this.connection.status === 'ready' ? 'ok' : 'reconnecting';
  }

  /** Stops taking jobs; `force` abandons running ones (they stall and go to another worker), else waits for them. */
  async close(force = false): Promise<void> {
    this.closing = true;
    await this.worker.close(force);
    this.connection.disconnect();
  }
}

async function processJob(
  job: Job<ScanJobData, ScanJobResult>,
  opts: ScanWorkerOptions,
  signal: AbortSignal | undefined,
): Promise<ScanJobResult> {
  const { path, detector, options } = job.data;
  if (detector !== opts.detectorKey)
    throw new UnrecoverableError(
      `job made for detector ${detector.slice(0, 16)}, this worker runs ${opts.detectorKey.slice(0, 16)}`,
    );
  // a missing file may be a worker without the shared storage mounted: let another worker try
  if (!existsSync(path)) throw new Error(`input not found on ${hostname()}: ${path}`);
  try {
    return { item: await opts.scanner.scanFile(path, { ...options, signal }) };
  } catch (err) {
    if (err instanceof MediaLimitError) return { media_limit: err.message };
    throw err;
  }
}

function describeResult(r: ScanJobResult): string {
  if ('media_limit' in r) return `refused (${r.media_limit})`;
  const it = r.item;
  const score = it.p_fake === null ? '' : ` p_fake=${it.p_fake.toFixed(4)} ${it.verdict}`;
  return `${it.status}${score}${it.reason ? ` (${it.reason})` : ''} in ${it.elapsed_ms} ms`;
}

function shortId(id: string | undefined): string {
  return (id ?? '?').slice(0, 12);
}
