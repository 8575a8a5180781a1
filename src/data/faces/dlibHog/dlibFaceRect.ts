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
  /** feature cells (8 px of the level) scanned on each side of the guess's centre, per level (default 3) */
  cellRadius?: number;
  /** windows scoring below this are not faces; dlib's Python `detector(img, 1)` uses 0 (the default) */
  minScore?: number;
  /** a window must overlap the guess by more than this IoU to be this face's (default 0.3) */
  minIou?: number;
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

  constructor(private readonly image: RgbImage) {
    this.pyramid = new LocalPyramid(
      image,
      this.model.minPyramidLayerWidth,
      this.model.minPyramidLayerHeight,
      this.model.maxPyramidLevels,
    );
  }

  /** The best-scoring dlib window overlapping the guess (what dlib would report for this face), or null. */
  faceRect(guess: DlibRect, options: DlibFaceRectOptions = {}): DlibFaceRectResult | null {
    const { levelRadius = 1, cellRadius = 3, minScore = 0, minIou = 0.3 } = options;
    const m = this.model;
    // the guess on the upsampled image dlib scans
    const up = {
      left: pyramid2.upX(guess.left),
      right: pyramid2.upX(guess.right),
      top: pyramid2.upY(guess.top),
      bottom: pyramid2.upY(guess.bottom),
    };
    const side = Math.sqrt(Math.max(1, up.right - up.left) * Math.max(1, up.bottom - up.top));
    const window0 = windowRectOnLevel(0, 0, m.windowCells, m.cellSize, m.fhogPadding);
    const windowSide = window0.right - window0.left;
    const bestLevel = Math.round(Math.log(side / windowSide) / Math.log(1.2));
    const levels: number[] = [];
    for (let l = bestLevel - levelRadius; l <= bestLevel + levelRadius; l++) {
      if (l >= 0 && l < this.pyramid.levelCount) levels.push(l);
    }
    if (levels.length === 0) return null;

    // saliency positions (padded feature coordinates) to score on each level, and the pixels they need
    const filterShape = { rows: m.filters[0].rows, cols: m.filters[0].cols };
    if (m.filters.some((f) => f.rows !== filterShape.rows || f.cols !== filterShape.cols)) {
      throw new Error('the detector weight vectors have different window sizes');
    }
    const plans = levels.map((level) => {
      const size = this.pyramid.sizes[level];
      const grid = fhogGrid(size.width, size.height, m.cellSize);
      const sal = saliencyGrid(grid.hogRows, grid.hogCols, m.fhogPadding, filterShape);
      const cx = pyramid6PointDown((up.left + up.right) / 2, level);
      const cy = pyramid6PointDown((up.top + up.bottom) / 2, level);
      const col = Math.round((cx - (window0.left + window0.right) / 2) / m.cellSize);
      const row = Math.round((cy - (window0.top + window0.bottom) / 2) / m.cellSize);
      const rows: Span = { start: row - cellRadius, end: row + cellRadius + 1 };
      const cols: Span = { start: col - cellRadius, end: col + cellRadius + 1 };
      const feat = featureSpansFor(sal, filterShape, rows, cols);
      const pixels = fhogPixelSpans(grid, feat.rows, feat.cols);
      const request: LevelRequest = { level, rows: pixels.rows, cols: pixels.cols };
      return { level, grid, sal, rows, cols, feat, request };
    });
    const regions = this.pyramid.regions(plans.map((p) => p.request));

    let best: DlibFaceRectResult | null = null;
    for (const p of plans) {
      const region = regions.get(p.level);
      if (!region || p.grid.hogRows === 0 || p.grid.hogCols === 0) continue;
      const feats: FhogBlock = fhogFeatures(region, p.grid, p.feat.rows, p.feat.cols);
      m.filters.forEach((filter, detector) => {
        const s = filterScores(filter, feats, p.sal, p.rows, p.cols);
        const w = s.cols.end - s.cols.start;
        for (let r = s.rows.start; r < s.rows.end; r++) {
          for (let c = s.cols.start; c < s.cols.end; c++) {
            const score = s.scores[(r - s.rows.start) * w + (c - s.cols.start)];
            if (score < minScore || (best && score <= best.score)) continue;
            const onLevel = windowRectOnLevel(r, c, m.windowCells, m.cellSize, m.fhogPadding);
            const rect = upsampledRectToOriginal(levelRectToUpsampled(onLevel, p.level));
            if (rectIou(rect, guess) <= minIou) continue;
            best = { rect, score, level: p.level, detector };
          }
        }
      });
    }
    return best;
  }
}

/** One face: `new DlibFaceScanner(img).faceRect(guess, options)`. */
export function dlibFaceRect(
  img: RgbImage,
  guess: DlibRect,
  options?: DlibFaceRectOptions,
): DlibFaceRectResult | null {
  return new DlibFaceScanner(img).faceRect(guess, options);
}
