// `<out>/manifest.json` of `fsvfm faces`: the recipe and options used, totals, and one entry per input file.
import type { CropBox } from '../crops/cropRecipes.js';

/** How face boxes are placed; a folder made by another rule is not resumed into (its crops would differ). */
export const CROP_PLACEMENT = 'dlib-rect-from-mesh-1';

/** One written crop: where it came from in the input and which files hold it. */
export interface ManifestCrop {
  /** frame index of a video, null for a still */
  frame: number | null;
  /** the square region of the frame the crop was cut from */
  crop_box: CropBox;
  /** files written for this crop, relative to the output folder */
  outputs: string[];
}

export type DatasetLayout = 'pretrain' | 'imagefolder';

export interface ManifestEntry {
  /** input path as given (absolute) */
  input: string;
  kind: 'image' | 'video' | 'other';
  status: 'ok' | 'error';
  error: string | null;
  /** faces detected over all decoded frames */
  faces: number;
  /** crops written */
  crops: number;
  /** frames decoded (1 for an image) */
  frames: number;
  /** files written, relative to the output folder */
  outputs: string[];
  /** each crop with its region in the source frame */
  crop_boxes: ManifestCrop[];
  /** non-fatal remarks (tiny image, frames without a face...) */
  warnings: string[];
  /** true when the result came from the cache of an earlier run */
  cached: boolean;
}

export interface FaceDatasetManifest {
  tool: 'fsvfm faces';
  recipe: string;
  /** CROP_PLACEMENT of the run that made the crops */
  placement: string;
  layout: DatasetLayout;
  options: {
    frames: number;
    fps: number | null;
    allFaces: boolean;
    className: string | null;
    cropSize: 'native' | 224;
  };
  counts: { inputs: number; ok: number; error: number; faces: number; crops: number; cached: number };
  /** true when the run stopped before every input was processed */
  interrupted: boolean;
  entries: ManifestEntry[];
}

export function summarise(entries: ManifestEntry[]): FaceDatasetManifest['counts'] {
  const counts = { inputs: entries.length, ok: 0, error: 0, faces: 0, crops: 0, cached: 0 };
  for (const e of entries) {
    if (e.status === 'ok') counts.ok++;
    else counts.error++;
    counts.faces += e.faces;
    counts.crops += e.crops;
    if (e.cached) counts.cached++;
  }
  return counts;
}
