import { FHOG_PLANES } from './fhogFeatures.js';
import { frontalFaceFilters } from './frontalFaceFilters.js';

/** One rank-1 term of a filter plane: the window score adds sum_m col[m] * sum_n row[n] * feature[r+m][c+n]. */
export interface SeparableTerm {
  plane: number;
  row: Float32Array;
  col: Float32Array;
}

/** One of the frontal face detector's weight vectors ("sub-detectors": frontal, left/right profile, ...). */
export interface FaceFilter {
  /** the vector's last element; a window is a face where its filter response reaches it */
  threshold: number;
  rows: number;
  cols: number;
  /** full filters, plane p at [p * rows * cols ...], as dlib's fhog_filterbank::filters */
  full: Float32Array;
  /** the SVD-truncated separable terms that dlib actually convolves with (apply_filters_to_fhog) */
  separable: SeparableTerm[];
  /** apply_filters_to_fhog runs the separable terms unless there are too many of them */
  useSeparable: boolean;
}

export interface FrontalFaceModel {
  cellSize: number;
  /** window size in feature cells (scan_fhog_pyramid's fhog window minus 2 × padding) */
  windowCells: { width: number; height: number };
  /** the feature padding extract_fhog_features is given: the fhog window size */
  fhogPadding: { rows: number; cols: number };
  maxPyramidLevels: number;
  minPyramidLayerWidth: number;
  minPyramidLayerHeight: number;
  filters: FaceFilter[];
}

function floats(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}

let cached: FrontalFaceModel | undefined;

/** dlib's `get_frontal_face_detector()` as data (see frontalFaceFilters.ts, made by dumpDlibFilters.cpp). */
export function frontalFaceModel(): FrontalFaceModel {
  if (cached) return cached;
  const d = frontalFaceFilters;
  const filters = d.detectors.map((det): FaceFilter => {
    const rowFloats = floats(det.rowFilters);
    const colFloats = floats(det.colFilters);
    const separable: SeparableTerm[] = [];
    let rowAt = 0;
    let colAt = 0;
    det.separableRanks.forEach((rank, plane) => {
      for (let j = 0; j < rank; j++) {
        separable.push({
          plane,
          row: rowFloats.slice(rowAt, rowAt + det.filterCols),
          col: colFloats.slice(colAt, colAt + det.filterRows),
        });
        rowAt += det.filterCols;
        colAt += det.filterRows;
      }
    });
    return {
      threshold: det.threshold,
      rows: det.filterRows,
      cols: det.filterCols,
      full: floats(det.filters),
      separable,
      useSeparable: separable.length <= (FHOG_PLANES * Math.min(det.filterRows, det.filterCols)) / 3,
    };
  });
  cached = {
    cellSize: d.cellSize,
    windowCells: { width: d.fhogWindowWidth - 2 * d.padding, height: d.fhogWindowHeight - 2 * d.padding },
    fhogPadding: { rows: d.fhogWindowHeight, cols: d.fhogWindowWidth },
    maxPyramidLevels: d.maxPyramidLevels,
    minPyramidLayerWidth: d.minPyramidLayerWidth,
    minPyramidLayerHeight: d.minPyramidLayerHeight,
    filters,
  };
  return cached;
}
