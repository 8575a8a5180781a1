// Links the faces of successive sampled frames into identity tracks. Sampled frames can be seconds apart, so a
// face continues a track when its box overlaps the track's last box (IoU) or its centre stays close relative to
// the face size; matching is greedy, best pairs first, one face per track per frame.
import type { FaceBox } from './scanResult.js';

export interface TrackOptions {
  /** minimum IoU for a match (default 0.3) */
  minIou?: number;
  /** or: centre distance below this fraction of the larger box side (default 0.5) */
  maxCentreShift?: number;
}

export function iou(a: FaceBox, b: FaceBox): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

function centreShift(a: FaceBox, b: FaceBox): number {
  const dx = a.x + a.width / 2 - (b.x + b.width / 2);
  const dy = a.y + a.height / 2 - (b.y + b.height / 2);
  return Math.hypot(dx, dy) / Math.max(a.width, a.height, b.width, b.height, 1e-9);
}

/**
 * Assigns a track id to every face; `frames[f]` lists the boxes of frame f in order. Returns ids in the same
 * layout. Ids are 0, 1, 2… in order of first appearance.
 */
export function linkTracks(frames: readonly (readonly FaceBox[])[], opts: TrackOptions = {}): number[][] {
  const minIou = opts.minIou ?? 0.3;
  const maxShift = opts.maxCentreShift ?? 0.5;
  const last: FaceBox[] = []; // last box of each track
  const out: number[][] = [];
  for (const faces of frames) {
    const ids = new Array<number>(faces.length).fill(-1);
    const pairs: { t: number; f: number; cost: number }[] = [];
    for (let t = 0; t < last.length; t++) {
      for (let f = 0; f < faces.length; f++) {
        const o = iou(last[t]!, faces[f]!);
        const d = centreShift(last[t]!, faces[f]!);
        if (o >= minIou || d <= maxShift) pairs.push({ t, f, cost: d - o });
      }
    }
    pairs.sort((a, b) => a.cost - b.cost);
    const usedTracks = new Set<number>();
    for (const p of pairs) {
      if (usedTracks.has(p.t) || ids[p.f] !== -1) continue;
      usedTracks.add(p.t);
      ids[p.f] = p.t;
    }
    for (let f = 0; f < faces.length; f++) {
      if (ids[f] === -1) {
        ids[f] = last.length;
        last.push(faces[f]!);
      } else last[ids[f]!] = faces[f]!;
    }
    out.push(ids);
  }
  return out;
}
