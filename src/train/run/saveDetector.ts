// The save step of every command that writes a detector: the checkpoint, and beside it the normalisation statistics
// it was trained with (SPEC §2.6), so whoever loads it normalises inputs the same way instead of guessing a fallback,
// and its decision threshold (calibration.json), so whoever scans with it decides the way its validation said.
import { dirname, join } from 'node:path';
import { type CalibrationEntry, recordCalibration } from '../../io/calibrationFile.js';
import { NORM_STATS_FILE, type NormStats, writeNormStats } from '../../io/normStats.js';

/**
 * The checkpoint's threshold: an entry (and whether it becomes the file's recommended one), or null when the run has
 * no split to choose one on (an older entry for the same file name is then removed: it described other weights).
 */
export interface SavedCalibration {
  entry: CalibrationEntry | null;
  recommended: boolean;
}

export async function saveDetector(
  path: string,
  stats: NormStats,
  writeCheckpoint: (path: string) => Promise<void>,
  calibration?: SavedCalibration,
): Promise<string> {
  await writeCheckpoint(path);
  await writeNormStats(join(dirname(path), NORM_STATS_FILE), stats);
  if (calibration) await recordCalibration(path, calibration.entry, calibration.recommended);
  return path;
}
