// `calibration.json`: the decision thresholds written beside a trained detector's checkpoints, one entry per
// checkpoint file (each checkpoint is a different state of the weights, so each has its own threshold). The top-level
// `threshold`/`source` repeat the entry of the checkpoint a run recommends, so the file is also a plain
// `{"threshold", "source"}` calibration for `--calibration` and for checkpoints copied under another name.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from './atomicWrite.js';
import { isObject, parseJsonOrUndefined } from './jsonShape.js';
import { CalibrationError } from './malformedInputError.js';

export const CALIBRATION_FILE = 'calibration.json';

/** One checkpoint's threshold and where it came from. */
export interface CalibrationEntry {
  /** decide "fake" iff P(fake) ≥ threshold */
  threshold: number;
  /** one line for results: the rule, the split, the counts */
  source: string;
  /** the rule by name (eval/calibrationThreshold.ts) */
  rule: string;
  /** the split the scores came from, in words (and the folders, when known) */
  split: string;
  splitPaths?: string[];
  /** samples of each class the threshold was chosen on; `unit` says what a sample is */
  counts: { real: number; fake: number; unit: 'images' | 'videos' };
  /** ROC AUC of P(fake) on that split (fraction), null when unknown */
  auc: number | null;
  /** (FAR + FRR) / 2 at the threshold */
  eer: number;
  /** how the split's images were prepared (an eval transform name), when known: scans resize the whole crop */
  transform?: string;
  /** when in training the scores were taken */
  epoch?: number;
  iteration?: number;
}

export interface CalibrationDocument {
  threshold: number;
  source: string;
  checkpoints: Record<string, CalibrationEntry>;
}

const isEntry = (v: unknown): v is CalibrationEntry =>
  isObject(v) &&
  typeof v.threshold === 'number' &&
  v.threshold >= 0 &&
  v.threshold <= 1 &&
  typeof v.source === 'string';

/** The document in `dir`, or null when absent or not one this module wrote (a hand-written file is left alone). */
function readDocument(dir: string): CalibrationDocument | null {
  const path = join(dir, CALIBRATION_FILE);
  if (!existsSync(path)) return null;
  const doc = parseJsonOrUndefined(readFileSync(path, 'utf8'));
  if (!isObject(doc) || !isObject(doc.checkpoints)) return null;
  const checkpoints: Record<string, CalibrationEntry> = {};
  for (const [k, v] of Object.entries(doc.checkpoints)) if (isEntry(v)) checkpoints[k] = v;
  return {
    threshold: typeof doc.threshold === 'number' ? doc.threshold : Number.NaN,
    source: typeof doc.source === 'string' ? doc.source : '',
    checkpoints,
  };
}

async function writeDocument(dir: string, doc: CalibrationDocument): Promise<void> {
  await writeFileAtomic(join(dir, CALIBRATION_FILE), `${JSON.stringify(doc, null, 1)}\n`);
}

/**
 * Records the threshold of `checkpoint` (a path) in the calibration file beside it; `recommended` also makes it the
 * file's top-level threshold. `null` removes the checkpoint's entry instead: it was saved without a threshold (no
 * validation split), and an entry left by an earlier run of the folder would describe other weights.
 */
export async function recordCalibration(
  checkpoint: string,
  entry: CalibrationEntry | null,
  recommended = false,
): Promise<void> {
  const dir = dirname(checkpoint);
  const name = basename(checkpoint);
  const doc = readDocument(dir) ?? { threshold: Number.NaN, source: '', checkpoints: {} };
  if (entry === null) {
    if (!(name in doc.checkpoints)) return;
    delete doc.checkpoints[name];
    if (Object.keys(doc.checkpoints).length === 0) {
      rmSync(join(dir, CALIBRATION_FILE), { force: true });
      return;
    }
  } else {
    doc.checkpoints[name] = entry;
    if (recommended || !Number.isFinite(doc.threshold)) {
      doc.threshold = entry.threshold;
      doc.source = `${entry.source} [${name}]`;
    }
  }
  if (!Number.isFinite(doc.threshold)) {
    const first = Object.entries(doc.checkpoints)[0]!;
    doc.threshold = first[1].threshold;
    doc.source = `${first[1].source} [${first[0]}]`;
  }
  await writeDocument(dir, doc);
}

/** A threshold and where it came from; what `--calibration` files hold at least. */
export interface Calibration {
  threshold: number;
  /** where the threshold came from (e.g. "EER on Celeb-DF-v2 val"), shown in results */
  source: string;
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

/** The raw entry of `checkpoint` in a per-checkpoint document, undefined when there is none. */
export function entryFor(text: string, checkpoint: string): unknown {
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

/** The recorded entry of `checkpoint` in the calibration file beside it (validation AUC, counts, rule), or null. */
export function calibrationEntryOf(checkpoint: string): CalibrationEntry | null {
  return readDocument(dirname(checkpoint))?.checkpoints[basename(checkpoint)] ?? null;
}
