// Decision threshold: a number, or a calibration file `{"threshold": t, "source": "..."}` written by an evaluation.

import { readFileSync } from 'node:fs';
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

export function readCalibration(path: string): Calibration {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read calibration file ${path}: ${(err as Error).message}`);
  }
  return parseCalibration(text, path);
}
