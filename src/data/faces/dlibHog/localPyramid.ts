import type { RgbImage } from '../../image/rgbImage.js';
import { BilinearResizePlan, type ResizeStep, resizeChain } from './bilinearResizeRgb.js';
import { pyramid6DownSize, pyramid6PointDown, roundHalfUp, upsampledSize } from './dlibGeometry.js';
import { clampSpan, type PixelRegion, type Span } from './pixelRegion.js';

export interface LevelRequest {
  level: number;
  rows: Span;
  cols: Span;
}

/**
 * The image pyramid dlib's frontal face detector scans when called as Python's `detector(img, 1)`: level 0 is
 * `pyramid_up(img, pyramid_down<2>)` (the 2× bilinear upsampling), each further level is `pyramid_down<6>` of
 * the previous one (scan_fhog_pyramid.h, create_fhog_pyramid). Levels are virtual: only requested regions are
 * resampled, with each level's global sampling grid, so a region's pixels equal the full pyramid's.
 */
export class LocalPyramid {
  readonly sizes: { width: number; height: number }[] = [];
  private readonly plans: BilinearResizePlan[] = [];

  constructor(
    private readonly image: RgbImage,
    minLayerWidth: number,
    minLayerHeight: number,
    maxLevels: number,
  ) {
    const up = upsampledSize(image.width, image.height);
    // create_fhog_pyramid's level count: shrink the image rectangle with rect_down until a side is below the
    // minimum layer size.
    let levels = 0;
    let right = up.width - 1;
    let bottom = up.height - 1;
    let left = 0;
    let top = 0;
    do {
      left = roundHalfUp(pyramid6PointDown(left, 1));
      top = roundHalfUp(pyramid6PointDown(top, 1));
      right = roundHalfUp(pyramid6PointDown(right, 1));
      bottom = roundHalfUp(pyramid6PointDown(bottom, 1));
      levels++;
    } while (right - left + 1 >= minLayerWidth && bottom - top + 1 >= minLayerHeight && levels < maxLevels);
    let size = up;
    for (let l = 0; l < levels; l++) {
      this.sizes.push(size);
      size = { width: pyramid6DownSize(size.width), height: pyramid6DownSize(size.height) };
    }
  }

  get levelCount(): number {
    return this.sizes.length;
  }

  private plan(level: number): BilinearResizePlan {
    let plan = this.plans[level];
    if (!plan) {
      const input =
        level === 0 ? { width: this.image.width, height: this.image.height } : this.sizes[level - 1];
      const output = this.sizes[level];
      plan = new BilinearResizePlan(input.width, input.height, output.width, output.height);
      this.plans[level] = plan;
    }
    return plan;
  }

  /** The requested levels' regions (clamped to each level), computing every lower level only where they need it. */
  regions(requests: readonly LevelRequest[]): Map<number, PixelRegion> {
    const top = Math.max(...requests.map((r) => r.level));
    const need: ({ rows: Span; cols: Span } | undefined)[] = new Array(top + 1);
    const merge = (level: number, rows: Span, cols: Span) => {
      const size = this.sizes[level];
      const r = clampSpan(rows, size.height);
      const c = clampSpan(cols, size.width);
      if (r.end <= r.start || c.end <= c.start) return;
      const cur = need[level];
      need[level] = cur
        ? {
            rows: { start: Math.min(cur.rows.start, r.start), end: Math.max(cur.rows.end, r.end) },
            cols: { start: Math.min(cur.cols.start, c.start), end: Math.max(cur.cols.end, c.end) },
          }
        : { rows: r, cols: c };
    };
    for (const r of requests) merge(r.level, r.rows, r.cols);
    for (let l = top; l > 0; l--) {
      const n = need[l];
      if (!n) continue;
      const input = this.plan(l).inputSpans(n.rows, n.cols);
      merge(l - 1, input.rows, input.cols);
    }
    // levels 0 .. the last one needed, each resampled from the one before
    const steps: ResizeStep[] = [];
    for (let l = 0; l <= top; l++) {
      const n = need[l];
      if (!n) break;
      steps.push({
        plan: this.plan(l),
        rows: n.rows,
        cols: n.cols,
        keep: requests.some((r) => r.level === l),
      });
    }
    const image: PixelRegion = {
      fullWidth: this.image.width,
      fullHeight: this.image.height,
      x0: 0,
      y0: 0,
      width: this.image.width,
      height: this.image.height,
      data: this.image.data,
    };
    const out = new Map<number, PixelRegion>();
    resizeChain(image, steps).forEach((region, l) => {
      if (region) out.set(l, region);
    });
    return out;
  }
}
