/**
 * Frame → video aggregation. Video id = file name (without folders) up to the first `_frame_`
 * (`clip_frame_x_frame_7.png` → `clip`; a name without `_frame_` is its own video, as in the official
 * `split('_frame_')[0]`). Frames are taken in lexicographic order of their path (the loader order of the
 * official ImageFolder, so `frame_10` comes before `frame_2`); videos appear in order of their first frame;
 * a video's label is the label of its first frame.
 * Aggregations: `mean` (official), `max`, `median`, `vote` (fraction of frames with score >= voteThreshold).
 * Frames without a face (score `null`) follow a named policy:
 * - `skip`: ignore them; a video with no face at all is dropped (listed in `dropped`);
 * - `as-real` / `as-fake`: score them as certainly real / fake and aggregate them like the others;
 * - `abstain`: ignore them; a video with no face at all is kept with score NaN and `abstained: true`
 *   (metrics then run on the answered videos and report their coverage).
 */
import { type BinaryClass, CLASS_INDEX } from './scores.js';

export type VideoAggregation = 'mean' | 'max' | 'median' | 'vote';
export type NoFacePolicy = 'skip' | 'as-real' | 'as-fake' | 'abstain';
export const VIDEO_AGGREGATIONS: readonly VideoAggregation[] = ['mean', 'max', 'median', 'vote'];
export const NO_FACE_POLICIES: readonly NoFacePolicy[] = ['skip', 'as-real', 'as-fake', 'abstain'];

export interface FrameScore {
  /** Path or file name of the frame image. */
  file: string;
  /** 0 = fake/spoof, 1 = real/live. */
  label: number;
  /** Score of class `scoreOf`, or null when no face was found in the frame. */
  score: number | null;
  /** Explicit video id; defaults to `videoIdFromFileName(file)`. */
  videoId?: string;
}

export interface VideoScore {
  videoId: string;
  label: number;
  /** Aggregated score of `scoreOf`; NaN for an abstained video. */
  score: number;
  frames: number;
  facelessFrames: number;
  abstained: boolean;
}

export interface AggregationOptions {
  aggregation?: VideoAggregation;
  noFace?: NoFacePolicy;
  scoreOf: BinaryClass;
  voteThreshold?: number;
}

export function videoIdFromFileName(file: string): string {
  const base = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
  const cut = base.indexOf('_frame_');
  return cut === -1 ? base : base.slice(0, cut);
}

function aggregate(scores: number[], how: VideoAggregation, voteThreshold: number): number {
  switch (how) {
    case 'mean': {
      // Python sum() then division: sequential float64, as get_video_level_label_pred does
      let s = 0;
      for (const v of scores) s += v;
      return s / scores.length;
    }
    case 'max':
      return Math.max(...scores);
    case 'median': {
      const sorted = [...scores].sort((a, b) => a - b);
      const mid = sorted.length >> 1;
      return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
    case 'vote':
      return scores.filter((v) => v >= voteThreshold).length / scores.length;
    default:
      throw new Error(
        `unknown video aggregation '${how as string}'; use one of ${VIDEO_AGGREGATIONS.join(', ')}`,
      );
  }
}

export function aggregateVideos(
  frames: readonly FrameScore[],
  options: AggregationOptions,
): { videos: VideoScore[]; dropped: string[] } {
  const { aggregation = 'mean', noFace = 'skip', scoreOf, voteThreshold = 0.5 } = options;
  if (!NO_FACE_POLICIES.includes(noFace)) {
    throw new Error(`unknown no-face policy '${noFace}'; use one of ${NO_FACE_POLICIES.join(', ')}`);
  }
  const certain = (cls: BinaryClass) => (cls === scoreOf ? 1 : 0);
  const ordered = [...frames].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const groups = new Map<string, { label: number; scores: number[]; frames: number; faceless: number }>();
  for (const fr of ordered) {
    if (fr.score !== null && !Number.isFinite(fr.score)) {
      throw new Error(
        `video aggregation: frame ${fr.file} has score ${fr.score}; use null for a frame without a face`,
      );
    }
    if (fr.label !== CLASS_INDEX.fake && fr.label !== CLASS_INDEX.real) {
      throw new Error(
        `video aggregation: frame ${fr.file} has label ${fr.label}; labels must be 0 (fake) or 1 (real)`,
      );
    }
    const id = fr.videoId ?? videoIdFromFileName(fr.file);
    let g = groups.get(id);
    if (!g) {
      g = { label: fr.label, scores: [], frames: 0, faceless: 0 };
      groups.set(id, g);
    }
    g.frames++;
    if (fr.score !== null) g.scores.push(fr.score);
    else {
      g.faceless++;
      if (noFace === 'as-real') g.scores.push(certain('real'));
      else if (noFace === 'as-fake') g.scores.push(certain('fake'));
    }
  }
  const videos: VideoScore[] = [];
  const dropped: string[] = [];
  for (const [videoId, g] of groups) {
    const base = { videoId, label: g.label, frames: g.frames, facelessFrames: g.faceless };
    if (g.scores.length > 0) {
      videos.push({ ...base, score: aggregate(g.scores, aggregation, voteThreshold), abstained: false });
    } else if (noFace === 'abstain') {
      videos.push({ ...base, score: Number.NaN, abstained: true });
    } else {
      dropped.push(videoId);
    }
  }
  return { videos, dropped };
}
