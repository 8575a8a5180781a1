// The soak of a real `fsvfm serve`: a child process on a free loopback port with the tiny fixture detector, driven
// by a bounded mix of clients (valid images and videos, corrupt files, oversize, slow, stalled and vanishing
// uploads, requests without the token) while /health is probed and the server's RSS sampled. Used by
// `npm run soak` (minutes) and by test/server-soak.test.ts (under a minute).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './faces-media.js';
import { oraclePath } from './oracle-fixtures.js';

export const SOAK_KINDS = [
  'image',
  'video',
  'corrupt',
  'oversize',
  'slow',
  'stalled',
  'disconnect',
  'no-token',
] as const;
export type SoakKind = (typeof SOAK_KINDS)[number];

/** Every status the service documents; anything else fails the soak. */
export const DOCUMENTED_STATUSES = [200, 400, 401, 404, 405, 408, 413, 422, 502, 503, 504] as const;

export interface SoakOptions {
  /** time under mixed load after the warm-up */
  durationMs: number;
  /** warm-up under the same load before the RSS baseline is taken (default: 30 % of durationMs, 10–90 s) */
  warmupMs?: number;
  /** concurrent clients (default 4) */
  clients?: number;
  /** hard cap on requests, whatever the time (default 20 000) */
  maxRequests?: number;
  seed?: number;
  /** largest accepted change of RSS between the end of the warm-up and the end of the load (default 10 %) */
  rssTolerancePct?: number;
  log?: (line: string) => void;
}

/** Counts cover warm-up and load; latencies only the load after the warm-up. */
export interface KindFigures {
  requests: number;
  /** outcome → count: `200 ok`, `200 error`, `401`, `413`, `disconnected`, … */
  outcomes: Record<string, number>;
  /** requests whose answer broke the kind's expectation */
  wrong: number;
  p50Ms: number;
  p99Ms: number;
}

export interface SoakReport {
  durationS: number;
  requests: number;
  kinds: Record<SoakKind, KindFigures>;
  /** status codes outside DOCUMENTED_STATUSES, with counts */
  undocumented: Record<string, number>;
  health: { probes: number; failed: number; p50Ms: number; p99Ms: number; maxMs: number };
  /** /health on the same machine with the server idle, before the load: what the machine alone costs */
  healthIdle: { probes: number; p50Ms: number; p99Ms: number; maxMs: number };
  rss: { afterWarmupMb: number; peakMb: number; endMb: number; changePct: number; trendMb: number[] };
  tempFilesLeft: number;
  /** one line per broken expectation (first 20) */
  failures: string[];
  ok: boolean;
}

const TOKEN = 'soak-token-0123456789';
const MAX_UPLOAD_MB = 1;
const UPLOAD_IDLE_S = 2;

interface Reply {
  status: number | null;
  body: string;
  error?: string;
}

interface Body {
  bytes: Buffer;
  name: string;
  /** send the file in this many pieces, this far apart */
  pieces?: number;
  pauseMs?: number;
  /** stop sending after this many file bytes; `after`: 'hang' waits for the server, 'destroy' leaves */
  stopAfter?: { bytes: number; after: 'hang' | 'destroy' };
  token?: string | null;
  chunked?: boolean;
}

function post(base: string, body: Body, timeoutMs: number): Promise<Reply> {
  const boundary = `soak${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${body.name}"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const headers: Record<string, string | number> = {
    'content-type': `multipart/form-data; boundary=${boundary}`,
  };
  if (!body.chunked) headers['content-length'] = head.length + body.bytes.length + tail.length;
  if (body.token !== null) headers.authorization = `Bearer ${body.token ?? TOKEN}`;
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: Reply): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = request(`${base}/scan`, { method: 'POST', headers });
    const timer = setTimeout(() => {
      req.destroy();
      finish({ status: null, body: '', error: 'client timeout' });
    }, timeoutMs);
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => finish({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString() }));
      res.on('error', (e) => finish({ status: res.statusCode ?? 0, body: '', error: e.message }));
    });
    req.on('error', (e) => finish({ status: null, body: '', error: e.message }));
    void (async () => {
      req.write(head);
      const stop = body.stopAfter;
      const bytes = stop ? body.bytes.subarray(0, stop.bytes) : body.bytes;
      const pieces = body.pieces ?? 1;
      const step = Math.ceil(bytes.length / pieces);
      for (let at = 0; at < bytes.length && !done; at += step) {
        if (at > 0 && body.pauseMs) await new Promise((r) => setTimeout(r, body.pauseMs));
        if (!req.destroyed) req.write(bytes.subarray(at, at + step));
      }
      if (stop?.after === 'destroy') {
        await new Promise((r) => setTimeout(r, 50));
        req.destroy();
        finish({ status: null, body: '', error: 'disconnected' });
      } else if (!stop && !req.destroyed) req.end(tail);
    })();
  });
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** A small seeded generator (mulberry32), so a soak's mix of clients can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024;
}

/** The median RSS over 5 s without requests (a sample every 250 ms). */
async function settledRssMb(pid: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 250));
    samples.push(rssMb(pid));
  }
  return samples.sort((a, b) => a - b)[samples.length >> 1]!;
}

async function startServer(uploadDir: string): Promise<{ child: ChildProcess; base: string }> {
  const model = oraclePath('checkpoints/finetune-vit.pth');
  const args = [
    '--import',
    'tsx',
    join(repoRoot, 'src/cli/main.ts'),
    'serve',
    '--model',
    model,
    '--num_heads',
    '3',
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--token',
    TOKEN,
    '--upload-dir',
    uploadDir,
    '--max-upload-mb',
    String(MAX_UPLOAD_MB),
    '--upload-idle-s',
    String(UPLOAD_IDLE_S),
    '--frames',
    '4',
    '--max-video-s',
    '30',
    '--concurrency',
    '2',
    '--queue',
    '64',
    '--timeout-s',
    '120',
  ];
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr!.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fsvfm serve did not start in 120 s:\n${out}`)), 120_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /fsvfm serve: (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`fsvfm serve exited with ${code}:\n${out}`));
    });
  });
  child.stdout!.resume();
  return { child, base };
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

function makeMedia(dir: string): { image: Buffer; video: Buffer; corrupt: Buffer; oversize: Buffer } {
  const image = readFileSync(join(repoRoot, 'test/fixtures/media/grace_hopper.jpg'));
  const ffmpeg = join(repoRoot, 'node_modules/@ffmpeg-installer/linux-x64/ffmpeg');
  const clip = join(dir, 'face.mp4');
  execFileSync(ffmpeg, [
    '-v',
    'error',
    '-y',
    '-loop',
    '1',
    '-i',
    join(repoRoot, 'test/fixtures/media/grace_hopper.jpg'),
    '-t',
    '1',
    '-r',
    '5',
    '-vf',
    'scale=256:-2',
    '-pix_fmt',
    'yuv420p',
    clip,
  ]);
  const video = readFileSync(clip);
  // a JPEG's first bytes followed by noise: the decoder must refuse it cleanly (an error item, not a crash)
  const noise = random(7);
  const corrupt = Buffer.concat([
    image.subarray(0, 64),
    Buffer.from(Array.from({ length: 4096 }, () => Math.floor(noise() * 256))),
  ]);
  const oversize = Buffer.alloc(Math.round(MAX_UPLOAD_MB * 1.5 * 1024 * 1024), 0x42);
  return { image, video, corrupt, oversize };
}

export async function runSoak(opts: SoakOptions): Promise<SoakReport> {
  const log = opts.log ?? (() => {});
  const work = mkdtempSync(join(tmpdir(), 'fsvfm-soak-'));
  const uploadDir = join(work, 'uploads');
  execFileSync('mkdir', ['-p', uploadDir]);
  const media = makeMedia(work);
  const { child, base } = await startServer(uploadDir);
  const pid = child.pid!;
  const rand = random(opts.seed ?? 1);
  const clients = opts.clients ?? 4;
  const maxRequests = opts.maxRequests ?? 20_000;
  const warmupMs = opts.warmupMs ?? Math.min(90_000, Math.max(10_000, opts.durationMs * 0.3));
  const failures: string[] = [];
  const fail = (line: string): void => {
    if (failures.length < 20) failures.push(line);
  };
  const stats = Object.fromEntries(
    SOAK_KINDS.map((k) => [
      k,
      { requests: 0, outcomes: {} as Record<string, number>, wrong: 0, ms: [] as number[] },
    ]),
  ) as Record<SoakKind, { requests: number; outcomes: Record<string, number>; wrong: number; ms: number[] }>;
  const undocumented: Record<string, number> = {};
  try {
    // reference answers, one request each, before any load
    const reference: Record<'image' | 'video', number> = { image: 0, video: 0 };
    for (const kind of ['image', 'video'] as const) {
      const r = await post(
        base,
        { bytes: media[kind], name: `ref.${kind === 'image' ? 'jpg' : 'mp4'}` },
        120_000,
      );
      const item = r.status === 200 ? (JSON.parse(r.body) as { status: string; p_fake: number }) : undefined;
      if (item?.status !== 'ok')
        throw new Error(`reference ${kind} scan failed: ${r.status} ${r.body.slice(0, 200)}`);
      reference[kind] = item.p_fake;
    }
    log(`reference P(fake): image ${reference.image.toFixed(6)}, video ${reference.video.toFixed(6)}`);
    const idle: number[] = [];
    for (let i = 0; i < 100; i++) {
      const t0 = performance.now();
      await (await fetch(`${base}/health`, { signal: AbortSignal.timeout(10_000) })).json();
      idle.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 100));
    }
    idle.sort((a, b) => a - b);

    const weights: [SoakKind, number][] = [
      ['image', 30],
      ['video', 12],
      ['corrupt', 12],
      ['oversize', 8],
      ['slow', 8],
      ['stalled', 4],
      ['disconnect', 12],
      ['no-token', 14],
    ];
    const totalWeight = weights.reduce((s, [, w]) => s + w, 0);
    const pick = (): SoakKind => {
      let x = rand() * totalWeight;
      for (const [k, w] of weights) {
        x -= w;
        if (x < 0) return k;
      }
      return 'image';
    };

    const one = async (kind: SoakKind): Promise<void> => {
      const t0 = performance.now();
      let r: Reply;
      let expect: (r: Reply) => string | null; // null when the answer is right
      const scored = (ref: number) => (x: Reply) => {
        if (x.status === 503) return null; // back-pressure is a documented, correct answer
        if (x.status !== 200) return `status ${x.status} ${x.error ?? x.body.slice(0, 120)}`;
        const item = JSON.parse(x.body) as { status: string; p_fake: number };
        if (item.status !== 'ok' || Math.abs(item.p_fake - ref) > 1e-5)
          return `item ${item.status} p_fake ${item.p_fake} (reference ${ref})`;
        return null;
      };
      switch (kind) {
        case 'image':
          r = await post(base, { bytes: media.image, name: 'face.jpg' }, 120_000);
          expect = scored(reference.image);
          break;
        case 'video':
          r = await post(base, { bytes: media.video, name: 'face.mp4' }, 120_000);
          expect = scored(reference.video);
          break;
        case 'slow':
          r = await post(base, { bytes: media.image, name: 'slow.jpg', pieces: 8, pauseMs: 250 }, 120_000);
          expect = scored(reference.image);
          break;
        case 'corrupt':
          r = await post(base, { bytes: media.corrupt, name: 'broken.jpg' }, 120_000);
          expect = (x) => {
            if (x.status === 503) return null;
            if (x.status !== 200) return `status ${x.status}`;
            return (JSON.parse(x.body) as { status: string }).status === 'error' ? null : 'not an error item';
          };
          break;
        case 'oversize':
          r = await post(base, { bytes: media.oversize, name: 'big.bin', chunked: rand() < 0.5 }, 120_000);
          expect = (x) => (x.status === 413 ? null : `status ${x.status} ${x.error ?? ''}`);
          break;
        case 'stalled':
          r = await post(
            base,
            { bytes: media.image, name: 'stall.jpg', stopAfter: { bytes: 4096, after: 'hang' } },
            UPLOAD_IDLE_S * 1000 + 30_000,
          );
          expect = (x) => (x.status === 408 ? null : `status ${x.status} ${x.error ?? ''}`);
          break;
        case 'disconnect':
          r = await post(
            base,
            {
              bytes: media.video,
              name: 'gone.mp4',
              stopAfter: { bytes: Math.floor(rand() * media.video.length * 0.9), after: 'destroy' },
            },
            30_000,
          );
          expect = (x) => (x.status === null ? null : `answered ${x.status} to a client that left`);
          break;
        case 'no-token':
          r = await post(
            base,
            { bytes: media.image, name: 'anon.jpg', token: rand() < 0.5 ? null : 'wrong-token-xyz' },
            30_000,
          );
          expect = (x) => (x.status === 401 ? null : `status ${x.status}`);
          break;
      }
      const s = stats[kind];
      s.requests++;
      s.ms.push(performance.now() - t0);
      let outcome =
        r.status === null
          ? r.error === 'disconnected'
            ? 'disconnected'
            : `no answer (${r.error})`
          : String(r.status);
      if (r.status === 200) {
        try {
          outcome += ` ${(JSON.parse(r.body) as { status: string }).status}`;
        } catch {
          outcome += ' (bad JSON)';
        }
      }
      s.outcomes[outcome] = (s.outcomes[outcome] ?? 0) + 1;
      if (r.status !== null && !(DOCUMENTED_STATUSES as readonly number[]).includes(r.status))
        undocumented[r.status] = (undocumented[r.status] ?? 0) + 1;
      let why: string | null;
      try {
        why = expect(r);
      } catch (err) {
        why = `unreadable answer: ${(err as Error).message}`;
      }
      if (why !== null) {
        s.wrong++;
        fail(`${kind}: ${why}`);
      }
    };

    // health probes and RSS samples run through warm-up and load
    const health: number[] = [];
    let healthFailed = 0;
    const rssTrend: number[] = [];
    let loadRunning = true;
    const prober = (async () => {
      while (loadRunning) {
        const t0 = performance.now();
        try {
          const r = await fetch(`${base}/health`, { signal: AbortSignal.timeout(10_000) });
          await r.json();
          if (r.status === 200) health.push(performance.now() - t0);
          else healthFailed++;
        } catch {
          healthFailed++;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    let peak = 0;
    const sampler = setInterval(() => {
      try {
        peak = Math.max(peak, rssMb(pid));
      } catch {
        /* the server is gone; the soak notices elsewhere */
      }
    }, 500);

    let requests = 0;
    const loadUntil = async (deadline: number): Promise<void> => {
      await Promise.all(
        Array.from({ length: clients }, async () => {
          while (performance.now() < deadline && requests < maxRequests && child.exitCode === null) {
            requests++;
            await one(pick());
          }
        }),
      );
    };
    const started = performance.now();
    log(`warm-up ${(warmupMs / 1000).toFixed(0)} s with ${clients} clients`);
    await loadUntil(started + warmupMs);
    // baseline after the warm-up's requests have finished: the median of a settling period, since one sample can
    // land just after a garbage collection
    const afterWarmup = await settledRssMb(pid);
    for (const s of Object.values(stats)) {
      s.ms = [];
    }
    health.length = 0;
    log(`RSS after warm-up ${afterWarmup.toFixed(0)} MB; load for ${(opts.durationMs / 1000).toFixed(0)} s`);
    const loadStart = performance.now();
    const trendEvery = Math.max(5_000, opts.durationMs / 10);
    const trend = setInterval(() => {
      try {
        rssTrend.push(Math.round(rssMb(pid)));
        log(
          `  ${((performance.now() - loadStart) / 1000).toFixed(0)} s: ${requests} requests, RSS ${rssTrend.at(-1)} MB`,
        );
      } catch {
        /* noticed below */
      }
    }, trendEvery);
    await loadUntil(loadStart + opts.durationMs);
    clearInterval(trend);
    loadRunning = false;
    await prober;
    clearInterval(sampler);
    if (child.exitCode !== null) fail(`fsvfm serve exited with ${child.exitCode} during the soak`);
    const endMb = await settledRssMb(pid);
    rssTrend.push(Math.round(endMb));
    const tempFilesLeft = readdirSync(uploadDir).length;
    const changePct = ((endMb - afterWarmup) / afterWarmup) * 100;
    const healthSorted = [...health].sort((a, b) => a - b);
    const kinds = Object.fromEntries(
      SOAK_KINDS.map((k) => {
        const s = stats[k];
        const ms = [...s.ms].sort((a, b) => a - b);
        return [
          k,
          {
            requests: s.requests,
            outcomes: s.outcomes,
            wrong: s.wrong,
            p50Ms: percentile(ms, 0.5),
            p99Ms: percentile(ms, 0.99),
          },
        ];
      }),
    ) as Record<SoakKind, KindFigures>;
    if (tempFilesLeft > 0) fail(`${tempFilesLeft} upload folder(s) left in ${uploadDir}`);
    const tolerance = opts.rssTolerancePct ?? 10;
    if (Math.abs(changePct) > tolerance)
      fail(
        `RSS ${endMb.toFixed(0)} MB at the end vs ${afterWarmup.toFixed(0)} MB after warm-up (${changePct.toFixed(1)} %)`,
      );
    if (Object.keys(undocumented).length > 0) fail(`undocumented statuses ${JSON.stringify(undocumented)}`);
    if (healthFailed > 0) fail(`${healthFailed} /health probes failed`);
    const report: SoakReport = {
      durationS: (performance.now() - loadStart) / 1000,
      requests,
      kinds,
      undocumented,
      health: {
        probes: health.length,
        failed: healthFailed,
        p50Ms: percentile(healthSorted, 0.5),
        p99Ms: percentile(healthSorted, 0.99),
        maxMs: healthSorted.at(-1) ?? Number.NaN,
      },
      healthIdle: {
        probes: idle.length,
        p50Ms: percentile(idle, 0.5),
        p99Ms: percentile(idle, 0.99),
        maxMs: idle.at(-1)!,
      },
      rss: { afterWarmupMb: afterWarmup, peakMb: peak, endMb, changePct, trendMb: rssTrend },
      tempFilesLeft,
      failures,
      ok: failures.length === 0,
    };
    return report;
  } finally {
    await stopServer(child);
    rmSync(work, { recursive: true, force: true });
  }
}
