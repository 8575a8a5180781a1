/**
 * A self-contained HTML report of an EvaluationResult: a metric table, one inline-SVG ROC curve per set
 * (with the EER line TPR = 1 − FPR) and a per-class score histogram. No scripts, fonts or external assets,
 * so the file can be mailed or archived as is.
 */
import { type EvaluatedSet, type EvaluationResult, scoreHistogram } from './resultSchema.js';

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const pct = (x: number) => (Number.isFinite(x) ? (x * 100).toFixed(2) : 'n/a');
const W = 260;
const H = 260;
const PAD = 30;

function rocSvg(set: EvaluatedSet): string {
  const { fpr, tpr } = set.summary.roc;
  const sx = (x: number) => PAD + x * (W - 2 * PAD);
  const sy = (y: number) => H - PAD - y * (H - 2 * PAD);
  const finite = fpr.every(Number.isFinite) && tpr.every(Number.isFinite);
  const pts = finite ? fpr.map((x, i) => `${sx(x).toFixed(1)},${sy(tpr[i]).toFixed(1)}`).join(' ') : '';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="ROC curve of ${esc(set.name)}">`,
    `<rect x="${PAD}" y="${PAD}" width="${W - 2 * PAD}" height="${H - 2 * PAD}" fill="none" stroke="#999"/>`,
    `<line x1="${sx(0)}" y1="${sy(1)}" x2="${sx(1)}" y2="${sy(0)}" stroke="#c33" stroke-dasharray="4 3"/>`,
    `<line x1="${sx(0)}" y1="${sy(0)}" x2="${sx(1)}" y2="${sy(1)}" stroke="#ccc" stroke-dasharray="2 3"/>`,
    finite
      ? `<polyline points="${pts}" fill="none" stroke="#1f5fbf" stroke-width="2"/>`
      : `<text x="${W / 2}" y="${H / 2}" text-anchor="middle">ROC undefined (one class)</text>`,
    `<text x="${W / 2}" y="${H - 6}" text-anchor="middle" font-size="11">FPR</text>`,
    `<text x="10" y="${H / 2}" font-size="11" transform="rotate(-90 10 ${H / 2})" text-anchor="middle">TPR</text>`,
    '</svg>',
  ].join('');
}

function histogramSvg(hist: NonNullable<EvaluatedSet['histogram']>, scoreOf: string): string {
  const bins = hist.real.length;
  const max = Math.max(1, ...hist.real, ...hist.fake);
  const bw = (W * 1.6 - 2 * PAD) / bins;
  const h = H - 2 * PAD;
  const bars: string[] = [];
  for (let b = 0; b < bins; b++) {
    const x = PAD + b * bw;
    const hr = (hist.real[b] / max) * h;
    const hf = (hist.fake[b] / max) * h;
    bars.push(
      `<rect x="${x.toFixed(1)}" y="${(H - PAD - hr).toFixed(1)}" width="${(bw / 2).toFixed(1)}" height="${hr.toFixed(1)}" fill="#2a9d4b"><title>real: ${hist.real[b]}</title></rect>`,
    );
    bars.push(
      `<rect x="${(x + bw / 2).toFixed(1)}" y="${(H - PAD - hf).toFixed(1)}" width="${(bw / 2).toFixed(1)}" height="${hf.toFixed(1)}" fill="#d1495b"><title>fake: ${hist.fake[b]}</title></rect>`,
    );
  }
  const width = W * 1.6;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H}" role="img" aria-label="score histogram">`,
    `<line x1="${PAD}" y1="${H - PAD}" x2="${width - PAD}" y2="${H - PAD}" stroke="#999"/>`,
    ...bars,
    `<text x="${width / 2}" y="${H - 6}" text-anchor="middle" font-size="11">P(${esc(scoreOf)}) — green real, red fake</text>`,
    `<text x="${PAD}" y="${PAD - 8}" font-size="11">max ${max}</text>`,
    '</svg>',
  ].join('');
}

function row(set: EvaluatedSet): string {
  const s = set.summary;
  const ci = s.ci?.auc ? ` [${pct(s.ci.auc.low)}, ${pct(s.ci.auc.high)}]` : '';
  const cells = [
    esc(set.name),
    set.level,
    `${s.n} (${s.counts.real} real / ${s.counts.fake} fake)`,
    `${pct(s.auc)}${ci}${set.perPerson ? `<br><small>per person ${pct(set.perPerson.meanAuc)} (mean of ${set.perPerson.groups.length})</small>` : ''}`,
    `${pct(s.eer)} <small>${esc(s.eerMethod)}</small>`,
    pct(s.ap),
    pct(s.accuracy),
    pct(s.balancedAccuracy),
    `${pct(s.hter.hter)} <small>@${s.hter.threshold.toFixed(4)} (${esc(s.hter.thresholdSource)})</small>`,
    pct(s.tprAtFpr1),
  ];
  return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
}

export function renderHtmlReport(result: EvaluationResult, title = 'fsvfm evaluation'): string {
  const head = [
    'set',
    'level',
    'samples',
    'AUC %',
    'EER %',
    'AP %',
    'Acc %',
    'Bal. acc %',
    'HTER %',
    'TPR@FPR=1% %',
  ];
  const sections = result.sets.map((set) => {
    const hist = set.histogram ?? scoreHistogram([], [], 20);
    return `<section><h2>${esc(set.name)} <small>(${set.level})</small></h2><div class="plots">${rocSvg(set)}${histogramSvg(hist, set.summary.scoreOf)}</div></section>`;
  });
  const notes = (result.notes ?? []).map((n) => `<li>${esc(n)}</li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child{text-align:left}.plots{display:flex;gap:1em;flex-wrap:wrap}small{color:#666}</style>
</head><body>
<h1>${esc(title)}</h1>
<p>Protocol: ${esc(result.protocol)}${result.model?.name ? ` · model: ${esc(result.model.name)}` : ''} · ${esc(result.createdAt)} · schema ${esc(result.schema)}</p>
<p>Labels: 0 = fake/spoof, 1 = real/live. Rates are shown in %; n/a = undefined for this set (e.g. one class only).</p>
<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>
${result.sets.map(row).join('\n')}
</tbody></table>
${notes ? `<ul>${notes}</ul>` : ''}
${sections.join('\n')}
</body></html>
`;
}
