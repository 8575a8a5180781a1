// The producing side of the scan queue: one job per file (id from the file's bytes, so re-submissions share the
// stored result), back-pressure when the queue is long, and results collected from job events, with a periodic
// sweep that catches lost events and re-submits jobs a restarted Redis no longer holds.
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { sha256File } from './fileHash.js';
import { connectionLog, redisClient, waitForRedis } from './redisConnection.js';
import {
  type QueuedScanOptions,
  SCAN_JOB_ATTEMPTS,
  type ScanJobData,
  type ScanJobResult,
  scanJobId,
  scanQueueName,
} from './scanJob.js';

/** How a job ended: its result, or the failure after its last attempt. */
export type ScanOutcome = ScanJobResult | { failed: string; attempts: number };

export interface ScanProducerOptions {
  redisUrl: string;
  /** detector key (detectorKey.ts) of the detector the jobs are for: names the queue */
  detectorKey: string;
  /** submission waits while this many jobs wait in the queue (default 1000) */
  maxBacklog?: number;
  /** pending jobs are re-checked this often (default 2000 ms) */
  sweepMs?: number;
  /** stored results are kept this long for re-submissions (default 24 h) */
  keepResultsS?: number;
  log?: (line: string) => void;
}

export interface SubmitOptions {
  signal?: AbortSignal;
  /** called once per file when its job is on the queue (or was found there) */
  onQueued?: (path: string) => void;
}

interface Pending {
  data: ScanJobData;
  settle: ((o: ScanOutcome) => void)[];
}

type ScanJob = Job<ScanJobData, ScanJobResult>;

const BULK = 50;

export class ScanProducer {
  private readonly pending = new Map<string, Pending>();
  private readonly sweeper: NodeJS.Timeout;
  private sweeping = false;
  private closed = false;

  private constructor(
    readonly queueName: string,
    private readonly queue: Queue<ScanJobData, ScanJobResult>,
    private readonly events: QueueEvents,
    private readonly clients: Redis[],
    private readonly opts: ScanProducerOptions,
  ) {
    // the event carries the result: no second trip to Redis
    events.on('completed', ({ jobId, returnvalue }) => this.settle(jobId, returnvalue));
    events.on('failed', ({ jobId }) => void this.check([jobId]));
    // events missed while Redis was away are found by the sweep
    this.sweeper = setInterval(() => void this.sweep(), opts.sweepMs ?? 2000);
    this.sweeper.unref();
  }

  /** Connects (throws if Redis cannot be reached within 10 s). */
  static async connect(opts: ScanProducerOptions): Promise<ScanProducer> {
    const log = opts.log ?? (() => {});
    const main = redisClient(opts.redisUrl, { onState: connectionLog(log) });
    const blocking = redisClient(opts.redisUrl);
    try {
      await Promise.all([waitForRedis(main, opts.redisUrl), waitForRedis(blocking, opts.redisUrl)]);
    } catch (err) {
      main.disconnect();
      blocking.disconnect();
      throw err;
    }
    const name = scanQueueName(opts.detectorKey);
    const keepS = opts.keepResultsS ?? 24 * 3600;
    const queue = new Queue<ScanJobData, ScanJobResult>(name, {
      connection: main,
      defaultJobOptions: {
        attempts: SCAN_JOB_ATTEMPTS,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: { age: keepS },
        removeOnFail: { age: keepS },
      },
    });
    const events = new QueueEvents(name, { connection: blocking });
    queue.on('error', () => {});
    events.on('error', () => {});
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    return new ScanProducer(name, queue, events, [main, blocking], opts);
  }

  /** Workers connected to this queue (any machine). */
  async workerCount(): Promise<number> {
    return this.queue.getWorkersCount();
  }

  /** Jobs waiting (not yet taken by a worker). */
  async backlog(): Promise<number> {
    return this.queue.count();
  }

  /**
   * Submits one job per file, waiting while the backlog is full, and resolves with the outcomes in file order.
   * Files with equal bytes share one job. `onOutcome` is called as each job ends.
   */
  async scanFiles(
    paths: string[],
    options: QueuedScanOptions,
    opts: SubmitOptions & { onOutcome?: (index: number, outcome: ScanOutcome) => void } = {},
  ): Promise<ScanOutcome[]> {
    const outcomes: Promise<ScanOutcome>[] = [];
    const bulk = Math.max(1, Math.min(BULK, this.opts.maxBacklog ?? BULK));
    for (let start = 0; start < paths.length; start += bulk) {
      opts.signal?.throwIfAborted();
      const chunk = paths.slice(start, start + bulk);
      await this.waitForRoom(chunk.length, opts.signal);
      const ids = await Promise.all(chunk.map((p) => this.jobIdOf(p, options)));
      const waits = await this.submit(
        chunk.map((p, i) => ({ id: ids[i]!, data: this.dataOf(p, options) })),
        opts,
      );
      waits.forEach((w, i) => {
        const index = start + i;
        outcomes.push(
          w.then((o) => {
            opts.onOutcome?.(index, o);
            return o;
          }),
        );
      });
    }
    return abortable(Promise.all(outcomes), opts.signal);
  }

  /** Submits one file and resolves with its outcome; an abort removes the job if no worker has taken it yet. */
  async scanFile(path: string, options: QueuedScanOptions, opts: SubmitOptions = {}): Promise<ScanOutcome> {
    await this.waitForRoom(1, opts.signal);
    const id = await this.jobIdOf(path, options);
    const [wait] = await this.submit([{ id, data: this.dataOf(path, options) }], opts);
    try {
      return await abortable(wait!, opts.signal);
    } catch (err) {
      // nobody else waits for this job: drop it, so the sweep does not submit it again
      if (opts.signal?.aborted && (this.pending.get(id)?.settle.length ?? 0) <= 1) {
        this.pending.delete(id);
        await this.queue.remove(id).catch(() => 0);
      }
      throw err;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    await Promise.allSettled([this.events.close(), this.queue.close()]);
    for (const c of this.clients) c.disconnect();
  }

  private dataOf(path: string, options: QueuedScanOptions): ScanJobData {
    return { path: resolve(path), detector: this.opts.detectorKey, options };
  }

  private async jobIdOf(path: string, options: QueuedScanOptions): Promise<string> {
    return scanJobId(await sha256File(path), this.opts.detectorKey, options);
  }

  /** Back-pressure: waits until the queue has room for `n` more waiting jobs. */
  private async waitForRoom(n: number, signal?: AbortSignal): Promise<void> {
    const max = this.opts.maxBacklog ?? 1000;
    let told = false;
    for (;;) {
      const waiting = await this.queue.count();
      if (waiting + n <= max || waiting === 0) return;
      if (!told) {
        this.opts.log?.(`backlog of ${waiting} jobs (limit ${max}): waiting for workers`);
        told = true;
      }
      await sleep(250, undefined, { signal });
    }
  }

  /** Adds the jobs (an existing id keeps its job) and returns a promise of each one's outcome. */
  private async submit(
    jobs: { id: string; data: ScanJobData }[],
    opts: SubmitOptions,
  ): Promise<Promise<ScanOutcome>[]> {
    const waits = jobs.map(
      ({ id, data }) =>
        new Promise<ScanOutcome>((settle) => {
          const p = this.pending.get(id);
          if (p) p.settle.push(settle);
          else this.pending.set(id, { data, settle: [settle] });
        }),
    );
    await this.queue.addBulk(jobs.map(({ id, data }) => ({ name: 'scan', data, opts: { jobId: id } })));
    for (const j of jobs) opts.onQueued?.(j.data.path);
    // a job that was already there may hold a stored result, or an old failure that this submission retries
    await this.check(
      jobs.map((j) => j.id),
      true,
    );
    return waits;
  }

  /** Settles pending jobs that have ended; re-adds lost ones; with `resubmitted`, retries old failures. */
  private async check(ids: string[], resubmitted = false): Promise<void> {
    const mine = [...new Set(ids)].filter((id) => this.pending.has(id));
    const jobs = await Promise.all(mine.map((id) => this.queue.getJob(id).catch(() => null)));
    await Promise.all(
      mine.map(async (id, i) => {
        const job = jobs[i] as ScanJob | undefined | null;
        if (job === null) return; // Redis unreachable: the next sweep tries again
        const p = this.pending.get(id);
        if (!p) return;
        if (job === undefined) {
          if (this.closed) return;
          this.opts.log?.(
            `job ${id.slice(0, 12)} is no longer in Redis (restarted without its data?); submitting it again`,
          );
          await this.queue.add('scan', p.data, { jobId: id }).catch(() => undefined);
          return;
        }
        if (job.finishedOn === undefined) return;
        const state = await job.getState().catch(() => 'unknown');
        if (state === 'completed') this.settle(id, job.returnvalue);
        else if (state === 'failed') {
          if (resubmitted) {
            this.opts.log?.(`job ${id.slice(0, 12)} failed before (${job.failedReason}); trying it again`);
            await job.retry('failed').catch(() => undefined);
          } else this.settle(id, { failed: job.failedReason, attempts: job.attemptsMade });
        }
      }),
    );
  }

  private settle(id: string, outcome: ScanOutcome): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    for (const s of p.settle) s(outcome);
  }

  private async sweep(): Promise<void> {
    if (this.sweeping || this.pending.size === 0) return;
    this.sweeping = true;
    try {
      const ids = [...this.pending.keys()];
      for (let i = 0; i < ids.length; i += 500) await this.check(ids.slice(i, i + 500));
    } finally {
      this.sweeping = false;
    }
  }
}

function abortable<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  signal.throwIfAborted();
  return new Promise<T>((resolvePromise, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolvePromise(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
