// The service with its detector in a worker thread: the same answers as in-process, and GET /health stays fast
// while scans run (model runs no longer block the HTTP event loop).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createScanServer, DetectorThread, type ScanServer } from '../src/server/index.js';
import { repoRoot } from './faces-media.js';
import { needsOracle, oraclePath } from './oracle-fixtures.js';
import { scratchDir } from './scratchDir.js';

const model = oraclePath('checkpoints/finetune-vit.pth');
const skip = needsOracle;
const media = join(repoRoot, 'test/fixtures/media');
const ffmpeg = join(repoRoot, 'node_modules/@ffmpeg-installer/linux-x64/ffmpeg');

let thread: DetectorThread;
let service: ScanServer;
let base: string;

before(async () => {
  if (skip) return;
  thread = await DetectorThread.start({ model, numHeads: 3 });
  service = createScanServer({ detector: thread, maxVideoSeconds: 1, concurrency: 2, maxQueue: 8 });
  base = `http://127.0.0.1:${await service.listen(0, '127.0.0.1')}`;
});
after(async () => {
  await service?.close();
  await thread?.dispose();
});

function form(bytes: Uint8Array, name: string): FormData {
  const f = new FormData();
  f.append('file', new Blob([Buffer.from(bytes)]), name);
  return f;
}

test('a bad checkpoint fails DetectorThread.start with the loading error', { skip }, async () => {
  const dir = scratchDir('fsvfm-thread-');
  const bad = join(dir, 'bad.pth');
  execFileSync('sh', ['-c', `printf 'not a checkpoint' > ${bad}`]);
  await assert.rejects(DetectorThread.start({ model: bad }));
});

test('GET /health answers within 100 ms while scans run in the detector thread', { skip }, async () => {
  const jpg = readFileSync(join(media, 'grace_hopper.jpg'));
  let scanning = true;
  const scans = Promise.all(
    Array.from({ length: 6 }, () =>
      fetch(`${base}/scan?explain=1`, { method: 'POST', body: form(jpg, 'gh.jpg') }).then(async (r) => ({
        status: r.status,
        item: (await r.json()) as { status: string; p_fake: number },
      })),
    ),
  ).finally(() => {
    scanning = false;
  });
  const latencies: number[] = [];
  await new Promise((r) => setTimeout(r, 300)); // let the scans reach the model
  while (scanning) {
    const t0 = performance.now();
    const r = await fetch(`${base}/health`);
    await r.json();
    latencies.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 20));
  }
  const replies = await scans;
  for (const { status, item } of replies) {
    assert.equal(status, 200);
    assert.equal(item.status, 'ok');
    assert.ok(Math.abs(item.p_fake - replies[0]!.item.p_fake) < 1e-6);
  }
  latencies.sort((a, b) => a - b);
  const p50 = latencies[Math.floor(latencies.length / 2)]!;
  const p90 = latencies[Math.floor(latencies.length * 0.9)]!;
  assert.ok(latencies.length >= 5, `only ${latencies.length} health probes during the scans`);
  // the median and 90th percentile hold on a loaded 2-core machine; single outliers are the OS scheduler's
  assert.ok(p50 <= 100 && p90 <= 100, `health latency p50 ${p50.toFixed(1)} ms, p90 ${p90.toFixed(1)} ms`);
  console.log(
    `health during scans: ${latencies.length} probes, p50 ${p50.toFixed(1)} ms, p90 ${p90.toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms`,
  );
});

test('through the thread: a too-long video is 422, a slow scan 504, /model and /model.onnx answer', {
  skip,
}, async () => {
  const clip = join(scratchDir('fsvfm-thread-'), 'long.mp4');
  execFileSync(ffmpeg, [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'color=c=gray:s=64x64:r=5',
    '-t',
    '3',
    clip,
  ]);
  const long = await fetch(`${base}/scan`, { method: 'POST', body: form(readFileSync(clip), 'long.mp4') });
  assert.equal(long.status, 422);
  assert.match(((await long.json()) as { error: string }).error, /over the 1 s limit/);
  const m = (await (await fetch(`${base}/model`)).json()) as { kind: string };
  assert.equal(m.kind, 'finetune-vit');
  const onnx = await fetch(`${base}/model.onnx`);
  assert.equal(onnx.status, 200);
  assert.ok((await onnx.arrayBuffer()).byteLength > 100_000);
  const slow = createScanServer({ detector: thread, requestTimeoutMs: 1 });
  const url = `http://127.0.0.1:${await slow.listen(0, '127.0.0.1')}`;
  try {
    const jpg = readFileSync(join(media, 'grace_hopper.jpg'));
    assert.equal((await fetch(`${url}/scan`, { method: 'POST', body: form(jpg, 'a.jpg') })).status, 504);
    // the thread is still usable after an aborted scan
    const ok = await fetch(`${base}/scan`, { method: 'POST', body: form(jpg, 'a.jpg') });
    assert.equal(ok.status, 200);
  } finally {
    await slow.close();
  }
});
