// Which parts of a video to decode for a few wanted frames. H.264 and its kin decode a frame only from the keyframe
// before it, so "decode only the sampled frames" means: for each keyframe interval that holds wanted frames, one
// ffmpeg that seeks to the keyframe and decodes up to its last wanted frame; intervals without wanted frames are
// skipped. When the wanted frames fill most intervals (long GOPs: the bench minute has a keyframe every 250 frames,
// and 32 samples land in all of them) one decoding pass with a select filter costs less, as it starts one process.
import type { PacketIndex } from './packetIndex.js';

export interface SeekSegment {
  /** where ffmpeg's input seek goes (seconds from the file's start; see seekSeconds) */
  seekS: number;
  /** presentation indices of the wanted frames in this interval, ascending */
  frames: number[];
  /** their timestamps, in the stream's time base */
  pts: number[];
}

/**
 * Measured on the 2-vCPU machine (loaded): an ffmpeg that seeks and decodes one 720p H.264 frame takes ~0.25 s of
 * wall time, while one more decoded 720p frame takes ~1.7 ms (1.85 ns per pixel). So a segment costs as much as
 * ~150 decoded 720p frames, ~600 at 640×360; seeking wins for few frames of long videos (7 of 10 min at 360p:
 * 1.4 s against 5.6 s), not for 32 of a minute at a keyframe a second (4.4 s against 3.4 s at 720p, same run).
 */
const SEGMENT_OVERHEAD_S = 0.25;
const DECODE_S_PER_PIXEL = 1.85e-9;
/** Seek only when it decodes at most this share of what one pass would. */
const MAX_SHARE = 0.6;

/**
 * ffmpeg seeks the input to `-ss` minus 3/23 s when the stream has B-frame delay (ffmpeg.c's dts heuristic), and
 * then to the keyframe at or before that. Asking for the keyframe's time plus that margin (capped at half the gap
 * to the next keyframe, so the seek never lands past it) starts at this keyframe, or at an earlier one, which is
 * slower but still exact: frames are picked by timestamp.
 */
function seekSeconds(index: PacketIndex, key: number, next: number | undefined): number {
  const { num, den } = index.timeBase;
  const at = (i: number) => (index.pts[i]! * num) / den;
  const margin = next === undefined ? 3 / 23 : Math.min(3 / 23, (at(next) - at(key)) / 2);
  return at(key) + margin;
}

/**
 * Segments to decode for `wanted` (ascending presentation indices) of frames of `framePixels` pixels, or null
 * when one pass is cheaper (`always`: whenever the index allows seeking, for tests and measurements).
 */
export function planSeeks(
  index: PacketIndex,
  wanted: readonly number[],
  framePixels: number,
  always = false,
): SeekSegment[] | null {
  if (wanted.length === 0 || index.keyframes.length < 2 || index.pts[0] !== 0) return null;
  if (wanted[wanted.length - 1]! >= index.pts.length) return null;
  const segments: (SeekSegment & { key: number })[] = [];
  let k = 0;
  for (const w of wanted) {
    while (k + 1 < index.keyframes.length && index.keyframes[k + 1]! <= w) k++;
    const key = index.keyframes[k]!;
    if (key > w) return null; // a wanted frame before the first keyframe
    let seg = segments[segments.length - 1];
    if (!seg || seg.key !== key) {
      seg = { key, seekS: seekSeconds(index, key, index.keyframes[k + 1]), frames: [], pts: [] };
      segments.push(seg);
    }
    seg.frames.push(w);
    seg.pts.push(index.pts[w]!);
  }
  // costs in decoded frames
  const segmentCost = SEGMENT_OVERHEAD_S / (Math.max(1, framePixels) * DECODE_S_PER_PIXEL);
  const seekCost = segments.reduce((s, g) => s + g.frames[g.frames.length - 1]! - g.key + 1 + segmentCost, 0);
  const passCost = wanted[wanted.length - 1]! + 1 + segmentCost;
  if (!always && seekCost > MAX_SHARE * passCost) return null;
  return segments.map(({ key: _key, ...s }) => s);
}
