/**
 * Linear interpolation with NumPy `np.interp` semantics (what SciPy's `interp1d(kind='linear')` delegates to
 * for float64 data). With repeated x values (vertical ROC segments) it takes the LAST point whose x is <= the
 * query, and returns that point's y exactly when x matches.
 */
export function npInterp(x: number, xp: ArrayLike<number>, fp: ArrayLike<number>): number {
  const n = xp.length;
  if (n === 0) throw new Error('interp: empty table');
  if (Number.isNaN(x)) return x;
  if (x < xp[0]) return fp[0];
  if (x > xp[n - 1]) return fp[n - 1];
  // last j with xp[j] <= x (xp is non-decreasing)
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = lo + ((hi - lo) >> 1);
    if (x >= xp[mid]) lo = mid + 1;
    else hi = mid;
  }
  const j = lo - 1;
  if (j === n - 1 || xp[j] === x) return fp[j];
  const slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
  let y = slope * (x - xp[j]) + fp[j];
  if (Number.isNaN(y)) {
    y = slope * (x - xp[j + 1]) + fp[j + 1];
    if (Number.isNaN(y) && fp[j] === fp[j + 1]) y = fp[j];
  }
  return y;
}
