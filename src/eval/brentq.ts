/**
 * Brent's root finder with the exact step rules of SciPy's `optimize.brentq` (C implementation,
 * default xtol 2e-12, rtol 4·eps, 100 iterations). The official EER is `brentq` of an interpolated
 * ROC; reproducing its iterates reproduces its ~1e-13 root error, not just the root.
 */
export interface BrentOptions {
  xtol?: number;
  rtol?: number;
  maxIter?: number;
}

const signbit = (v: number): boolean => v < 0 || Object.is(v, -0);

export function brentq(f: (x: number) => number, xa: number, xb: number, options: BrentOptions = {}): number {
  const { xtol = 2e-12, rtol = 4 * Number.EPSILON, maxIter = 100 } = options;
  let xpre = xa;
  let xcur = xb;
  let xblk = 0;
  let fblk = 0;
  let spre = 0;
  let scur = 0;
  let fpre = f(xpre);
  let fcur = f(xcur);
  if (Number.isNaN(fpre) || Number.isNaN(fcur))
    throw new Error('brentq: the function returned NaN at an end point');
  if (fpre === 0) return xpre;
  if (fcur === 0) return xcur;
  if (signbit(fpre) === signbit(fcur)) throw new Error('brentq: f(a) and f(b) must have different signs');
  for (let i = 0; i < maxIter; i++) {
    if (fpre !== 0 && fcur !== 0 && signbit(fpre) !== signbit(fcur)) {
      xblk = xpre;
      fblk = fpre;
      spre = scur = xcur - xpre;
    }
    if (Math.abs(fblk) < Math.abs(fcur)) {
      xpre = xcur;
      xcur = xblk;
      xblk = xpre;
      fpre = fcur;
      fcur = fblk;
      fblk = fpre;
    }
    const delta = (xtol + rtol * Math.abs(xcur)) / 2;
    const sbis = (xblk - xcur) / 2;
    if (fcur === 0 || Math.abs(sbis) < delta) return xcur;
    if (Math.abs(spre) > delta && Math.abs(fcur) < Math.abs(fpre)) {
      let stry: number;
      if (xpre === xblk) {
        stry = (-fcur * (xcur - xpre)) / (fcur - fpre); // secant
      } else {
        const dpre = (fpre - fcur) / (xpre - xcur);
        const dblk = (fblk - fcur) / (xblk - xcur);
        stry = (-fcur * (fblk * dblk - fpre * dpre)) / (dblk * dpre * (fblk - fpre)); // inverse quadratic
      }
      if (2 * Math.abs(stry) < Math.min(Math.abs(spre), 3 * Math.abs(sbis) - delta)) {
        spre = scur;
        scur = stry;
      } else {
        spre = sbis;
        scur = sbis;
      }
    } else {
      spre = sbis;
      scur = sbis;
    }
    xpre = xcur;
    fpre = fcur;
    if (Math.abs(scur) > delta) xcur += scur;
    else xcur += sbis > 0 ? delta : -delta;
    fcur = f(xcur);
    if (Number.isNaN(fcur)) throw new Error(`brentq: the function returned NaN at x = ${xcur}`);
  }
  throw new Error(`brentq: no convergence after ${maxIter} iterations`);
}
