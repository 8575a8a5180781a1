// `fsvfm inspect <file>`: what a checkpoint is (format, kind, size, counts, dtypes, stats file) without loading it.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { openWeightsFile } from '../../io/checkpointFile.js';
import { NORM_STATS_FILE, readNormStats } from '../../io/normStats.js';
import { type DetectedCheckpoint, detectCheckpoint } from '../../models/checkpointKind.js';
import { UserError } from '../userError.js';

export interface InspectReport {
  file: string;
  format: 'pth' | 'safetensors';
  fileSize: number;
  archiveFolder?: string;
  formatVersion?: string | null;
  topLevelKeys?: string[];
  epoch?: number | null;
  metadata?: Record<string, string>;
  kind: DetectedCheckpoint['kind'];
  size: string;
  prefix: string;
  globalPool: boolean | null;
  config: DetectedCheckpoint['config'];
  tensors: number;
  parameters: number;
  dtypes: Record<string, number>;
  notes: DetectedCheckpoint['notes'];
  normStats: { path: string; present: boolean; valid?: boolean; error?: string };
  bytesRead: number;
}

export async function inspectCheckpoint(file: string): Promise<InspectReport> {
  if (!existsSync(file)) throw new UserError(`no such file: ${file}`);
  let w: Awaited<ReturnType<typeof openWeightsFile>>;
  try {
    w = await openWeightsFile(file);
  } catch (err) {
    throw new UserError(err instanceof Error ? err.message : String(err));
  }
  try {
    const detected = detectCheckpoint(w.tensors);
    const dtypes: Record<string, number> = {};
    for (const t of w.tensors.values()) dtypes[t.dtype] = (dtypes[t.dtype] ?? 0) + 1;
    const statsPath = join(dirname(file), NORM_STATS_FILE);
    const normStats: InspectReport['normStats'] = { path: statsPath, present: existsSync(statsPath) };
    if (normStats.present) {
      try {
        readNormStats(statsPath);
        normStats.valid = true;
      } catch (err) {
        normStats.valid = false;
        normStats.error = err instanceof Error ? err.message : String(err);
      }
    }
    const root = w.torch?.root;
    const epoch = root instanceof Map ? root.get('epoch') : undefined;
    return {
      file,
      format: w.format,
      fileSize: w.fileSize,
      ...(w.torch
        ? {
            archiveFolder: w.torch.archivePrefix.replace(/\/$/, ''),
            formatVersion: w.torch.formatVersion,
            topLevelKeys: root instanceof Map ? [...root.keys()].map(String) : [],
            epoch: typeof epoch === 'number' ? epoch : null,
          }
        : { metadata: { ...w.metadata } }),
      kind: detected.kind,
      size: detected.size,
      prefix: detected.prefix,
      globalPool: detected.globalPool,
      config: detected.config,
      tensors: detected.numTensors,
      parameters: detected.numel,
      dtypes,
      notes: detected.notes,
      normStats,
      bytesRead: w.bytesRead(),
    };
  } finally {
    w.close();
  }
}

function printReport(r: InspectReport): void {
  const mb = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MiB`;
  console.log(`file         ${r.file} (${r.format}, ${mb(r.fileSize)})`);
  if (r.archiveFolder !== undefined)
    console.log(`archive      ${r.archiveFolder}/ (format version ${r.formatVersion ?? '?'})`);
  if (r.topLevelKeys) console.log(`top-level    ${r.topLevelKeys.join(', ')}`);
  if (r.epoch !== undefined && r.epoch !== null) console.log(`epoch        ${r.epoch} (0-based)`);
  if (r.metadata && Object.keys(r.metadata).length) console.log(`metadata     ${JSON.stringify(r.metadata)}`);
  const c = r.config;
  const shape = c
    ? `D=${c.embedDim}, depth ${c.depth}, heads ${c.numHeads ?? '?'}, patch ${c.patchSize}, img ${c.imgSize}`
    : '';
  console.log(
    `model        ${r.kind}, size ${r.size}${shape ? ` (${shape})` : ''}${r.prefix ? `, prefix '${r.prefix}'` : ''}`,
  );
  if (r.globalPool !== null)
    console.log(`pooling      ${r.globalPool ? 'global average (fc_norm)' : 'CLS token (norm)'}`);
  console.log(`tensors      ${r.tensors}, parameters ${r.parameters.toLocaleString('en-US')}`);
  console.log(
    `dtypes       ${Object.entries(r.dtypes)
      .map(([k, v]) => `${k} ×${v}`)
      .join(', ')}`,
  );
  const s = r.normStats;
  console.log(
    `norm stats   ${s.present ? (s.valid ? s.path : `${s.path} is malformed: ${s.error}`) : `none beside the file (${NORM_STATS_FILE})`}`,
  );
  for (const n of r.notes) console.log(`${n.level === 'warning' ? 'warning' : 'note   '}      ${n.message}`);
}

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description(
      'describe a checkpoint (.pth or .safetensors): kind, size, tensors, parameters, epoch, norm stats',
    )
    .argument('<file>', 'checkpoint file')
    .option('--json', 'print one JSON object')
    .action(async (file: string, opts: { json?: boolean }) => {
      const report = await inspectCheckpoint(file);
      if (opts.json) console.log(JSON.stringify(report));
      else printReport(report);
    });
}
