/** Outcome of one fixture comparison, as printed by `fsvfm verify-fixtures`. */
export interface CheckResult {
  name: string;
  pass: boolean;
  /** Largest |actual − expected| over the compared values (0 for exact matches, NaN when not comparable). */
  worstAbsErr: number;
  /** The tolerance used, in words (e.g. "abs 1e-12", "abs 1e-9"). */
  tolerance: string;
  detail?: string;
}

/** Compare numbers (or equal-length lists) within an absolute tolerance; NaN matches NaN. */
export function compareNumbers(
  name: string,
  actual: number | ArrayLike<number>,
  expected: number | ArrayLike<number>,
  absTol: number,
  tolerance = `abs ${absTol}`,
): CheckResult {
  const a = typeof actual === 'number' ? [actual] : Array.from(actual);
  const e = typeof expected === 'number' ? [expected] : Array.from(expected);
  if (a.length !== e.length) {
    return {
      name,
      pass: false,
      worstAbsErr: Number.NaN,
      tolerance,
      detail: `length ${a.length}, expected ${e.length}`,
    };
  }
  let worst = 0;
  let worstAt = -1;
  let pass = true;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) && Number.isNaN(e[i])) continue;
    const err = Math.abs(a[i] - e[i]);
    if (!(err <= absTol)) pass = false;
    if (!(err <= worst)) {
      worst = err;
      worstAt = i;
    }
  }
  const result: CheckResult = { name, pass, worstAbsErr: worst, tolerance };
  if (!pass) {
    result.detail =
      a.length === 1
        ? `got ${a[0]}, expected ${e[0]}`
        : `worst at #${worstAt}: got ${a[worstAt]}, expected ${e[worstAt]}`;
  }
  return result;
}
