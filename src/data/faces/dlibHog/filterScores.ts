import { FHOG_PLANES, type FhogBlock } from './fhogFeatures.js';
import type { FaceFilter } from './frontalFaceModel.js';
import type { Span } from './pixelRegion.js';

const f32 = Math.fround;

/**
 * Where a filter bank may be evaluated on a level's padded feature image (extract_fhog_features pads the
 * hogRows × hogCols features with fhog-window-size − 1 zero rows/cols, (p−1)/2 of them before), and which of
 * its columns dlib's float_spatially_filter_image_separable runs through the 8-wide SIMD loop.
 */
export interface SaliencyGrid {
  paddedRows: number;
  paddedCols: number;
  /** offset of feature (0, 0) in the padded image */
  padTop: number;
  padLeft: number;
  /** valid saliency positions: rows [firstRow, lastRow), cols [firstCol, lastCol) */
  firstRow: number;
  lastRow: number;
  firstCol: number;
  lastCol: number;
  simdEndCol: number;
}

export function saliencyGrid(
  hogRows: number,
  hogCols: number,
  padding: { rows: number; cols: number },
  filter: { rows: number; cols: number },
): SaliencyGrid {
  const paddedRows = hogRows + padding.rows - 1;
  const paddedCols = hogCols + padding.cols - 1;
  const firstCol = Math.trunc(filter.cols / 2);
  const lastCol = paddedCols - Math.trunc((filter.cols - 1) / 2);
  let simdEndCol = firstCol;
  while (simdEndCol < lastCol - 7) simdEndCol += 8;
  return {
    paddedRows,
    paddedCols,
    padTop: Math.trunc((padding.rows - 1) / 2),
    padLeft: Math.trunc((padding.cols - 1) / 2),
    firstRow: Math.trunc(filter.rows / 2),
    lastRow: paddedRows - Math.trunc((filter.rows - 1) / 2),
    firstCol,
    lastCol,
    simdEndCol,
  };
}

/** Unpadded feature rows/cols the saliency positions `rows` × `cols` read. */
export function featureSpansFor(
  grid: SaliencyGrid,
  filter: { rows: number; cols: number },
  rows: Span,
  cols: Span,
) {
  return {
    rows: {
      start: rows.start - grid.firstRow - grid.padTop,
      end: rows.end - grid.firstRow - grid.padTop + filter.rows - 1,
    },
    cols: {
      start: cols.start - grid.firstCol - grid.padLeft,
      end: cols.end - grid.firstCol - grid.padLeft + filter.cols - 1,
    },
  };
}

/**
 * One 1-D correlation as dlib's float_spatially_filter_image_separable computes it (image_transforms/
 * spatial_filtering.h), of the taps with `src[at]`, `src[at + step]`, ...: in SIMD columns three interleaved
 * float32 accumulators (taps n ≡ 0, 1, 2 mod 3, the leftover taps into the first) joined as a + (b + c); in tail
 * columns one sequential float32 sum.
 */
function correlate(taps: Float32Array, src: Float32Array, at: number, step: number, simd: boolean): number {
  const n = taps.length;
  if (!simd) {
    let acc = 0;
    for (let i = 0; i < n; i++) acc = f32(acc + f32(src[at + i * step] * taps[i]));
    return acc;
  }
  let a = 0;
  let b = 0;
  let c = 0;
  let i = 0;
  let p = at;
  for (; i < n - 2; i += 3) {
    a = f32(a + f32(src[p] * taps[i]));
    b = f32(b + f32(src[p + step] * taps[i + 1]));
    c = f32(c + f32(src[p + 2 * step] * taps[i + 2]));
    p += 3 * step;
  }
  for (; i < n; i++) {
    a = f32(a + f32(src[p] * taps[i]));
    p += step;
  }
  return f32(a + f32(b + c));
}

/**
 * The filter bank's saliency (apply_filters_to_fhog, separable path) at padded positions rows × cols, minus the
 * filter's threshold: what dlib reports as detection_confidence. `feats` must cover featureSpansFor(...).
 * Returns row-major scores for the (clamped) span.
 */
export function filterScores(
  filter: FaceFilter,
  feats: FhogBlock,
  grid: SaliencyGrid,
  rows: Span,
  cols: Span,
): { rows: Span; cols: Span; scores: Float64Array } {
  const r0 = Math.max(rows.start, grid.firstRow);
  const r1 = Math.min(rows.end, grid.lastRow);
  const c0 = Math.max(cols.start, grid.firstCol);
  const c1 = Math.min(cols.end, grid.lastCol);
  const h = Math.max(0, r1 - r0);
  const w = Math.max(0, c1 - c0);
  const scores = new Float64Array(h * w);
  if (h === 0 || w === 0) return { rows: { start: r0, end: r1 }, cols: { start: c0, end: c1 }, scores };
  const fr = filter.rows;
  const fc = filter.cols;
  // the padded feature rows/cols these positions read, copied densely with zeros for the padding
  const pr0 = r0 - grid.firstRow;
  const pc0 = c0 - grid.firstCol;
  const dh = h + fr - 1;
  const dw = w + fc - 1;
  const dense = new Float32Array(dh * dw);
  const planeSize = feats.rows * feats.cols;
  const simd = new Uint8Array(w);
  for (let k = 0; k < w; k++) simd[k] = c0 + k < grid.simdEndCol ? 1 : 0;
  // every value below is a float32 (dlib's arithmetic), so float32 storage holds it exactly
  const scratch = new Float32Array(dh * w);
  const saliency = new Float32Array(h * w);
  let first = true;
  let densePlane = -1;
  if (!filter.useSeparable) throw new Error('full (non-separable) fHOG filters are not implemented');
  for (const term of filter.separable) {
    if (term.plane >= FHOG_PLANES) throw new Error(`filter plane ${term.plane} out of range`);
    if (term.plane !== densePlane) {
      densePlane = term.plane;
      dense.fill(0);
      for (let i = 0; i < dh; i++) {
        const y = pr0 + i - grid.padTop - feats.y0;
        if (y < 0 || y >= feats.rows) continue;
        const from = term.plane * planeSize + y * feats.cols;
        for (let j = 0; j < dw; j++) {
          const x = pc0 + j - grid.padLeft - feats.x0;
          if (x >= 0 && x < feats.cols) dense[i * dw + j] = feats.data[from + x];
        }
      }
    }
    // row filter over every row the column filter reads, then the column filter
    for (let i = 0; i < dh; i++) {
      for (let k = 0; k < w; k++)
        scratch[i * w + k] = correlate(term.row, dense, i * dw + k, 1, simd[k] === 1);
    }
    for (let i = 0; i < h; i++) {
      for (let k = 0; k < w; k++) {
        const v = correlate(term.col, scratch, i * w + k, w, simd[k] === 1);
        saliency[i * w + k] = first ? v : f32(saliency[i * w + k] + v);
      }
    }
    first = false;
  }
  for (let i = 0; i < h * w; i++) scores[i] = saliency[i] - filter.threshold;
  return { rows: { start: r0, end: r1 }, cols: { start: c0, end: c1 }, scores };
}
