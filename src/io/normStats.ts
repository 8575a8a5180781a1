// `pretrain_ds_mean_std.txt`: the normalisation statistics written beside pre-trained checkpoints (SPEC §2.6).

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from './atomicWrite.js';
import { NormStatsError } from './malformedInputError.js';

export type Rgb = readonly [number, number, number];

export interface NormStats {
  mean: Rgb;
  std: Rgb;
}

export const NORM_STATS_FILE = 'pretrain_ds_mean_std.txt';

/** Constants hard-coded in the official code (SPEC §2.6). */
export const VGGFACE2_STATS: NormStats = {
  mean: [0.5482207536697388, 0.42340534925460815, 0.3654651641845703],
  std: [0.2789176106452942, 0.2438540756702423, 0.23493893444538116],
};
export const FFPP_YOUTUBE_STATS: NormStats = {
  mean: [0.532625138759613, 0.4048449993133545, 0.3708747327327728],
  std: [0.25850796699523926, 0.21054500341415405, 0.20785294473171234],
};
export const IMAGENET_STATS: NormStats = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

/**
 * What to use when no stats file exists: DfD/DiFF fine-tuning and testing fall back to VGGFace2, FAS to ImageNet,
 * pre-training needs the file (`error`).
 */
export type NormFallback = 'vggface2' | 'imagenet' | 'error';

export interface ResolvedNormStats {
  stats: NormStats;
  source: 'file' | 'vggface2' | 'imagenet';
  path?: string;
  /** set when no stats file was found and the fallback statistics are used: says which */
  warning?: string;
}

const isRgb = (v: unknown): v is Rgb =>
  Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/** Parses the file's text: only the first line counts (later lines are duplicates appended by other processes). */
export function parseNormStats(text: string, source = NORM_STATS_FILE): NormStats {
  const first =
    text
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/, 1)[0]
      ?.trim() ?? '';
  const bad = (why: string): Error =>
    new NormStatsError(
      `${source}: malformed normalisation stats (${why}); the first line must be {"mean": [r, g, b], "std": [r, g, b]}`,
    );
  let obj: unknown;
  try {
    obj = JSON.parse(first);
  } catch {
    throw bad('first line is not JSON');
  }
  const { mean, std } = (obj ?? {}) as { mean?: unknown; std?: unknown };
  if (!isRgb(mean)) throw bad('"mean" is not 3 numbers');
  if (!isRgb(std)) throw bad('"std" is not 3 numbers');
  if (std.some((s) => s <= 0)) throw bad('"std" must be positive');
  return { mean: [...mean] as unknown as Rgb, std: [...std] as unknown as Rgb };
}

export function readNormStats(path: string): NormStats {
  if (!existsSync(path)) throw new Error(`normalisation stats file not found: ${path}`);
  return parseNormStats(readFileSync(path, 'utf8'), path);
}

/**
 * Stats for a checkpoint: `pretrain_ds_mean_std.txt` in its folder, else the fallback constants. A file that
 * exists but is malformed is always an error (silently normalising differently would corrupt every score).
 */
export function normStatsForCheckpoint(checkpointPath: string, fallback: NormFallback): ResolvedNormStats {
  const path = join(dirname(checkpointPath), NORM_STATS_FILE);
  if (existsSync(path)) return { stats: readNormStats(path), source: 'file', path };
  if (fallback === 'vggface2' || fallback === 'imagenet') {
    const stats = fallback === 'vggface2' ? VGGFACE2_STATS : IMAGENET_STATS;
    const warning =
      `no ${NORM_STATS_FILE} next to ${checkpointPath}: normalising with the ${fallback === 'vggface2' ? 'VGGFace2' : 'ImageNet'} ` +
      `statistics mean ${JSON.stringify(stats.mean)} std ${JSON.stringify(stats.std)}; put the file the model was trained with beside it`;
    return { stats, source: fallback, warning };
  }
  throw new Error(
    `normalisation stats are required but ${path} does not exist; compute them or pass them explicitly`,
  );
}

/** The file's line as Python's json.dumps writes it. */
export function formatNormStats(stats: NormStats): string {
  const list = (v: Rgb): string => `[${v.map((x) => pyFloat(x)).join(', ')}]`;
  return `{"mean": ${list(stats.mean)}, "std": ${list(stats.std)}}\n`;
}

/** Writes (atomically) a stats file with a single line. */
export async function writeNormStats(path: string, stats: NormStats): Promise<void> {
  const text = formatNormStats(stats);
  parseNormStats(text, path);
  await writeFileAtomic(path, text);
}

const pyFloat = (x: number): string => (Number.isInteger(x) ? `${x}.0` : String(x));
