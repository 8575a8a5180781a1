// Parsers of the JPEG quality flags: `--jpeg_quality lo,hi` (a training range) and `--jpeg_quality q` (one test
// quality). JPEG qualities are integers 1–100.
import { InvalidArgumentError } from 'commander';

const isQuality = (q: number): boolean => Number.isInteger(q) && q >= 1 && q <= 100;

/** `lo,hi` (or one value q, meaning q,q). */
export function jpegQualityRangeArg(v: string): readonly [number, number] {
  const parts = v.split(',').map((x) => Number(x.trim()));
  const [lo, hi] = parts.length === 1 ? [parts[0]!, parts[0]!] : parts;
  if (
    parts.length > 2 ||
    lo === undefined ||
    hi === undefined ||
    !(isQuality(lo) && isQuality(hi) && lo <= hi)
  )
    throw new InvalidArgumentError(
      `--jpeg_quality must be lo,hi with integers 1 ≤ lo ≤ hi ≤ 100, got "${v}"`,
    );
  return [lo, hi];
}

export function jpegQualityArg(v: string): number {
  const q = Number(v.trim());
  if (!isQuality(q))
    throw new InvalidArgumentError(`--jpeg_quality must be an integer in 1..100, got "${v}"`);
  return q;
}
