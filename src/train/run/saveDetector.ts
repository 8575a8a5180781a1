// The save step of every command that writes a detector: the checkpoint, and beside it the normalisation statistics
// it was trained with (SPEC §2.6), so whoever loads it normalises inputs the same way instead of guessing a fallback.
import { dirname, join } from 'node:path';
import { NORM_STATS_FILE, type NormStats, writeNormStats } from '../../io/normStats.js';

export async function saveDetector(
  path: string,
  stats: NormStats,
  writeCheckpoint: (path: string) => Promise<void>,
): Promise<string> {
  await writeCheckpoint(path);
  await writeNormStats(join(dirname(path), NORM_STATS_FILE), stats);
  return path;
}
