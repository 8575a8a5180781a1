// How a training run stays consistent when it is killed at any moment (kill -9, power loss, a full disk), and how the
// next run starts from what it left. The rule, for every task on the run skeleton:
// - every file is written atomically (temp file, fsync, rename), so a checkpoint is complete or absent, never half
//   written; a killed write leaves only its temp file, removed here before the next run starts;
// - an epoch's side files (log line, best checkpoint, previews) are written before the checkpoint that resumes after
//   the epoch, so after a kill they may run ahead of the last resume checkpoint, never behind it: the next run
//   (resumed, or started afresh when no resume checkpoint was complete) writes them again, identically, and the log
//   lines past its start are dropped first so none is doubled.
import { existsSync, readFileSync } from 'node:fs';
import { removeInterruptedWrites, writeFileAtomic } from '../../io/atomicWrite.js';
import type { RunPosition } from './trainingRun.js';

/** The JSON-lines log of a run, and which of its entries lie before the position the run starts from. */
export interface RunLog {
  path: string;
  before(entry: Record<string, unknown>, start: RunPosition): boolean;
}

export interface RunOutputs {
  /** the folder the run writes to */
  dir: string;
  /** its log, cut back to where the run starts (a fresh run's to nothing) */
  log?: RunLog;
}

/** Clears what a killed run left in `outputs.dir` so the run starting at `start` ends as an uninterrupted one would. */
export async function reconcileOutputs(outputs: RunOutputs, start: RunPosition): Promise<void> {
  removeInterruptedWrites(outputs.dir);
  const log = outputs.log;
  if (!log || !existsSync(log.path)) return;
  const lines = readFileSync(log.path, 'utf8')
    .split('\n')
    .filter((l) => l.trim());
  const kept = lines.filter((l) => {
    try {
      return log.before(JSON.parse(l) as Record<string, unknown>, start);
    } catch {
      return false; // not a line this run wrote whole
    }
  });
  if (kept.length !== lines.length) await writeFileAtomic(log.path, kept.map((l) => `${l}\n`).join(''));
}
