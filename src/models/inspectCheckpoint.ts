// What a checkpoint is (format, kind, size, counts, dtypes, stats file) from its tensor table, without loading the
// tensors: the report of `fsvfm inspect`.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openWeightsFile } from '../io/checkpointFile.js';
import { NORM_STATS_FILE, readNormStats } from '../io/normStats.js';
import { type DetectedCheckpoint, detectCheckpoint } from './checkpointKind.js';

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
  if (!existsSync(file)) throw new Error(`no such file: ${file}`);
  const w = await openWeightsFile(file);
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
