/**
 * Python's string order (by Unicode code point). JavaScript's default sort compares UTF-16 code units,
 * which differs for characters above U+FFFF versus U+E000–U+FFFF; class ids depend on this order
 * (SPEC §9 #25), so folders are always sorted with this comparator.
 */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const cx = x.value.codePointAt(0) ?? 0;
    const cy = y.value.codePointAt(0) ?? 0;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

export function sortByCodePoint(names: Iterable<string>): string[] {
  return [...names].sort(compareCodePoints);
}
