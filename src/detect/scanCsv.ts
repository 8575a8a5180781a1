// One CSV row per scanned item (RFC 4180 quoting).
import type { ScanItem } from './scanResult.js';

const COLUMNS = [
  'input',
  'media',
  'status',
  'reason',
  'p_fake',
  'verdict',
  'threshold',
  'threshold_source',
  'aggregate',
  'frames',
  'faces',
  'tracks',
  'model_kind',
  'model_size',
  'recipe',
  'elapsed_ms',
] as const;

const quote = (v: string): string => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export function scanCsv(items: readonly ScanItem[]): string {
  const rows = items.map((it) =>
    [
      it.input,
      it.media,
      it.status,
      it.reason ?? '',
      it.p_fake === null ? '' : String(it.p_fake),
      it.verdict ?? '',
      String(it.threshold),
      it.model.threshold_source,
      it.aggregate ?? '',
      String(it.frames.length),
      String(it.frames.reduce((n, f) => n + f.faces.length, 0)),
      String(it.tracks.length),
      it.model.kind,
      it.model.size,
      it.model.recipe,
      String(it.elapsed_ms),
    ]
      .map(quote)
      .join(','),
  );
  return `${[COLUMNS.join(','), ...rows].join('\n')}\n`;
}
