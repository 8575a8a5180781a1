// The scan queue end to end with real components: its own redis-server, two `fsvfm worker` processes, the
// `fsvfm scan --queue` producer; results compared with a local `fsvfm scan` of the same 50 inputs.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { ScanItem } from '../src/detect/index.js';
import { detectorKey, scanQueueName } from '../src/queue/index.js';
import { needsOracle, oraclePath } from './oracle-fixtures.js';
import {
  fiftyInputs,
  freePort,
  fsvfm,
  hasRedisServer,
  type Proc,
  startRedis,
  until,
} from './queue-support.js';
import { scratchDir } from './scratchDir.js';

const model = oraclePath('checkpoints/finetune-vit.pth');
const skip = needsOracle || (!hasRedisServer() && 'redis-server is not installed');
const detectorArgs = ['--model', model, '--num_heads', '3'];

let dir: string;
let inputs: string;
let port: number;
let url: string;
let redis: Proc;
let local: ScanItem[];
const workers: Proc[] = [];

/** Items without their timing, which differs between any two runs. */
const comparable = (items: ScanItem[]) => items.map(({ elapsed_ms: _t, ...rest }) => rest);

async function runScan(args: string[]): Promise<ScanItem[]> {
  const p = fsvfm(['scan', ...args, ...detectorArgs, '--json', '--no-progress']);
  const code = await Promise.race([
    p.exited,
    new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 120_000).unref()),
  ]);
  if (code !== 0) {
    await p.stop();
    assert.fail(`fsvfm scan ${args.join(' ')} ended with ${code}:\n${p.lines.slice(-20).join('\n')}`);
  }
  return (JSON.parse(p.stdout.trim().split('\n').pop()!) as { items: ScanItem[] }).items;
}

function startWorker(): Proc {
  const w = fsvfm(['worker', '--redis', url, ...detectorArgs, '--stall-s', '4']);
  workers.push(w);
  return w;
}

before(async () => {
  if (skip) return;
  dir = scratchDir('fsvfm-queue-');
  inputs = await fiftyInputs(dir);
  port = await freePort();
  url = `redis://127.0.0.1:${port}`;
  redis = await startRedis(port);
  const ready = [startWorker(), startWorker()];
  // the local reference scan runs while the workers load their detectors
  local = await runScan([inputs, '--frames', '4']);
  for (const w of ready)
    await until('a worker to take jobs', () => w.lines.some((l) => l.includes('taking jobs')), 60_000);
});

after(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await redis?.stop();
});

test('50 inputs through the queue with two workers, one killed with SIGKILL mid-job: every result once, equal to a local scan', {
  skip,
  timeout: 180_000,
}, async () => {
  assert.equal(local.length, 50);
  const [a, b] = workers as [Proc, Proc];
  const producer = runScan([inputs, '--frames', '4', '--queue', url]);
  // kill worker A while it is inside a job, after it has finished a few
  const done = (w: Proc) => w.lines.filter((l) => / done: /.test(l)).length;
  await until(
    'worker A to be mid-job',
    () => done(a) >= 3 && / started: /.test(a.lines.at(-1) ?? ''),
    90_000,
  );
  const killedJob = /job (\S+) started/.exec(a.lines.at(-1)!)![1]!;
  a.child.kill('SIGKILL');
  const items = await producer;
  assert.deepEqual(comparable(items), comparable(local));
  // in Redis: one completed job per input, none failed, the killed job finished by worker B
  const key = await detectorKey({ model, numHeads: 3 });
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const queue = new Queue(scanQueueName(key.key), { connection });
  try {
    const counts = await queue.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed');
    assert.deepEqual(counts, { completed: 50, failed: 0, waiting: 0, active: 0, delayed: 0 });
    const completed = await queue.getJobs(['completed'], 0, -1);
    const recovered = completed.find((j) => j.id!.startsWith(killedJob))!;
    assert.ok(recovered, `job ${killedJob} is completed`);
    assert.equal(recovered.processedBy?.split(':').pop(), String(b.pid));
    assert.ok(
      b.lines.some((l) => l.includes(`job ${killedJob} stalled`)),
      "worker B found the dead worker's job and put it back",
    );
  } finally {
    await queue.close();
    connection.disconnect();
  }
  // a re-submission is answered from the stored results: no new jobs
  const before = b.lines.filter((l) => / started: /.test(l)).length;
  assert.deepEqual(comparable(await runScan([inputs, '--frames', '4', '--queue', url])), comparable(local));
  assert.equal(b.lines.filter((l) => / started: /.test(l)).length, before);
});

test('Redis restarted (empty) during a run: workers and producer reconnect, lost jobs are submitted again, the run completes', {
  skip,
  timeout: 180_000,
}, async () => {
  const b = workers[1]!;
  // different options, so these are new jobs; images and unreadable files score as in the local scan
  const files = readdirSync(inputs)
    .filter((n) => !n.endsWith('.mp4'))
    .slice(0, 24)
    .map((n) => join(inputs, n));
  const started = b.lines.filter((l) => / started: /.test(l)).length;
  const producer = runScan([...files, '--frames', '3', '--queue', url]);
  await until(
    'a few new jobs',
    () => b.lines.filter((l) => / started: /.test(l)).length >= started + 4,
    60_000,
  );
  await redis.stop();
  await new Promise((r) => setTimeout(r, 500));
  redis = await startRedis(port);
  const items = await producer;
  const expected = local.filter((it) => files.includes(it.input));
  assert.equal(items.length, files.length);
  assert.deepEqual(comparable(items), comparable(expected));
  assert.ok(
    b.lines.some((l) => l.includes('redis connection lost')),
    'the worker saw the restart',
  );
  assert.ok(
    b.lines.some((l) => l.includes('redis connection back')),
    'the worker reconnected',
  );
});
