/**
 * Python float formatting, so that files written here read like the official ones: `repr(x)` (shortest
 * round-trip digits, exponent outside [1e-4, 1e16), always a decimal point) and `'{:.Nf}'.format(x)`
 * (round half to even on the exact binary value).
 */
export function pyRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expText] = x.toExponential().split('e');
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const sign = neg ? '-' : '';
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${sign}${intPart}.${frac || '0'}`;
}

/** `'{:.Nf}'.format(x)`. */
export function pyFixed(x: number, decimals: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const rounded = x.toFixed(decimals);
  // toFixed breaks exact ties upwards; Python rounds them to even
  const exact = x.toFixed(Math.min(100, decimals + 60));
  const tail = exact.slice(exact.length - 60);
  if (/^50*$/.test(tail)) {
    const truncated = exact.slice(0, exact.length - 60).replace(/\.$/, '');
    const lastDigit = Number(truncated[truncated.length - 1]);
    if (lastDigit % 2 === 0) return truncated;
  }
  return rounded;
}
