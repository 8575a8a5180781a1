// What a scan returns. Field names are the JSON wire format shared by `fsvfm scan --json`, `POST /scan` and the
// library API, so a result can be stringified as is.

import type { ScoringKind } from '../models/detectorGraph.js';
import type { Precision } from '../models/precision.js';

export type ScanStatus = 'ok' | 'abstain' | 'error';
export type Verdict = 'fake' | 'real';
export type MediaType = 'image' | 'video' | 'other';

export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FaceResult {
  /** the face detector's box */
  box: FaceBox;
  /** the square region of the frame the crop was cut from (`angle` in degrees when the recipe rotates it) */
  crop_box?: FaceBox & { angle?: number };
  /** face detector confidence */
  detector_score: number;
  /** P(fake) (P(attack) for FAS models); null when the face was not scored (too small) */
  p_fake: number | null;
  /** why the face was not scored */
  skipped?: string;
  /** identity track this face belongs to (videos; 0 for stills) */
  track: number | null;
  crop_recipe: string;
  /** the 224×224 crop as a PNG data URI (when crops were requested) */
  crop?: string;
  /** explanation maps over the crop, PNG data URIs (when requested) */
  heatmaps?: { attention_rollout?: string; reconstruction_error?: string };
}

export interface FrameResult {
  /** 0-based frame index in the video (0 for a still) */
  index: number;
  /** presentation time in seconds (null for stills) */
  time_s: number | null;
  faces: FaceResult[];
  /** highest P(fake) among the scored faces of the frame; null when none was scored */
  p_fake: number | null;
}

export interface TrackResult {
  id: number;
  /** frames the track appears in */
  frames: number[];
  /** aggregate of this track's face scores (same aggregation as the video) */
  p_fake: number | null;
  /** mean box of the track, for display */
  box: FaceBox;
}

export interface ModelInfo {
  kind: ScoringKind;
  size: string;
  img_size: number;
  recipe: string;
  threshold: number;
  threshold_source: string;
  /** `warning` says which fallback statistics were used when the checkpoint came without its stats file */
  normalisation: { mean: number[]; std: number[]; source: string; warning?: string };
  checkpoint: string;
  /** the arithmetic the scores were computed in: fp32, or int8 (quantized transformer blocks) */
  precision: Precision;
}

export interface VideoMeta {
  width: number;
  height: number;
  fps: number;
  duration_s: number;
  frame_count: number;
}

export interface ScanItem {
  input: string;
  media: MediaType;
  status: ScanStatus;
  /** set for 'abstain' and 'error': what happened, in words */
  reason?: string;
  /** item score: the image's highest face P(fake), or the video's aggregated frame score */
  p_fake: number | null;
  verdict: Verdict | null;
  threshold: number;
  /** how frame scores became the video score ('mean' as in the paper's protocol); images: null */
  aggregate: string | null;
  frames: FrameResult[];
  tracks: TrackResult[];
  video?: VideoMeta;
  model: ModelInfo;
  elapsed_ms: number;
}

export interface ScanReport {
  items: ScanItem[];
}
