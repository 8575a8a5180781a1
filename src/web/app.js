// The scan page: upload a file to POST /scan, show the verdict, the P(fake) timeline and the crops with their
// heatmaps; optionally re-score the returned crops in the browser with onnxruntime-web (WASM) and /model.onnx.

const $ = (id) => document.getElementById(id);
let model = null;
let lastItem = null;
let session = null;
/** size of the ONNX file the session runs, to say which model ran */
let modelBytes = 0;

// A service started with --token wants `Authorization: Bearer <token>` on its API. The page takes the token from
// the URL fragment (#token=…: browsers never send fragments, so it stays out of request lines and server logs),
// keeps it for this tab only, and asks for it when the service refuses a request (401).
const TOKEN_KEY = 'fsvfm-token';
let token = sessionStorage.getItem(TOKEN_KEY) ?? '';
{
  const fromFragment = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromFragment) {
    token = fromFragment;
    sessionStorage.setItem(TOKEN_KEY, token);
    history.replaceState(null, '', location.pathname + location.search);
  }
}

async function api(path, init = {}) {
  for (let attempt = 0; ; attempt++) {
    const headers = new Headers(init.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    const r = await fetch(path, { ...init, headers });
    if (r.status !== 401 || attempt > 0) return r;
    const given = window.prompt('This fsvfm service needs its access token:');
    if (!given) return r;
    token = given.trim();
    sessionStorage.setItem(TOKEN_KEY, token);
  }
}

async function loadModelInfo() {
  const r = await api('/model');
  if (!r.ok) throw new Error(`GET /model answered ${r.status}`);
  model = await r.json();
  $('model-info').textContent =
    `model ${model.checkpoint} (${model.kind}, size ${model.size}, ${model.precision ?? 'fp32'}) · crop ${model.recipe} · ` +
    `threshold ${model.threshold} (${model.threshold_source}) · normalisation ${model.normalisation.source}`;
}

function svgTimeline(item) {
  const W = 640,
    H = 170,
    P = 30;
  const xs = item.frames.map((f) => f.time_s ?? f.index);
  const maxX = Math.max(1e-9, ...xs);
  const sx = (x) => P + (x / maxX) * (W - 2 * P);
  const sy = (y) => H - P - y * (H - 2 * P);
  const colours = ['#1f5fbf', '#d1495b', '#2a9d4b', '#e09f3e', '#7b4fa0'];
  let s = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="P(fake) timeline">`;
  s += `<rect x="${P}" y="${P}" width="${W - 2 * P}" height="${H - 2 * P}" fill="none" stroke="#999"/>`;
  s += `<line x1="${P}" x2="${W - P}" y1="${sy(item.threshold)}" y2="${sy(item.threshold)}" stroke="#c33" stroke-dasharray="4 3"/>`;
  s += `<text x="4" y="${sy(1) + 4}" font-size="10">1</text><text x="4" y="${sy(0) + 4}" font-size="10">0</text>`;
  s += `<text x="${W / 2}" y="${H - 6}" text-anchor="middle" font-size="11">time (s) — P(fake) per track</text>`;
  item.tracks.forEach((t, k) => {
    const pts = [];
    for (const f of item.frames) {
      const face = f.faces.find((x) => x.track === t.id && x.p_fake !== null);
      if (face) pts.push(`${sx(f.time_s ?? f.index).toFixed(1)},${sy(face.p_fake).toFixed(1)}`);
    }
    s += `<polyline points="${pts.join(' ')}" fill="none" stroke="${colours[k % colours.length]}" stroke-width="2"/>`;
  });
  return `${s}</svg>`;
}

function show(item) {
  lastItem = item;
  $('result').hidden = false;
  $('file-name').textContent = item.input;
  const badge = $('verdict');
  const label = item.status === 'ok' ? item.verdict : item.status;
  badge.textContent = label;
  badge.className = `badge ${label}`;
  const n = item.frames.filter((f) => f.p_fake !== null).length;
  $('score-line').textContent =
    item.p_fake === null
      ? `no score: ${item.reason ?? ''}`
      : `P(fake) ${item.p_fake.toFixed(4)} (server, onnxruntime-node)` +
        (item.aggregate ? ` — ${item.aggregate} of ${n} frames, ${item.tracks.length} track(s)` : '') +
        ` · ${item.elapsed_ms} ms`;
  $('timeline').innerHTML = item.media === 'video' && item.frames.length > 0 ? svgTimeline(item) : '';
  const faces = $('faces');
  faces.innerHTML = '';
  const seen = new Set();
  for (const f of item.frames) {
    for (const face of f.faces) {
      if (!face.crop || seen.has(face.track)) continue;
      seen.add(face.track); // one crop per track keeps the page short
      const fig = document.createElement('figure');
      const imgs = [face.crop, ...Object.values(face.heatmaps ?? {})];
      for (const src of imgs) {
        const img = document.createElement('img');
        img.src = src;
        img.alt = 'face crop';
        fig.appendChild(img);
      }
      const cap = document.createElement('figcaption');
      cap.textContent = `track ${face.track ?? '-'} · P(fake) ${face.p_fake?.toFixed(4) ?? 'n/a'}`;
      fig.appendChild(cap);
      faces.appendChild(fig);
    }
  }
  $('device-run').disabled = seen.size === 0;
  $('device-result').textContent = '';
}

async function upload(file) {
  $('status').textContent = `scanning ${file.name}…`;
  const form = new FormData();
  form.append('file', file, file.name);
  const explain = $('explain').checked ? '?explain=1' : '';
  const r = await api(`/scan${explain}`, { method: 'POST', body: form });
  const body = await r.json();
  if (!r.ok) {
    $('status').textContent = `error ${r.status}: ${body.error}`;
    return;
  }
  $('status').textContent = 'done';
  show(body);
}

function imagePixels(src, size) {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => {
      const c = document.createElement('canvas');
      c.width = size;
      c.height = size;
      const ctx = c.getContext('2d');
      ctx.drawImage(img, 0, 0, size, size);
      resolve(ctx.getImageData(0, 0, size, size).data);
    };
    img.onerror = reject;
    img.src = src;
  });
}

async function scoreOnDevice() {
  if (!lastItem) return;
  const out = $('device-result');
  out.textContent = 'loading /model.onnx into onnxruntime-web…';
  $('device-run').disabled = true;
  try {
    ort.env.wasm.wasmPaths = '/ort/';
    ort.env.wasm.numThreads = 1;
    if (!session) {
      const bytes = new Uint8Array(await (await api('/model.onnx')).arrayBuffer());
      modelBytes = bytes.byteLength;
      session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
    }
    const size = model.img_size;
    const { mean, std } = model.normalisation;
    const lines = [];
    for (const f of lastItem.frames) {
      for (const face of f.faces) {
        if (!face.crop) continue;
        const px = await imagePixels(face.crop, size);
        const x = new Float32Array(3 * size * size);
        for (let i = 0; i < size * size; i++)
          for (let c = 0; c < 3; c++) x[c * size * size + i] = (px[i * 4 + c] / 255 - mean[c]) / std[c];
        const r = await session.run({ images: new ort.Tensor('float32', x, [1, 3, size, size]) });
        lines.push({ frame: f.index, track: face.track, device: r.p_fake.data[0], server: face.p_fake });
      }
    }
    const mean2 = lines.reduce((s, l) => s + l.device, 0) / Math.max(1, lines.length);
    // /model.onnx is the server's detector in the precision it scores with (int8 or fp32)
    const ran = `${model.checkpoint} ${model.precision ?? 'fp32'}`;
    out.dataset.backend = 'onnxruntime-web (wasm)';
    out.dataset.model = ran;
    out.dataset.pFake = String(mean2);
    out.textContent =
      `on-device P(fake) ${mean2.toFixed(4)} over ${lines.length} crop(s) — backend: onnxruntime-web (wasm), ` +
      `model ${ran} (${(modelBytes / 1e6).toFixed(1)} MB); ` +
      `largest difference to the server: ${Math.max(...lines.map((l) => Math.abs(l.device - l.server))).toFixed(4)}`;
  } catch (err) {
    out.textContent = `on-device scoring failed: ${err.message ?? err}`;
  } finally {
    $('device-run').disabled = false;
  }
}

const drop = $('drop');
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  if (e.dataTransfer.files[0]) upload(e.dataTransfer.files[0]);
});
$('file').addEventListener('change', (e) => {
  if (e.target.files[0]) upload(e.target.files[0]);
});
$('device-run').addEventListener('click', scoreOnDevice);
loadModelInfo().catch((err) => {
  $('model-info').textContent = `cannot reach the server: ${err.message}`;
});
