// Test-set file names for the held-out identities. Video-level metrics group frames by the name up to `_frame_`
// (SPEC §6.4), so: the frames of one person are cut into clips of consecutive frames (one test "video" each),
// and the fakes of a clip get their own video id (`<clip>-sbi`), never the id of the real clip they came from.
import { basename, extname } from 'node:path';

const FRAME = '_frame_';

/** `franck_frame_12.png` → { identity: 'franck', frame: 12 }; a name without `_frame_` is frame 0 of itself. */
export function parseFrameName(name: string): { identity: string; frame: number } {
  const stem = basename(name, extname(name));
  const cut = stem.indexOf(FRAME);
  if (cut === -1) return { identity: stem, frame: 0 };
  const frame = Number.parseInt(stem.slice(cut + FRAME.length), 10);
  return { identity: stem.slice(0, cut), frame: Number.isFinite(frame) ? frame : 0 };
}

/**
 * Clip id of every crop: per identity, crops in frame order, `clipFrames` consecutive ones per clip
 * (`franck-c0`, `franck-c1`, …); a short last clip is merged into the one before so no clip is tiny.
 */
export function assignClips(names: readonly string[], clipFrames: number): Map<string, string> {
  if (!(Number.isInteger(clipFrames) && clipFrames >= 1))
    throw new Error(`frames per clip must be a positive integer, got ${clipFrames}`);
  const byIdentity = new Map<string, { name: string; frame: number }[]>();
  for (const name of names) {
    const { identity, frame } = parseFrameName(name);
    const list = byIdentity.get(identity) ?? [];
    list.push({ name, frame });
    byIdentity.set(identity, list);
  }
  const clips = new Map<string, string>();
  for (const [identity, list] of byIdentity) {
    list.sort((a, b) => a.frame - b.frame || (a.name < b.name ? -1 : 1));
    const full = Math.max(1, Math.floor(list.length / clipFrames));
    for (const [i, item] of list.entries())
      clips.set(item.name, `${identity}-c${Math.min(full - 1, Math.floor(i / clipFrames))}`);
  }
  return clips;
}

/** Name of a real crop in a test set: `<clip>_frame_<n>.png`. */
export function realTestName(name: string, clip: string): string {
  return `${clip}${FRAME}${parseFrameName(name).frame}.png`;
}

/** Name of a fake in a test set: `<clip>-<kind>_frame_<n>_<kind><k>.png` (its own video id `<clip>-<kind>`). */
export function fakeTestName(sourceName: string, clip: string, kind: string, k: number): string {
  return `${clip}-${kind}${FRAME}${parseFrameName(sourceName).frame}_${kind}${k}.png`;
}
