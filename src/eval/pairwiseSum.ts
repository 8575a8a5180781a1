/**
 * NumPy's float64 pairwise summation (`np.sum`, `np.add.reduce` on a contiguous 1-D array).
 * sklearn's trapezoid AUC and average precision end in such a sum; the same summation order
 * is what makes our AUC bit-identical to sklearn's.
 */
const BLOCK = 128;

function pairwise(a: ArrayLike<number>, start: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i];
    return res;
  }
  if (n <= BLOCK) {
    const r = [
      a[start],
      a[start + 1],
      a[start + 2],
      a[start + 3],
      a[start + 4],
      a[start + 5],
      a[start + 6],
      a[start + 7],
    ];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j] += a[start + i + j];
    }
    let res = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < n; i++) res += a[start + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwise(a, start, n2) + pairwise(a, start + n2, n - n2);
}

/** Sum in NumPy's order (identity 0.0 added first, as the reduction does). */
export function numpySum(a: ArrayLike<number>): number {
  return 0 + pairwise(a, 0, a.length);
}
