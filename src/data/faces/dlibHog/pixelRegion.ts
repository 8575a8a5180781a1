/**
 * A rectangular part of a (possibly never fully materialised) RGB image: pixel (x, y) of the whole image is
 * `data[((y - y0) * width + (x - x0)) * 3 + channel]`. The dlib HOG re-implementation computes every pyramid
 * level only where a face guess needs it, so levels exist as regions of their full, virtual size.
 */
export interface PixelRegion {
  /** size of the whole image this region is part of */
  fullWidth: number;
  fullHeight: number;
  /** the region: columns x0 .. x0+width-1, rows y0 .. y0+height-1 */
  x0: number;
  y0: number;
  width: number;
  height: number;
  data: Uint8Array;
}

/** Half-open index range [start, end). */
export interface Span {
  start: number;
  end: number;
}

export function clampSpan(span: Span, size: number): Span {
  return { start: Math.max(0, span.start), end: Math.min(size, span.end) };
}
