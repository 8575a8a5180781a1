import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { type ClientRequest, request } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import ort from 'onnxruntime-node';
import { Detector } from '../src/detect/index.js';
import { createScanServer, type ScanServer } from '../src/server/index.js';
import { repoRoot } from './faces-media.js';
import { needsOracle, oraclePath } from './oracle-fixtures.js';
import { scratchDir } from './scratchDir.js';

const model = oraclePath('checkpoints/finetune-vit.pth');
const skip = needsOracle;
const media = join(repoRoot, 'test/fixtures/media');
const ffmpeg = join(repoRoot, 'node_modules/@ffmpeg-installer/linux-x64/ffmpeg');

let detector: Detector;
let service: ScanServer;
let base: string;

before(async () => {
  if (skip) return;
  detector = await Detector.create({ model, numHeads: 3 });
  service = createScanServer({
    detector,
    maxUploadBytes: 1024 * 1024,
    maxVideoSeconds: 1,
    concurrency: 2,
    maxQueue: 32,
  });
  base = `http://127.0.0.1:${await service.listen(0, '127.0.0.1')}`;
});
after(async () => {
  await service?.close();
  detector?.dispose();
});

function form(bytes: Uint8Array, name: string, field = 'file'): FormData {
  const f = new FormData();
  f.append(field, new Blob([Buffer.from(bytes)]), name);
  return f;
}

test('GET /health and GET /model describe the service', { skip }, async () => {
  const h = await fetch(`${base}/health`);
  assert.equal(h.status, 200);
  assert.equal(((await h.json()) as { status: string }).status, 'ok');
  const m = (await (await fetch(`${base}/model`)).json()) as Record<string, unknown>;
  assert.equal(m.kind, 'finetune-vit');
  assert.equal(m.recipe, 'fsfm-dlib-1.3');
  assert.equal(m.threshold, 0.5);
  assert.equal((m.normalisation as { source: string }).source, 'vggface2');
  assert.equal((m.limits as { max_upload_bytes: number }).max_upload_bytes, 1024 * 1024);
});

test('20 concurrent POST /scan requests all succeed with the same score', { skip }, async () => {
  const jpg = readFileSync(join(media, 'grace_hopper.jpg'));
  const replies = await Promise.all(
    Array.from({ length: 20 }, () => fetch(`${base}/scan`, { method: 'POST', body: form(jpg, 'gh.jpg') })),
  );
  const items = await Promise.all(replies.map((r) => r.json() as Promise<Record<string, unknown>>));
  assert.deepEqual(
    replies.map((r) => r.status),
    Array(20).fill(200),
  );
  for (const it of items) {
    assert.equal(it.status, 'ok');
    assert.equal(it.input, 'gh.jpg');
    assert.ok(Math.abs((it.p_fake as number) - (items[0]!.p_fake as number)) < 1e-6);
    const face = (it.frames as { faces: { crop: string }[] }[])[0]!.faces[0]!;
    assert.match(face.crop, /^data:image\/png;base64,/);
  }
});

test('an oversized upload gets 413', { skip }, async () => {
  const r = await fetch(`${base}/scan`, {
    method: 'POST',
    body: form(new Uint8Array(3 * 1024 * 1024), 'big.bin'),
  });
  assert.equal(r.status, 413);
  assert.match(((await r.json()) as { error: string }).error, /limit/);
});

test('malformed requests get 400 with a JSON error', { skip }, async () => {
  const notMultipart = await fetch(`${base}/scan`, {
    method: 'POST',
    body: '{"file": 1}',
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(notMultipart.status, 400);
  assert.match(((await notMultipart.json()) as { error: string }).error, /multipart/);
  const wrongField = await fetch(`${base}/scan`, {
    method: 'POST',
    body: form(new Uint8Array([1, 2, 3]), 'x', 'photo'),
  });
  assert.equal(wrongField.status, 400);
  assert.match(((await wrongField.json()) as { error: string }).error, /"file" field/);
  // a multipart header whose body is cut short
  const status = await new Promise<number>((resolveStatus, reject) => {
    const req = request(`${base}/scan`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=XYZ' },
    });
    req.on('response', (res) => {
      res.resume();
      resolveStatus(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end('--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\nabc');
  });
  assert.equal(status, 400);
});

test('a corrupt upload is an error item (200), a too-long video 422, unknown routes 404', {
  skip,
}, async () => {
  const bad = await fetch(`${base}/scan`, {
    method: 'POST',
    body: form(new Uint8Array(500).fill(9), 'bad.jpg'),
  });
  assert.equal(bad.status, 200);
  assert.equal(((await bad.json()) as { status: string }).status, 'error');
  const clip = join(scratchDir('fsvfm-serve-'), 'long.mp4');
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
    '-pix_fmt',
    'yuv420p',
    clip,
  ]);
  const long = await fetch(`${base}/scan`, { method: 'POST', body: form(readFileSync(clip), 'long.mp4') });
  assert.equal(long.status, 422);
  assert.match(((await long.json()) as { error: string }).error, /over the 1 s limit/);
  assert.equal((await fetch(`${base}/nope`)).status, 404);
});

test('a full queue answers 503, a slow scan 504', { skip }, async () => {
  const jpg = readFileSync(join(media, 'grace_hopper.jpg'));
  const tight = createScanServer({ detector, concurrency: 1, maxQueue: 0, requestTimeoutMs: 60_000 });
  const url = `http://127.0.0.1:${await tight.listen(0, '127.0.0.1')}`;
  try {
    const replies = await Promise.all(
      Array.from({ length: 4 }, () => fetch(`${url}/scan`, { method: 'POST', body: form(jpg, 'a.jpg') })),
    );
    const codes = replies.map((r) => r.status).sort();
    assert.ok(codes.includes(200) && codes.includes(503), `codes ${codes}`);
  } finally {
    await tight.close();
  }
  const slow = createScanServer({ detector, requestTimeoutMs: 1 });
  const url2 = `http://127.0.0.1:${await slow.listen(0, '127.0.0.1')}`;
  try {
    const r = await fetch(`${url2}/scan`, { method: 'POST', body: form(jpg, 'a.jpg') });
    assert.equal(r.status, 504);
  } finally {
    await slow.close();
  }
});

test('GET /model.onnx is a standalone ONNX model; the page and onnxruntime-web files are served', {
  skip,
}, async () => {
  const onnx = new Uint8Array(await (await fetch(`${base}/model.onnx`)).arrayBuffer());
  assert.ok(onnx.byteLength > 100_000);
  const session = await ort.InferenceSession.create(onnx);
  assert.deepEqual(session.inputNames, ['images']);
  const page = await fetch(`${base}/`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /fsvfm scan/);
  const wasm = await fetch(`${base}/ort/ort-wasm-simd-threaded.wasm`, { method: 'HEAD' });
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  assert.equal((await fetch(`${base}/ort/../../package.json`)).status, 404);
});

test('with --token: the API needs the bearer token (401 without), /health and the page stay open', {
  skip,
}, async () => {
  const token = 'soak-test-secret-1';
  const guarded = createScanServer({ detector, token, maxUploadBytes: 1024 * 1024 });
  const url = `http://127.0.0.1:${await guarded.listen(0, '127.0.0.1')}`;
  try {
    const jpg = readFileSync(join(media, 'grace_hopper.jpg'));
    const bare = await fetch(`${url}/scan`, { method: 'POST', body: form(jpg, 'gh.jpg') });
    assert.equal(bare.status, 401);
    assert.match(bare.headers.get('www-authenticate') ?? '', /^Bearer/);
    assert.match(((await bare.json()) as { error: string }).error, /bearer token/);
    const wrong = await fetch(`${url}/model`, { headers: { authorization: 'Bearer soak-test-secret-2' } });
    assert.equal(wrong.status, 401);
    await wrong.body?.cancel();
    assert.equal((await fetch(`${url}/model.onnx`, { method: 'HEAD' })).status, 401);
    const auth = { authorization: `Bearer ${token}` };
    const ok = await fetch(`${url}/scan`, { method: 'POST', body: form(jpg, 'gh.jpg'), headers: auth });
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { status: string }).status, 'ok');
    assert.equal((await fetch(`${url}/model`, { headers: auth })).status, 200);
    assert.equal((await fetch(`${url}/health`)).status, 200);
    assert.equal((await fetch(`${url}/`)).status, 200);
    // no CORS headers unless asked for
    const cross = await fetch(`${url}/health`, { headers: { origin: 'http://elsewhere.example' } });
    assert.equal(cross.headers.get('access-control-allow-origin'), null);
  } finally {
    await guarded.close();
  }
});

test('with --cors <origin>: that origin gets CORS headers and preflights, others none', {
  skip,
}, async () => {
  const cors = createScanServer({ detector, corsOrigin: 'http://allowed.example', token: 'cors-test-token' });
  const url = `http://127.0.0.1:${await cors.listen(0, '127.0.0.1')}`;
  try {
    const preflight = await fetch(`${url}/scan`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://allowed.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization',
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'http://allowed.example');
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /authorization/);
    const other = await fetch(`${url}/health`, { headers: { origin: 'http://other.example' } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    const allowed = await fetch(`${url}/model`, {
      headers: { origin: 'http://allowed.example', authorization: 'Bearer cors-test-token' },
    });
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'http://allowed.example');
  } finally {
    await cors.close();
  }
});

test('uploads never outlive their request: success, error, 413, client abort, stalled upload (408)', {
  skip,
}, async () => {
  const uploadDir = scratchDir('fsvfm-upload-test-');
  const svc = createScanServer({ detector, uploadDir, maxUploadBytes: 64 * 1024, uploadIdleMs: 400 });
  const port = await svc.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  const left = (): string[] => readdirSync(uploadDir);
  // a request whose body is sent by hand: the multipart head, `bytes` of the file, then what `then` does
  const partial = (bytes: number): ClientRequest => {
    const req = request(`${url}/scan`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=XYZ' },
    });
    req.on('error', () => undefined);
    req.write('--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\n');
    req.write(Buffer.alloc(bytes, 7));
    return req;
  };
  const waitFor = async (cond: () => boolean, what: string): Promise<void> => {
    for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(cond(), what);
  };
  try {
    const jpg = readFileSync(join(media, 'grace_hopper.jpg'));
    assert.equal((await fetch(`${url}/scan`, { method: 'POST', body: form(jpg, 'gh.jpg') })).status, 200);
    const bad = await fetch(`${url}/scan`, {
      method: 'POST',
      body: form(new Uint8Array(99).fill(3), 'x.jpg'),
    });
    assert.equal(bad.status, 200);
    const chunkedBig = partial(100 * 1024);
    const big = await new Promise<number>((resolve) => {
      chunkedBig.on('response', (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      });
      chunkedBig.end('\r\n--XYZ--\r\n');
    });
    assert.equal(big, 413);
    assert.deepEqual(left(), [], 'after success, an error item and 413');
    // the client leaves mid-upload
    const gone = partial(8 * 1024);
    await waitFor(() => left().length === 1, 'the upload folder exists while the body arrives');
    gone.destroy();
    await waitFor(() => left().length === 0, 'the folder is removed when the client leaves');
    // the client stalls mid-upload: 408, connection closed, folder removed
    const stalled = partial(1024);
    const code = await new Promise<number>((resolve) =>
      stalled.on('response', (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      }),
    );
    assert.equal(code, 408);
    await waitFor(() => left().length === 0, 'the folder is removed after a stalled upload');
    stalled.destroy();
  } finally {
    await svc.close();
  }
});
