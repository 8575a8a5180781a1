// `<out>/manifest.json` of `fsvfm faces`: the recipe and options used, totals, and one entry per input file.
import { isArrayOf, isFiniteNumber, isObject, isString, parseJsonOrUndefined } from '../../io/jsonShape.js';
import type { CropBox } from '../crops/cropRecipes.js';

/**
 * How crops are placed (crops/faceRect.ts: dlib's HOG window around the mesh estimate); a folder made by another rule
 * is not resumed into, since its crops would differ.
 */
export const CROP_PLACEMENT = 'dlib-hog-window-1';

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

/**
 * An entry record as the resume and the totals use it (a cache record is one without `input` and `cached`): a
 * manifest edited or damaged on disk must not reach them with a null entry or a string for a count.
 */
export function isEntryRecord(v: unknown): v is Omit<ManifestEntry, 'input' | 'cached'> {
  return (
    isObject(v) &&
    (v.status === 'ok' || v.status === 'error') &&
    isFiniteNumber(v.faces) &&
    isFiniteNumber(v.crops) &&
    isArrayOf(v.outputs, isString)
  );
}

const isEntry = (v: unknown): v is ManifestEntry =>
  isEntryRecord(v) && isString((v as { input?: unknown }).input);

/**
 * The manifest of an earlier run into the same folder, or null when it is unreadable or not one. Entries that are
 * not entry records are dropped (their inputs are processed again); the run-level fields stay, so a folder made
 * with another recipe or placement is still refused.
 */
export function parseFaceDatasetManifest(text: string): FaceDatasetManifest | null {
  const m = parseJsonOrUndefined(text);
  if (!isObject(m) || m.tool !== 'fsvfm faces' || !isString(m.recipe) || !Array.isArray(m.entries))
    return null;
  if (m.placement !== undefined && !isString(m.placement)) return null;
  return { ...(m as unknown as FaceDatasetManifest), entries: m.entries.filter(isEntry) };
}
