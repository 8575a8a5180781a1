// Scan-queue speed on one machine: the queue's own cost per job (a stand-in scanner that answers at once, so only
// hashing, Redis, the worker loop and result collection remain), then images per second for a random-weight
// ViT-B/16 detector scanning in-process and through the queue with 1 and 2 worker processes.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import sharp from 'sharp';
import { Detector } from '../detect/detector.js';
import type { ScanItem } from '../detect/scanResult.js';
import { detectorKey } from '../queue/detectorKey.js';
import { redisClient, waitForRedis } from '../queue/redisConnection.js';
import { scanQueueName } from '../queue/scanJob.js';
import { type ScanOutcome, ScanProducer } from '../queue/scanProducer.js';
import { ScanWorker } from '../queue/scanWorker.js';
import { randomVitB16 } from './scanBench.js';

export interface QueueBenchOptions {
  redisUrl: string;
  /** folder for the generated checkpoint and images (kept between runs) */
  cacheDir: string;
  /** face stills the benchmark images are made from */
  stills: string[];
  /** how to start `fsvfm` (e.g. [node, --import, tsx, src/cli/main.ts]) for the worker processes */
  fsvfmCommand: string[];
  /** images scanned per throughput figure (default 24) */
  images?: number;
  /** jobs timed for the queue's own cost (default 300) */
  overheadJobs?: number;
  log?: (line: string) => void;
}

export interface QueueBenchResult {
  /** wall time per job with a scanner that answers at once, jobs submitted together (ms) */
  queue_overhead_ms_per_job: number;
  /** one job submitted alone until its result is back, median (ms) */
  queue_round_trip_ms: number;
  /** Redis server CPU time per job in the batch (ms): what bounds one Redis, whatever the number of workers */
  redis_cpu_ms_per_job: number;
  /** in-process, before the queue runs and after them (the machine's speed drifts) */
  local_images_per_s: number;
  local_images_per_s_after: number;
  queue_1_worker_images_per_s: number;
  queue_2_workers_images_per_s: number;
  images: number;
  overhead_jobs: number;
  cpu_cores: number;
}

export async function benchQueue(o: QueueBenchOptions): Promise<QueueBenchResult> {
  const log = o.log ?? (() => {});
  mkdirSync(o.cacheDir, { recursive: true });
  const ckpt = join(o.cacheDir, 'random-vit-b16.safetensors');
  await randomVitB16(ckpt);
  const nImages = o.images ?? 24;
  const overheadJobs = o.overheadJobs ?? 300;
  const images = await distinctImages(o.stills, nImages, join(o.cacheDir, 'queue-images'), 400);
  // first jobs of a fresh worker compile its programs: warm every worker before timing
  const warmUp = await distinctImages(o.stills, 4, join(o.cacheDir, 'queue-warm-up'), 300);
  const key = (await detectorKey({ model: ckpt })).key;
  const cores = cpus().length;

  // the queue's own cost: a stand-in scanner in this process, tiny distinct files
  const tiny = tinyFiles(overheadJobs, join(o.cacheDir, 'queue-tiny'));
  const standInKey = `${key}-bench-overhead`;
  await clearQueue(o.redisUrl, standInKey);
  const standIn = await ScanWorker.start({
    redisUrl: o.redisUrl,
    detectorKey: standInKey,
    scanner: { scanFile: async (path) => oneFaceItem(path) },
  });
  const producer = await ScanProducer.connect({ redisUrl: o.redisUrl, detectorKey: standInKey });
  let overhead: number;
  let roundTrip: number;
  let redisCpu: number;
  try {
    const half = Math.floor(tiny.length / 2);
    const cpu0 = await redisCpuSeconds(o.redisUrl);
    let t = performance.now();
    checkAll(await producer.scanFiles(tiny.slice(0, half), {}));
    overhead = (performance.now() - t) / half;
    redisCpu = (((await redisCpuSeconds(o.redisUrl)) - cpu0) * 1000) / half;
    const trips: number[] = [];
    for (const p of tiny.slice(half, half + 50)) {
      t = performance.now();
      checkAll([await producer.scanFile(p, {})]);
      trips.push(performance.now() - t);
    }
    roundTrip = trips.sort((a, b) => a - b)[trips.length >> 1]!;
    log(
      `queue overhead: ${overhead.toFixed(2)} ms per job in a batch (Redis CPU ${redisCpu.toFixed(2)} ms), ${roundTrip.toFixed(2)} ms round trip`,
    );
  } finally {
    await producer.close();
    await standIn.close();
    await clearQueue(o.redisUrl, standInKey);
  }

  // the queue's cost is measured first, in a process without a model in its heap (its collections slow everything)
  const localRate = await scanInProcess(ckpt, images);
  log(`in-process: ${localRate.toFixed(2)} images/s`);

  const rates: number[] = [];
  for (const n of [1, 2]) {
    await clearQueue(o.redisUrl, key);
    // one onnxruntime pool per process: split the cores so two workers do not oversubscribe them
    const threads = Math.max(1, Math.floor(cores / n));
    const workers = await Promise.all(
      Array.from({ length: n }, () =>
        startWorkerProcess(o.fsvfmCommand, [
          'worker',
          '--redis',
          o.redisUrl,
          '--model',
          ckpt,
          '--threads',
          String(threads),
        ]),
      ),
    );
    const p = await ScanProducer.connect({ redisUrl: o.redisUrl, detectorKey: key });
    try {
      checkAll(await p.scanFiles(warmUp, {}));
      const t = performance.now();
      checkAll(await p.scanFiles(images, {}));
      const rate = images.length / ((performance.now() - t) / 1000);
      rates.push(rate);
      log(
        `queue, ${n} worker${n > 1 ? 's' : ''} (${threads} thread${threads > 1 ? 's' : ''} each): ${rate.toFixed(2)} images/s`,
      );
    } finally {
      await p.close();
      await Promise.all(workers.map(stopProcess));
    }
  }
  await clearQueue(o.redisUrl, key);
  const localAfter = await scanInProcess(ckpt, images);
  log(`in-process again: ${localAfter.toFixed(2)} images/s`);
  return {
    queue_overhead_ms_per_job: overhead,
    queue_round_trip_ms: roundTrip,
    redis_cpu_ms_per_job: redisCpu,
    local_images_per_s: localRate,
    local_images_per_s_after: localAfter,
    queue_1_worker_images_per_s: rates[0]!,
    queue_2_workers_images_per_s: rates[1]!,
    images: images.length,
    overhead_jobs: overheadJobs,
    cpu_cores: cores,
  };
}

/** Images per second of a Detector in this process, scanning files one after another as `fsvfm scan` does. */
async function scanInProcess(ckpt: string, images: string[]): Promise<number> {
  const detector = await Detector.create({ model: ckpt });
  try {
    await detector.scanFile(images[0]!); // warm-up
    const t = performance.now();
    for (const p of images) await detector.scanFile(p);
    return images.length / ((performance.now() - t) / 1000);
  } finally {
    detector.dispose();
  }
}

/** What a scan of a one-face still returns, for the stand-in scanner: the queue carries results of this size. */
function oneFaceItem(input: string): ScanItem {
  const box = { x: 153.2, y: 55.7, width: 145.1, height: 145.1 };
  return {
    input,
    media: 'image',
    status: 'ok',
    p_fake: 0.4038206934928894,
    verdict: 'real',
    threshold: 0.5,
    aggregate: null,
    frames: [
      {
        index: 0,
        time_s: null,
        faces: [
          {
            box,
            crop_box: { x: 130.4, y: 40.2, width: 190.6, height: 190.6 },
            detector_score: 0.87,
            p_fake: 0.4038206934928894,
            track: 0,
            crop_recipe: 'fsfm-dlib-1.3',
          },
        ],
        p_fake: 0.4038206934928894,
      },
    ],
    tracks: [{ id: 0, frames: [0], p_fake: 0.4038206934928894, box }],
    model: {
      kind: 'finetune-vit',
      size: 'B',
      img_size: 224,
      recipe: 'fsfm-dlib-1.3',
      precision: 'fp32',
      threshold: 0.5,
      threshold_source: 'default',
      normalisation: { mean: [0.5482, 0.4234, 0.3655], std: [0.2789, 0.2439, 0.2349], source: 'vggface2' },
      checkpoint: 'random-vit-b16.safetensors',
    },
    elapsed_ms: 380,
  };
}

function checkAll(outcomes: ScanOutcome[]): void {
  for (const oc of outcomes) {
    if (!('item' in oc) || oc.item.status !== 'ok')
      throw new Error(`benchmark job did not end ok: ${JSON.stringify(oc).slice(0, 200)}`);
  }
}

/** Resized copies of the stills, so every image has its own bytes (equal bytes would share one job). */
async function distinctImages(stills: string[], n: number, dir: string, width0: number): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const width = width0 + 4 * Math.floor(i / stills.length);
      const path = join(dir, `face-${i}-${width}.jpg`);
      await sharp(stills[i % stills.length]!)
        .resize({ width })
        .jpeg({ quality: 92 })
        .toFile(path);
      return path;
    }),
  );
}

function tinyFiles(n: number, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return Array.from({ length: n }, (_, i) => {
    const path = join(dir, `job-${i}.bin`);
    writeFileSync(path, `queue benchmark job ${i}\n`);
    return path;
  });
}

/** CPU seconds the Redis server has used (user + system), from INFO. */
async function redisCpuSeconds(url: string): Promise<number> {
  const connection = redisClient(url);
  try {
    await waitForRedis(connection, url);
    const info = await connection.info('cpu');
    const field = (name: string): number =>
      Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1] ?? 0);
    return field('used_cpu_user') + field('used_cpu_sys');
  } finally {
    connection.disconnect();
  }
}

/** Drops the benchmark queue's jobs, so a run never finds results of an earlier one. */
async function clearQueue(url: string, key: string): Promise<void> {
  const connection = redisClient(url);
  try {
    await waitForRedis(connection, url);
    const q = new Queue(scanQueueName(key), { connection });
    await q.obliterate({ force: true });
    await q.close();
  } finally {
    connection.disconnect();
  }
}

async function startWorkerProcess(command: string[], args: string[]): Promise<ChildProcess> {
  const child = spawn(command[0]!, [...command.slice(1), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start in 120 s:\n${out}`)), 120_000);
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (out.includes('taking jobs')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}:\n${out}`));
    });
  });
  child.stdout!.resume();
  return child;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
