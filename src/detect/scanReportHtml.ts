// A self-contained HTML report of a scan: per item the verdict, a timeline of P(fake) over the sampled frames
// (inline SVG, threshold line, one polyline per track) and the face crops with their heatmaps as data URIs.
import type { ScanItem } from './scanResult.js';

const esc = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const W = 560;
const H = 160;
const PAD = 28;
const TRACK_COLOURS = ['#1f5fbf', '#d1495b', '#2a9d4b', '#e09f3e', '#7b4fa0', '#3a8fa0'];

/** Timeline of per-frame P(fake) for a video: x = time (or frame index), y = P(fake) in [0,1]. */
export function timelineSvg(item: ScanItem): string {
  const xs = item.frames.map((f) => f.time_s ?? f.index);
  const maxX = Math.max(1e-9, ...xs);
  const sx = (x: number) => PAD + (x / maxX) * (W - 2 * PAD);
  const sy = (y: number) => H - PAD - y * (H - 2 * PAD);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="P(fake) over time">`,
    `<rect x="${PAD}" y="${PAD}" width="${W - 2 * PAD}" height="${H - 2 * PAD}" fill="none" stroke="#999"/>`,
    `<line x1="${PAD}" x2="${W - PAD}" y1="${sy(item.threshold)}" y2="${sy(item.threshold)}" stroke="#c33" stroke-dasharray="4 3"/>`,
    `<text x="${W - PAD + 2}" y="${sy(item.threshold) + 4}" font-size="10" fill="#c33">${item.threshold}</text>`,
    `<text x="4" y="${sy(1) + 4}" font-size="10">1</text><text x="4" y="${sy(0) + 4}" font-size="10">0</text>`,
    `<text x="${W / 2}" y="${H - 6}" text-anchor="middle" font-size="11">${item.frames.some((f) => f.time_s !== null) ? 'time (s)' : 'frame'}</text>`,
  ];
  const trackIds = item.tracks.map((t) => t.id);
  for (const [k, id] of trackIds.entries()) {
    const pts: string[] = [];
    for (const f of item.frames) {
      const face = f.faces.find((x) => x.track === id && x.p_fake !== null);
      if (face) pts.push(`${sx(f.time_s ?? f.index).toFixed(1)},${sy(face.p_fake!).toFixed(1)}`);
    }
    const colour = TRACK_COLOURS[k % TRACK_COLOURS.length]!;
    parts.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    for (const p of pts) {
      const [x, y] = p.split(',');
      parts.push(`<circle cx="${x}" cy="${y}" r="2.5" fill="${colour}"/>`);
    }
  }
  if (item.p_fake !== null) {
    parts.push(
      `<line x1="${PAD}" x2="${W - PAD}" y1="${sy(item.p_fake)}" y2="${sy(item.p_fake)}" stroke="#333" stroke-width="1" opacity="0.5"><title>${esc(item.aggregate ?? '')} ${item.p_fake.toFixed(3)}</title></line>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}

function itemSection(item: ScanItem): string {
  const score = item.p_fake === null ? 'n/a' : item.p_fake.toFixed(3);
  const badge =
    item.status === 'ok'
      ? `<span class="v ${item.verdict}">${item.verdict}</span>`
      : `<span class="v ${item.status}">${item.status}</span>`;
  const crops: string[] = [];
  for (const f of item.frames) {
    for (const face of f.faces) {
      if (!face.crop) continue;
      const caption = `${item.media === 'video' ? `frame ${f.index}, ` : ''}track ${face.track ?? '-'}: P(fake) ${face.p_fake?.toFixed(3) ?? 'n/a'}`;
      const maps = Object.entries(face.heatmaps ?? {})
        .map(([k, uri]) => `<img src="${uri}" alt="${esc(k)}" title="${esc(k)}">`)
        .join('');
      crops.push(
        `<figure><img src="${face.crop}" alt="face crop">${maps}<figcaption>${esc(caption)}</figcaption></figure>`,
      );
    }
  }
  return [
    `<section><h2>${esc(item.input)} ${badge}</h2>`,
    `<p>P(fake) <b>${score}</b> (threshold ${item.threshold}${item.aggregate ? `, ${esc(item.aggregate)} of ${item.frames.filter((f) => f.p_fake !== null).length} frames` : ''})${item.reason ? ` — ${esc(item.reason)}` : ''}; ${item.tracks.length} track(s); ${item.elapsed_ms} ms</p>`,
    item.media === 'video' && item.frames.length > 0 ? timelineSvg(item) : '',
    crops.length > 0 ? `<div class="crops">${crops.join('')}</div>` : '',
    '</section>',
  ].join('\n');
}

export function scanReportHtml(items: readonly ScanItem[], title = 'fsvfm scan'): string {
  const model = items[0]?.model;
  const counts = { ok: 0, abstain: 0, error: 0, fake: 0 };
  for (const it of items) {
    counts[it.status]++;
    if (it.verdict === 'fake') counts.fake++;
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}
section{border-top:1px solid #ddd;padding:8px 0}
h2{font-size:16px;word-break:break-all}
.v{padding:2px 8px;border-radius:10px;color:#fff;font-size:12px;margin-left:6px}
.fake{background:#d1495b}.real{background:#2a9d4b}.abstain{background:#999}.error{background:#555}
.crops{display:flex;flex-wrap:wrap;gap:8px}
figure{margin:0;font-size:11px}figure img{width:112px;height:112px;margin-right:2px}
</style></head><body>
<h1>${esc(title)}</h1>
<p>${items.length} item(s): ${counts.ok} scored (${counts.fake} fake), ${counts.abstain} abstained, ${counts.error} failed.
${model ? `Model: ${esc(model.checkpoint)} (${esc(model.kind)}, size ${esc(model.size)}), crop recipe ${esc(model.recipe)}, normalisation ${esc(model.normalisation.source)}, threshold ${model.threshold} (${esc(model.threshold_source)}).` : ''}</p>
${items.map(itemSection).join('\n')}
</body></html>
`;
}
