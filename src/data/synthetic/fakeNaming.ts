// Output names of generated fakes. They keep the DfD video id (file name up to `_frame_`, SPEC §6.4) of the
// image they were made from, so frame-to-video aggregation and identity splits still group them correctly.
import { extname } from 'node:path';
import { videoIdFromFrameName } from '../folders/videoId.js';

export type FakeKind = 'sbi' | 'swap';

/** `sub/clip_frame_3.png` → `sub__clip_frame_3`; a name without `_frame_` gets `_frame_0` so its id survives. */
export function fakeStem(relPath: string): string {
  const noExt = relPath.slice(0, relPath.length - extname(relPath).length) || relPath;
  const flat = noExt.split('/').join('__');
  return flat.includes('_frame_') ? flat : `${flat}_frame_0`;
}

/** `<video>_frame_<idx>_<kind><k>.png`. */
export function fakeFileName(relPath: string, kind: FakeKind, k: number): string {
  return `${fakeStem(relPath)}_${kind}${k}.png`;
}

/** Identity of a real face image: the video id its fakes carry (folders joined by `__`, name up to `_frame_`). */
export function identityOf(relPath: string): string {
  return videoIdFromFrameName(fakeStem(relPath));
}

/** FNV-1a over the text: a stable 32-bit per-sample seed from the run seed and the sample's name. */
export function sampleSeed(runSeed: number, ...parts: Array<string | number>): number {
  let h = 0x811c9dc5;
  const text = [runSeed, ...parts].join('\u0000');
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
