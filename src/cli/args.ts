// Parsers for numeric flags, handed to commander's `.option(flag, description, parser)`: a bad value stops the
// command with a one-line message naming the flag and what it must be.
import { InvalidArgumentError } from 'commander';

type Parser = (v: string) => number;

const numberFlag =
  (accepts: (n: number) => boolean, mustBe: string) =>
  (flag: string): Parser =>
  (v) => {
    const n = Number(v);
    if (!accepts(n)) throw new InvalidArgumentError(`${flag} must be ${mustBe}, got "${v}"`);
    return n;
  };

/** An integer ≥ `min` (default 1). */
export const intArg = (flag: string, min = 1): Parser =>
  numberFlag((n) => Number.isSafeInteger(n) && n >= min, `an integer ≥ ${min}`)(flag);

/** An integer ≥ 1, worded for counts and sizes. */
export const positiveInt = numberFlag((n) => Number.isSafeInteger(n) && n >= 1, 'a positive integer');

/** A finite number ≥ `min` (default 0). */
export const numArg = (flag: string, min = 0): Parser =>
  numberFlag((n) => Number.isFinite(n) && n >= min, `a number ≥ ${min}`)(flag);

/** Any finite number. */
export const finiteArg = numberFlag(Number.isFinite, 'a number');

/** A finite number > 0. */
export const positiveNumber = numberFlag((n) => Number.isFinite(n) && n > 0, 'a positive number');

/** A probability in [0, 1]. */
export const probability = numberFlag((n) => Number.isFinite(n) && n >= 0 && n <= 1, 'in [0, 1]');
