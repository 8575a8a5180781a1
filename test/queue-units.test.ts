// The queue's rules with a stand-in scanner (no model): job ids, retries that end in `failed`, media limits,
// back-pressure, the worker's health endpoint. Real Redis, started and stopped here.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Detector, MediaLimitError, type ScanItem } from '../src/detect/index.js';
import {
  type FileScanner,
  SCAN_JOB_ATTEMPTS,
  ScanProducer,
  ScanWorker,
  scanJobId,
  startWorkerHealth,
} from '../src/queue/index.js';
import { createScanServer, queuedScanFile } from '../src/server/index.js';
import { freePort, hasRedisServer, type Proc, startRedis } from './queue-support.js';
import { scratchDir } from './scratchDir.js';

const skip = !hasRedisServer() && 'redis-server is not installed';
let redis: Proc;
let url: string;
let dir: string;

before(async () => {
  if (skip) return;
  const port = await freePort();
  url = `redis://127.0.0.1:${port}`;
  redis = await startRedis(port);
  dir = scratchDir('fsvfm-queue-units-');
});
after(async () => {
  await redis?.stop();
});

function files(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const p = join(dir, `${prefix}-${i}.bin`);
    writeFileSync(p, `${prefix} ${i}`);
    return p;
  });
}

const item = (input: string): ScanItem =>
  ({ input, media: 'image', status: 'ok', p_fake: 0.25, verdict: 'real', elapsed_ms: 1 }) as ScanItem;

test('job ids: same bytes and options share an id; other options or bytes do not', () => {
  const sha = 'ab'.repeat(32);
  assert.equal(scanJobId(sha, 'k', { frames: 4, crops: false }), scanJobId(sha, 'k', { frames: 4 }));
  assert.notEqual(scanJobId(sha, 'k', { frames: 4 }), scanJobId(sha, 'k', { frames: 5 }));
  assert.notEqual(scanJobId(sha, 'k', { frames: 4 }), scanJobId(sha, 'other', { frames: 4 }));
  assert.notEqual(scanJobId(sha, 'k', {}), scanJobId('cd'.repeat(32), 'k', {}));
  assert.match(scanJobId(sha, 'k', {}), /^[0-9a-f]{64}-[0-9a-f]{16}$/);
});

test('a scanner that keeps throwing: failed after the allowed attempts, with its error; a media limit is a result', {
  skip,
  timeout: 60_000,
}, async () => {
  const calls = new Map<string, number>();
  const scanner: FileScanner = {
    scanFile: async (path) => {
      calls.set(path, (calls.get(path) ?? 0) + 1);
      if (path.endsWith('-0.bin')) throw new Error('decoder crashed');
      if (path.endsWith('-1.bin')) throw new MediaLimitError('video is 700.0 s long, over the 600 s limit');
      return item(path);
    },
  };
  const worker = await ScanWorker.start({ redisUrl: url, scanner, detectorKey: 'units-throw' });
  const producer = await ScanProducer.connect({ redisUrl: url, detectorKey: 'units-throw' });
  try {
    const paths = files('throw', 3);
    const outcomes = await producer.scanFiles(paths, {});
    assert.deepEqual(outcomes[0], { failed: 'decoder crashed', attempts: SCAN_JOB_ATTEMPTS });
    assert.deepEqual(outcomes[1], { media_limit: 'video is 700.0 s long, over the 600 s limit' });
    assert.equal((outcomes[2] as { item: ScanItem }).item.input, paths[2]);
    assert.equal(calls.get(paths[0]!), SCAN_JOB_ATTEMPTS);
    assert.equal(calls.get(paths[1]!), 1);
    assert.deepEqual(worker.counts, { active: 0, completed: 2, failed: 1, recovered: 0 });
  } finally {
    await producer.close();
    await worker.close();
  }
});

test('equal bytes under two names are one job; submitting them again answers from the stored result', {
  skip,
  timeout: 30_000,
}, async () => {
  const scanned: string[] = [];
  const scanner: FileScanner = {
    scanFile: async (path) => {
      scanned.push(path);
      return item(path);
    },
  };
  const worker = await ScanWorker.start({ redisUrl: url, scanner, detectorKey: 'units-dedup' });
  const producer = await ScanProducer.connect({ redisUrl: url, detectorKey: 'units-dedup' });
  try {
    const [a, b] = [join(dir, 'same-a.bin'), join(dir, 'same-b.bin')];
    writeFileSync(a, 'same bytes');
    writeFileSync(b, 'same bytes');
    const first = await producer.scanFiles([a, b], {});
    assert.equal(first.length, 2);
    assert.deepEqual(scanned, [a]);
    const again = await producer.scanFiles([b], {});
    assert.deepEqual(again, [first[0]]);
    assert.deepEqual(scanned, [a], 'no second scan');
    await producer.scanFiles([b], { frames: 5 });
    assert.deepEqual(scanned, [a, b], 'other options are another job');
  } finally {
    await producer.close();
    await worker.close();
  }
});

test('back-pressure: the producer waits while the backlog is full, and finishes once a worker drains it', {
  skip,
  timeout: 60_000,
}, async () => {
  const lines: string[] = [];
  const producer = await ScanProducer.connect({
    redisUrl: url,
    detectorKey: 'units-backlog',
    maxBacklog: 3,
    log: (l) => lines.push(l),
  });
  let worker: ScanWorker | undefined;
  try {
    const paths = files('backlog', 10);
    const run = producer.scanFiles(paths, {});
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await producer.backlog(), 3, 'no more than the limit was queued');
    assert.match(lines.join('\n'), /backlog of 3 jobs \(limit 3\): waiting for workers/);
    const scanner: FileScanner = { scanFile: async (path) => item(path) };
    worker = await ScanWorker.start({ redisUrl: url, scanner, detectorKey: 'units-backlog' });
    const outcomes = await run;
    assert.deepEqual(
      outcomes.map((o) => (o as { item: ScanItem }).item.input),
      paths,
    );
    assert.equal(await producer.workerCount(), 1);
  } finally {
    await producer.close();
    await worker?.close();
  }
});

test('worker health: GET /health on loopback says ok with counts, 503 once closing', { skip }, async () => {
  const scanner: FileScanner = { scanFile: async (path) => item(path) };
  const worker = await ScanWorker.start({ redisUrl: url, scanner, detectorKey: 'units-health' });
  const health = await startWorkerHealth(worker, 0);
  try {
    const r = await fetch(`http://127.0.0.1:${health.port}/health`);
    assert.equal(r.status, 200);
    const body = (await r.json()) as Record<string, unknown>;
    assert.equal(body.status, 'ok');
    assert.match(body.queue as string, /^fsvfm-scan-units-health/);
    assert.equal(body.completed, 0);
    assert.equal((await fetch(`http://127.0.0.1:${health.port}/nope`)).status, 404);
    await worker.close();
    assert.equal((await fetch(`http://127.0.0.1:${health.port}/health`)).status, 503);
  } finally {
    await health.close();
    await worker.close();
  }
});

test('serve --queue: uploads are scored by a worker; a media limit is 422, a failed job 502', {
  skip,
  timeout: 60_000,
}, async () => {
  const scanner: FileScanner = {
    scanFile: async (path) => {
      const text = readFileSync(path, 'utf8');
      if (text === 'long') throw new MediaLimitError('video is 9.0 s long, over the 1 s limit');
      if (text === 'crash') throw new Error('decoder crashed');
      return item(path);
    },
  };
  const worker = await ScanWorker.start({ redisUrl: url, scanner, detectorKey: 'units-serve' });
  const producer = await ScanProducer.connect({ redisUrl: url, detectorKey: 'units-serve' });
  // the detector only answers GET /model here; scans go through the queue
  const service = createScanServer({ detector: {} as Detector, scanFile: queuedScanFile(producer) });
  const base = `http://127.0.0.1:${await service.listen(0, '127.0.0.1')}`;
  const post = (text: string) => {
    const form = new FormData();
    form.append('file', new Blob([text]), 'clip.mp4');
    return fetch(`${base}/scan`, { method: 'POST', body: form });
  };
  try {
    const ok = await post('a face');
    assert.equal(ok.status, 200);
    const body = (await ok.json()) as ScanItem;
    assert.equal(body.input, 'clip.mp4');
    assert.equal(body.p_fake, 0.25);
    assert.equal((await post('long')).status, 422);
    const failed = await post('crash');
    assert.equal(failed.status, 502);
    assert.match(((await failed.json()) as { error: string }).error, /after 3 attempts: decoder crashed/);
  } finally {
    await service.close();
    await producer.close();
    await worker.close();
  }
});

test('an aborted submission (serve timeout) takes its job off the queue and does not submit it again', {
  skip,
  timeout: 30_000,
}, async () => {
  const producer = await ScanProducer.connect({ redisUrl: url, detectorKey: 'units-abort', sweepMs: 100 });
  try {
    const [path] = files('abort', 1);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('scan took too long')), 300);
    await assert.rejects(producer.scanFile(path!, {}, { signal: controller.signal }), /too long/);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await producer.backlog(), 0);
  } finally {
    await producer.close();
  }
});
