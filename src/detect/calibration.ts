// Decision threshold: a number, or a calibration file `{"threshold": t, "source": "..."}` written by an evaluation
// or by training (`calibration.json` beside the checkpoints, io/calibrationFile.ts, one entry per checkpoint).

import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  CALIBRATION_FILE,
  type Calibration,
  calibrationBeside,
  entryFor,
  parseCalibration,
} from '../io/calibrationFile.js';

export { type Calibration, calibrationBeside, parseCalibration };

export const DEFAULT_THRESHOLD = 0.5;

export function checkThreshold(t: number, what = 'threshold'): number {
  if (!(Number.isFinite(t) && t >= 0 && t <= 1))
    throw new Error(`${what} must be a number in [0, 1], got ${t}`);
  return t;
}

/**
 * Reads a calibration file. Given the checkpoint it is for, a file with per-checkpoint entries (the ones training
 * writes) gives that checkpoint's own entry when it has one, else its top-level (recommended) threshold.
 */
export function readCalibration(path: string, checkpoint?: string): Calibration {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read calibration file ${path}: ${(err as Error).message}`);
  }
  if (checkpoint !== undefined) {
    const own = entryFor(text, checkpoint);
    if (own !== undefined) return parseCalibration(JSON.stringify(own), `${path} (${basename(checkpoint)})`);
  }
  return parseCalibration(text, path);
}

/** The options that decide a detector's threshold. */
export interface ThresholdOptions {
  model: string;
  threshold?: number;
  calibration?: string | Calibration;
}

/**
 * The threshold a detector uses and where it came from, by precedence: `calibration` given, `threshold` given, the
 * `calibration.json` written beside the checkpoint by training, the 0.5 default. The source says which one won.
 */
export function resolveThreshold(opts: ThresholdOptions): Calibration {
  if (opts.calibration !== undefined) {
    const cal =
      typeof opts.calibration === 'string' ? readCalibration(opts.calibration, opts.model) : opts.calibration;
    return { threshold: checkThreshold(cal.threshold, 'calibration threshold'), source: cal.source };
  }
  if (opts.threshold !== undefined) return { threshold: checkThreshold(opts.threshold), source: 'option' };
  const beside = calibrationBeside(opts.model);
  if (beside)
    return { threshold: checkThreshold(beside.threshold, 'calibration threshold'), source: beside.source };
  // a file that covers other checkpoints only (e.g. this one was saved mid-epoch): say why it was not used
  const file = join(dirname(opts.model), CALIBRATION_FILE);
  const why = existsSync(file)
    ? ` (${CALIBRATION_FILE} beside the checkpoint has no entry for ${basename(opts.model)})`
    : '';
  return { threshold: DEFAULT_THRESHOLD, source: `default${why}` };
}
