// The per-epoch JSON-lines `log.txt` of the official loop: averages of the iteration metrics plus the epoch.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomicWrite.js';

export const LOG_FILE = 'log.txt';
/**
 * metric names accumulated per iteration, in log order; `target_std` / `target_cos` are the spread of the target's
 * normalised features across the batch (featureSpread.ts), next to the losses so a collapse is visible
 */
export const EPOCH_METRICS = [
  'loss',
  'loss_rec_all',
  'loss_rec_sfr',
  'loss_cl',
  'target_std',
  'target_cos',
  'lr',
] as const;

export type EpochLogEntry = Record<string, number | null>;

export function epochLogEntry(sums: Record<string, number>, count: number, epoch: number): EpochLogEntry {
  const e: EpochLogEntry = {};
  // a metric the step did not report (target_cos with batch 1) is null rather than 0
  for (const k of EPOCH_METRICS) {
    const sum = sums[k];
    e[`train_${k}`] = count > 0 && sum !== undefined ? sum / count : null;
  }
  e.epoch = epoch;
  return e;
}

export function readEpochLog(dir: string): EpochLogEntry[] {
  const path = join(dir, LOG_FILE);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as EpochLogEntry);
}

/** Appends the epoch's line; lines of this or later epochs (from a run resumed earlier) are replaced. */
export async function appendEpochLog(dir: string, entry: EpochLogEntry): Promise<void> {
  const kept = readEpochLog(dir).filter((e) => (e.epoch ?? -1) < (entry.epoch ?? 0));
  const text = [...kept, entry].map((e) => `${JSON.stringify(e)}\n`).join('');
  await writeFileAtomic(join(dir, LOG_FILE), text);
}
