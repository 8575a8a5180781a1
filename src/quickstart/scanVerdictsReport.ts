// The report's scan section: the held-out real video and the fake made from it, each with P(fake), the threshold and
// where it came from, the verdict and whether it is right, then their frame timelines. Summaries of older runs (one
// real-video scan, no truth recorded) keep their one-line form.
import { timelineSvg } from '../detect/scanReportHtml.js';
import type { QuickstartSummary, ScanSummary } from './quickstartSummary.js';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const fix = (x: number | null, d = 3) => (x !== null && Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const file = (p: string) => p.split('/').pop() ?? p;

function row(v: ScanSummary): string {
  const right = v.correct === undefined || v.correct === null ? 'n/a' : v.correct ? '✔ right' : '✘ wrong';
  return `<tr><td><code>${esc(file(v.video))}</code></td><td>${esc(v.truth ?? 'real')}</td><td>${v.framesScored}</td><td>${fix(v.p_fake)}</td><td>${fix(v.threshold)}</td><td><small>${esc(v.thresholdSource ?? v.item.model.threshold_source)}</small></td><td><b>${esc(v.verdict ?? v.item.status)}</b></td><td>${right}</td></tr>`;
}

const timeline = (v: ScanSummary, label: string) =>
  v.item.media === 'video' && v.item.frames.length
    ? `<figure>${timelineSvg(v.item)}<figcaption>${esc(label)}: P(fake) per frame</figcaption></figure>`
    : '';

export function scanVerdictsHtml(s: QuickstartSummary): string {
  const scan = s.scan;
  if (!scan.fake)
    return `<p><code>${esc(file(scan.video))}</code> (a held-out person, real footage): P(fake) ${fix(scan.p_fake)}
over ${scan.framesScored} frames → <b>${esc(scan.verdict ?? scan.item.status)}</b> (threshold ${scan.threshold}).</p>
${timeline(scan, 'real video')}`;
  const fv = s.fakeVideo;
  const made = fv
    ? `The fake is the ${fv.frames} frames the scan samples from the real video, ${fv.blended} of them self-blended (SBI strength ${esc(fv.sbiStrength)}, one seed for the whole clip), encoded to mp4.`
    : '';
  const who =
    scan.detector === 'full'
      ? `The full fine-tuning detector (${esc(scan.detectorChoice ?? '')})`
      : scan.detectorChoice
        ? `The FS-Adapter detector (${esc(scan.detectorChoice)})`
        : 'The FS-Adapter detector';
  return `<p>${who} scans the held-out real video (franck, a person never trained on) and a fake made from
it. ${made} The threshold is the one calibrated on the detector's validation split (people kept out of training) when
its <code>calibration.json</code> has it, as <code>fsvfm scan</code> uses it.</p>
<table><tr><th>video</th><th>truth</th><th>frames scored</th><th>P(fake)</th><th>threshold</th><th>threshold source</th><th>verdict</th><th></th></tr>
${row(scan)}${row(scan.fake)}</table>
${timeline(scan, 'real video')}${timeline(scan.fake, 'fake video')}`;
}
