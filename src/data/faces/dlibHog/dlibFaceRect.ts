import type { RgbImage } from '../../image/rgbImage.js';
import {
  type DlibRect,
  levelRectToUpsampled,
  pyramid2,
  pyramid6PointDown,
  rectIou,
  upsampledRectToOriginal,
  windowRectOnLevel,
} from './dlibGeometry.js';
import { type FhogBlock, fhogFeatures, fhogGrid, fhogPixelSpans } from './fhogFeatures.js';
import { featureSpansFor, filterScores, saliencyGrid } from './filterScores.js';
import { type FrontalFaceModel, frontalFaceModel } from './frontalFaceModel.js';
import { type LevelRequest, LocalPyramid } from './localPyramid.js';
import type { Span } from './pixelRegion.js';

export interface DlibFaceRectOptions {
  /** pyramid levels scanned on each side of the one whose window size best matches the guess (default 1: the
   * guess may be off by ±30% in size) */
  levelRadius?: number;
  /** feature cells (8 px of the level) scanned on each side of the guess's centre, per level (default 2: the
   * guess may be off by ±15% of its side; further off, the scan widens) */
  cellRadius?: number;
  /** windows scoring below this are not faces; dlib's Python `detector(img, 1)` uses 0 (the default) */
  minScore?: number;
  /** a window must overlap the guess by more than this IoU to be this face's (default 0.3) */
  minIou?: number;
  /** how many times the scan may widen when its best window lies on the edge of the scanned range (default 2) */
  maxWiden?: number;
}

export interface DlibFaceRectResult {
  /** on the original image, as dlib.rectangle gives it: right and bottom inclusive */
  rect: DlibRect;
  /** dlib's detection_confidence: filter response minus the filter's threshold */
  score: number;
  /** pyramid level of the 2× upsampled image (0 = the upsampled image itself) */
  level: number;
  /** which of the detector's weight vectors fired */
  detector: number;
}

/**
 * dlib's HOG frontal face detector, as Python's `dlib.get_frontal_face_detector()(rgb, 1)` runs it, evaluated
 * only around a guess: the pyramid (2× pyramid_up, then pyramid_down<6> levels), fHOG features and filter
 * scores are computed bit-identically to dlib, but only on the levels and positions near the guess. For one
 * image, reuse the scanner across faces (it caches the pyramid's sampling plans).
 */
export class DlibFaceScanner {
  private readonly model: FrontalFaceModel = frontalFaceModel();
  private readonly pyramid: LocalPyramid;

  constructor(image: RgbImage) {
    this.pyramid = new LocalPyramid(
      image,
      this.model.minPyramidLayerWidth,
      this.model.minPyramidLayerHeight,
      this.model.maxPyramidLevels,
    );
  }

  /**
   * The best-scoring dlib window overlapping the guess (what dlib would report for this face), or null. Scans
   * the levels and positions around the guess; when the best window lies on the edge of what was scanned (the
   * guess was further off than the radii assume), scans again with the range widened on that side.
   */
  faceRect(guess: DlibRect, options: DlibFaceRectOptions = {}): DlibFaceRectResult | null {
    const { levelRadius = 1, cellRadius = 2, minScore = 0, minIou = 0.3, maxWiden = 2 } = options;
    // the guess on the upsampled image dlib scans
    const up = {
      left: pyramid2.upX(guess.left),
      right: pyramid2.upX(guess.right),
      top: pyramid2.upY(guess.top),
      bottom: pyramid2.upY(guess.bottom),
    };
    const side = Math.sqrt(Math.max(1, up.right - up.left) * Math.max(1, up.bottom - up.top));
    const bestLevel = Math.round(Math.log(side / this.window.side) / Math.log(1.2));
    const last = this.pyramid.levelCount - 1;
    let range: ScanRange = {
      lowLevel: Math.min(last, Math.max(0, bestLevel - levelRadius)),
      highLevel: Math.max(0, Math.min(last, bestLevel + levelRadius)),
      cellRadius,
    };
    if (last < 0) return null;
    let found: ScanBest | null = null;
    let scanned: ScanRange | null = null;
    for (let round = 0; ; round++) {
      // Widening only in level scans just the new levels; widening in position rescans them all.
      const levels: number[] = [];
      for (let level = range.lowLevel; level <= range.highLevel; level++) {
        const done =
          scanned !== null &&
          scanned.cellRadius === range.cellRadius &&
          level >= scanned.lowLevel &&
          level <= scanned.highLevel;
        if (!done) levels.push(level);
      }
      const candidate = this.scan(guess, up, levels, range.cellRadius, minIou);
      if (candidate && (!found || candidate.result.score > found.result.score)) found = candidate;
      scanned = range;
      // the best window whatever its score steers the widening; the threshold applies to the final answer
      const answer = found && found.result.score >= minScore ? found.result : null;
      if (!found || round >= maxWiden) return answer;
      const widened: ScanRange = {
        lowLevel: found.result.level === range.lowLevel ? Math.max(0, range.lowLevel - 1) : range.lowLevel,
        highLevel:
          found.result.level === range.highLevel ? Math.min(last, range.highLevel + 1) : range.highLevel,
        cellRadius: found.onPositionEdge ? range.cellRadius + 2 : range.cellRadius,
      };
      if (
        widened.lowLevel === range.lowLevel &&
        widened.highLevel === range.highLevel &&
        widened.cellRadius === range.cellRadius
      ) {
        return answer;
      }
      range = widened;
    }
  }

  /** The window geometry: its side in level pixels and its centre relative to its saliency position. */
  private get window(): { side: number; centreX: number; centreY: number } {
    const m = this.model;
    // a window at positive coordinates (fhog_to_image shifts negative ones by a cell)
    const anchor = 4 * m.windowCells.width;
    const w = windowRectOnLevel(anchor, anchor, m.windowCells, m.cellSize, m.fhogPadding);
    return {
      side: w.right - w.left,
      centreX: (w.left + w.right) / 2 - anchor * m.cellSize,
      centreY: (w.top + w.bottom) / 2 - anchor * m.cellSize,
    };
  }

  /** The best window overlapping the guess on the given levels, within cellRadius of the guess's centre. */
  private scan(
    guess: DlibRect,
    up: DlibRect,
    levels: readonly number[],
    cellRadius: number,
    minIou: number,
  ): ScanBest | null {
    if (levels.length === 0) return null;
    const m = this.model;
    const { centreX, centreY } = this.window;
    // saliency positions (padded feature coordinates) to score on each level, and the pixels they need
    const filterShape = { rows: m.filters[0].rows, cols: m.filters[0].cols };
    if (m.filters.some((f) => f.rows !== filterShape.rows || f.cols !== filterShape.cols)) {
      throw new Error('the detector weight vectors have different window sizes');
    }
    const plans = levels.map((level) => {
      const size = this.pyramid.sizes[level];
      const grid = fhogGrid(size.width, size.height, m.cellSize);
      const sal = saliencyGrid(grid.hogRows, grid.hogCols, m.fhogPadding, filterShape);
      const col = Math.round((pyramid6PointDown((up.left + up.right) / 2, level) - centreX) / m.cellSize);
      const row = Math.round((pyramid6PointDown((up.top + up.bottom) / 2, level) - centreY) / m.cellSize);
      const rows: Span = { start: row - cellRadius, end: row + cellRadius + 1 };
      const cols: Span = { start: col - cellRadius, end: col + cellRadius + 1 };
      const feat = featureSpansFor(sal, filterShape, rows, cols);
      const pixels = fhogPixelSpans(grid, feat.rows, feat.cols);
      const request: LevelRequest = { level, rows: pixels.rows, cols: pixels.cols };
      return { level, grid, sal, rows, cols, feat, request };
    });
    const regions = this.pyramid.regions(plans.map((p) => p.request));

    let best: ScanBest | null = null;
    for (const p of plans) {
      const region = regions.get(p.level);
      if (!region || p.grid.hogRows === 0 || p.grid.hogCols === 0) continue;
      const feats: FhogBlock = fhogFeatures(region, p.grid, p.feat.rows, p.feat.cols);
      for (let detector = 0; detector < m.filters.length; detector++) {
        const s = filterScores(m.filters[detector], feats, p.sal, p.rows, p.cols);
        const w = s.cols.end - s.cols.start;
        for (let r = s.rows.start; r < s.rows.end; r++) {
          for (let c = s.cols.start; c < s.cols.end; c++) {
            const score = s.scores[(r - s.rows.start) * w + (c - s.cols.start)];
            if (best && score <= best.result.score) continue;
            const onLevel = windowRectOnLevel(r, c, m.windowCells, m.cellSize, m.fhogPadding);
            const rect = upsampledRectToOriginal(levelRectToUpsampled(onLevel, p.level));
            if (rectIou(rect, guess) <= minIou) continue;
            best = {
              result: { rect, score, level: p.level, detector },
              onPositionEdge:
                r === p.rows.start || r === p.rows.end - 1 || c === p.cols.start || c === p.cols.end - 1,
            };
          }
        }
      }
    }
    return best;
  }
}

interface ScanBest {
  result: DlibFaceRectResult;
  /** on the border of the scanned positions: a better window may lie just outside */
  onPositionEdge: boolean;
}

interface ScanRange {
  lowLevel: number;
  highLevel: number;
  cellRadius: number;
}

/** One face: `new DlibFaceScanner(img).faceRect(guess, options)`. */
export function dlibFaceRect(
  img: RgbImage,
  guess: DlibRect,
  options?: DlibFaceRectOptions,
): DlibFaceRectResult | null {
  return new DlibFaceScanner(img).faceRect(guess, options);
}
