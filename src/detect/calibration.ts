// Decision threshold: a number, or a calibration file `{"threshold": t, "source": "..."}` written by an evaluation
// or by training (`calibration.json` beside the checkpoints, io/calibrationFile.ts, one entry per checkpoint).

import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CALIBRATION_FILE } from '../io/calibrationFile.js';
import { isObject, parseJsonOrUndefined } from '../io/jsonShape.js';
import { CalibrationError } from '../io/malformedInputError.js';

export interface Calibration {
  threshold: number;
  /** where the threshold came from (e.g. "EER on Celeb-DF-v2 val"), shown in results */
  source: string;
}

export const DEFAULT_THRESHOLD = 0.5;

export function checkThreshold(t: number, what = 'threshold'): number {
  if (!(Number.isFinite(t) && t >= 0 && t <= 1))
    throw new Error(`${what} must be a number in [0, 1], got ${t}`);
  return t;
}

export function parseCalibration(text: string, name = 'calibration'): Calibration {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    throw new CalibrationError(`${name}: not JSON; expected {"threshold": 0.42, "source": "..."}`);
  }
  const { threshold, source } = (obj ?? {}) as { threshold?: unknown; source?: unknown };
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1))
    throw new CalibrationError(
      `${name}: "threshold" must be a number in [0, 1], got ${JSON.stringify(threshold)}`,
    );
  return { threshold, source: typeof source === 'string' && source ? source : name };
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

function entryFor(text: string, checkpoint: string): unknown {
  const doc = parseJsonOrUndefined(text);
  return isObject(doc) && isObject(doc.checkpoints) ? doc.checkpoints[basename(checkpoint)] : undefined;
}

/**
 * The threshold in `calibration.json` beside `checkpoint`, when it covers it: the checkpoint's own entry, or the top
 * level of a plain `{"threshold", "source"}` file (written by hand: it applies to every checkpoint of its folder).
 * A file with per-checkpoint entries but none for this name gives null: its thresholds belong to other weights.
 */
export function calibrationBeside(checkpoint: string): Calibration | null {
  const path = join(dirname(checkpoint), CALIBRATION_FILE);
  if (!existsSync(path)) return null;
  const text = readFileSync(path, 'utf8');
  const doc = parseJsonOrUndefined(text);
  const own = entryFor(text, checkpoint);
  if (isObject(doc) && isObject(doc.checkpoints) && own === undefined) return null;
  const name = `${path}${own !== undefined ? ` (${basename(checkpoint)})` : ''}`;
  const c = parseCalibration(own !== undefined ? JSON.stringify(own) : text, name);
  return { threshold: c.threshold, source: `${c.source} (${CALIBRATION_FILE} beside the checkpoint)` };
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
  return { threshold: DEFAULT_THRESHOLD, source: 'default' };
}
