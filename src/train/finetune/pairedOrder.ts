// Epoch order that keeps each real image next to the fakes made from it, so a batch holds real/fake pairs (the SBI
// training recipe): within a pair only the manipulation differs, which is the one thing the detector should learn.
// A fake is matched to its real by name: `<stem>_<kind><k>.<ext>` (as `fsvfm fakes` writes) or the same file name.
import { basename, extname } from 'node:path';
import type { LabeledSample } from '../../data/folders/index.js';
import { SeededRng } from '../../data/random/seededRng.js';

/** The name shared by a real image and its fakes: the file name without extension and `_sbi<k>` / `_swap<k>`. */
export function pairKey(path: string): string {
  return basename(path, extname(path)).replace(/_(sbi|swap)\d+$/, '');
}

/**
 * Indices of `samples` in a seeded order where samples sharing a pair key are consecutive (groups shuffled, a
 * group's members in listing order). Samples without a partner form groups of one.
 *
 * `rotate`: each group contributes one member of each class per epoch, the `epoch mod n`-th of its n members of that
 * class; a face with K fakes is then seen with a different fake in each of K epochs, as if a fresh self-blend were
 * made for every epoch (the SBI recipe), and the classes stay balanced. Every epoch has the same length
 * (`pairedEpochLength`).
 */
export function pairedOrder(
  samples: readonly LabeledSample[],
  seed: number,
  epoch: number,
  rotate = false,
): Int32Array {
  const list = pairGroups(samples).map((g) => (rotate ? rotateGroup(samples, g, epoch) : g));
  const perm = new SeededRng(seed * 100_003 + epoch).randperm(list.length);
  const out = new Int32Array(list.reduce((n, g) => n + g.length, 0));
  let n = 0;
  for (const gi of perm) for (const i of list[gi]!) out[n++] = i;
  return out;
}

/** Samples per epoch of `pairedOrder` (fewer than all when `rotate` leaves fakes out). */
export function pairedEpochLength(samples: readonly LabeledSample[], rotate: boolean): number {
  if (!rotate) return samples.length;
  return pairGroups(samples).reduce((n, g) => n + classesIn(samples, g), 0);
}

function pairGroups(samples: readonly LabeledSample[]): number[][] {
  return groupBy(
    samples.map((_, i) => i),
    (i) => pairKey(samples[i]!.path),
  );
}

function rotateGroup(samples: readonly LabeledSample[], group: readonly number[], epoch: number): number[] {
  return groupBy(group, (i) => samples[i]!.label).map((m) => m[epoch % m.length]!);
}

/** `indices` split by key, groups in order of first appearance, members in listing order. */
function groupBy<K>(indices: readonly number[], key: (i: number) => K): number[][] {
  const groups = new Map<K, number[]>();
  for (const i of indices) {
    const k = key(i);
    const g = groups.get(k);
    if (g) g.push(i);
    else groups.set(k, [i]);
  }
  return [...groups.values()];
}

/** How many samples have a partner of another class (0 means pairing found nothing to pair). */
export function pairedCount(samples: readonly LabeledSample[]): number {
  return pairGroups(samples)
    .filter((g) => classesIn(samples, g) > 1)
    .reduce((n, g) => n + g.length, 0);
}

function classesIn(samples: readonly LabeledSample[], group: readonly number[]): number {
  return new Set(group.map((i) => samples[i]!.label)).size;
}
