/**
 * Deterministic train/val/test assignment of identities (videos, people) by a hash of their name,
 * so that frames of one video or one person never straddle splits and the split is stable across
 * runs and machines. FF++ assigns by target id = the first 3 characters of the video name (SPEC §6.4).
 */
export interface SplitFractions {
  train: number;
  val: number;
  test: number;
}

export type SplitName = keyof SplitFractions;

/** FNV-1a 32-bit over UTF-8 bytes. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** FF++ identity of a video name such as `000_003` or `youtube_000`: its first 3 characters after any prefix. */
export function ffppIdentity(video: string): string {
  const m = /(\d{3})/.exec(video);
  return m === null ? video.slice(0, 3) : m[1];
}

/** The split of one identity. */
export function splitOf(identity: string, fractions: SplitFractions, salt = ''): SplitName {
  const total = fractions.train + fractions.val + fractions.test;
  const u = fnv1a32(`${salt}${identity}`) / 4294967296;
  const x = u * total;
  if (x < fractions.train) return 'train';
  if (x < fractions.train + fractions.val) return 'val';
  return 'test';
}

export interface IdentitySplitResult<T> {
  train: T[];
  val: T[];
  test: T[];
}

/**
 * Split `items` by the identity `idOf(item)`. Throws when a split with a positive fraction gets no
 * identity (too few identities for the requested fractions).
 */
export function identitySplit<T>(
  items: readonly T[],
  idOf: (item: T) => string,
  fractions: SplitFractions,
  salt = '',
): IdentitySplitResult<T> {
  for (const [k, v] of Object.entries(fractions)) {
    if (!(v >= 0) || !Number.isFinite(v))
      throw new Error(`split fraction '${k}' must be a finite number ≥ 0, got ${v}`);
  }
  if (fractions.train + fractions.val + fractions.test <= 0) throw new Error('split fractions sum to 0');
  const out: IdentitySplitResult<T> = { train: [], val: [], test: [] };
  const ids = new Map<SplitName, Set<string>>([
    ['train', new Set()],
    ['val', new Set()],
    ['test', new Set()],
  ]);
  for (const item of items) {
    const id = idOf(item);
    const s = splitOf(id, fractions, salt);
    out[s].push(item);
    ids.get(s)?.add(id);
  }
  const distinct = new Set(items.map(idOf)).size;
  for (const s of ['train', 'val', 'test'] as const) {
    if (fractions[s] > 0 && out[s].length === 0) {
      throw new Error(
        `the ${s} split is empty: ${distinct} identit${distinct === 1 ? 'y' : 'ies'} are too few for fractions ` +
          `train ${fractions.train} / val ${fractions.val} / test ${fractions.test}; add data, change the salt or set ${s} to 0`,
      );
    }
  }
  return out;
}
