// `loss_curves.svg`: one small panel per logged loss over the epochs, drawn as SVG polylines by hand, and two of the
// target's feature spread (featureSpread.ts): the contrastive loss at its floor does not say whether the features
// collapsed, these do.
import type { EpochLogEntry } from './epochLog.js';

const SERIES = [
  ['train_loss', 'total loss', '#1f77b4'],
  ['train_loss_rec_all', 'masked reconstruction', '#2ca02c'],
  ['train_loss_rec_sfr', 'facial-region reconstruction', '#d62728'],
  ['train_loss_cl', 'contrastive', '#9467bd'],
  ['train_target_std', 'target feature std (0: collapsed)', '#8c564b'],
  ['train_target_cos', 'target pairwise cosine (1: collapsed)', '#e377c2'],
] as const;

const W = 360;
const H = 200;
const PAD = { left: 58, right: 12, top: 26, bottom: 30 };

const fmt = (v: number): string =>
  Math.abs(v) >= 1000 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toPrecision(4);
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function panel(
  entries: readonly EpochLogEntry[],
  key: string,
  title: string,
  colour: string,
  x0: number,
  y0: number,
): string {
  const pts = entries
    .map((e) => [e.epoch, e[key]] as const)
    .filter(
      (p): p is readonly [number, number] =>
        typeof p[0] === 'number' && typeof p[1] === 'number' && Number.isFinite(p[1]),
    );
  const out = [
    `<g transform="translate(${x0},${y0})">`,
    `<rect width="${W}" height="${H}" fill="white" stroke="#ccc"/>`,
  ];
  out.push(`<text x="${W / 2}" y="17" text-anchor="middle" font-size="13">${esc(title)}</text>`);
  if (pts.length) {
    const xs = pts.map((p) => p[0]);
    const ys = pts.map((p) => p[1]);
    const [xMin, xMax] = [Math.min(...xs), Math.max(...xs)];
    let [yMin, yMax] = [Math.min(...ys), Math.max(...ys)];
    if (yMin === yMax) [yMin, yMax] = [yMin - 0.5 * Math.abs(yMin || 1), yMax + 0.5 * Math.abs(yMax || 1)];
    const pw = W - PAD.left - PAD.right;
    const ph = H - PAD.top - PAD.bottom;
    const sx = (x: number) => PAD.left + (xMax === xMin ? pw / 2 : ((x - xMin) / (xMax - xMin)) * pw);
    const sy = (y: number) => PAD.top + (1 - (y - yMin) / (yMax - yMin)) * ph;
    out.push(
      `<line x1="${PAD.left}" y1="${PAD.top + ph}" x2="${PAD.left + pw}" y2="${PAD.top + ph}" stroke="#888"/>`,
      `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${PAD.top + ph}" stroke="#888"/>`,
      `<text x="${PAD.left - 4}" y="${PAD.top + 4}" text-anchor="end" font-size="10">${fmt(yMax)}</text>`,
      `<text x="${PAD.left - 4}" y="${PAD.top + ph}" text-anchor="end" font-size="10">${fmt(yMin)}</text>`,
      `<text x="${PAD.left}" y="${H - 10}" font-size="10">epoch ${xMin}</text>`,
      `<text x="${PAD.left + pw}" y="${H - 10}" text-anchor="end" font-size="10">epoch ${xMax}</text>`,
    );
    const poly = pts.map((p) => `${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join(' ');
    out.push(`<polyline points="${poly}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    for (const p of pts)
      out.push(`<circle cx="${sx(p[0]).toFixed(1)}" cy="${sy(p[1]).toFixed(1)}" r="2.5" fill="${colour}"/>`);
  } else
    out.push(
      `<text x="${W / 2}" y="${H / 2}" text-anchor="middle" font-size="11" fill="#888">no data</text>`,
    );
  out.push('</g>');
  return out.join('\n');
}

export function lossCurvesSvg(entries: readonly EpochLogEntry[]): string {
  const cols = 2;
  const rows = Math.ceil(SERIES.length / cols);
  const width = cols * W + (cols + 1) * 10;
  const height = rows * H + (rows + 1) * 10;
  const panels = SERIES.map(([key, title, colour], i) =>
    panel(entries, key, title, colour, 10 + (i % cols) * (W + 10), 10 + Math.floor(i / cols) * (H + 10)),
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#f6f6f6"/>`,
    ...panels,
    '</svg>',
    '',
  ].join('\n');
}
