/** An integer rectangle as dlib's `rectangle` holds it: right and bottom inclusive. */
export interface DlibRect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** dlib's drectangle → rectangle conversion (geometry/drectangle.h): each side rounded half up. */
export function roundHalfUp(v: number): number {
  return Math.floor(v + 0.5);
}

/** `pyramid_down<6>::point_up` applied `levels` times (image_transforms/image_pyramid.h). */
export function pyramid6PointUp(v: number, levels: number): number {
  let out = v;
  for (let i = 0; i < levels; i++) out = out * 1.2 + 0.3;
  return out;
}

/** `pyramid_down<6>::point_down` applied `levels` times. */
export function pyramid6PointDown(v: number, levels: number): number {
  let out = v;
  for (let i = 0; i < levels; i++) out = (out - 0.3) * (5 / 6);
  return out;
}

/** `pyramid_down<6>::operator()`'s output size: ((N-1)*n)/N in integer arithmetic. */
export function pyramid6DownSize(n: number): number {
  return Math.floor((5 * n) / 6);
}

/**
 * `pyramid_down<2>` (pyramid_down_2_1) point mapping: what dlib's Python binding uses to bring detections on the
 * 2× upsampled image back to the original (`rect_down`), and what sizes the upsampled image (`rect_up`).
 */
export const pyramid2 = {
  downX: (x: number) => x / 2 - 1.25,
  downY: (y: number) => y / 2 - 0.75,
  upX: (x: number) => (x + 1.25) * 2,
  upY: (y: number) => (y + 0.75) * 2,
};

/** Size of `pyramid_up(img, out, pyramid_down<2>)`: rect_up of the image rectangle, converted to integers. */
export function upsampledSize(width: number, height: number): { width: number; height: number } {
  return {
    width: roundHalfUp(pyramid2.upX(width - 1)) + 1,
    height: roundHalfUp(pyramid2.upY(height - 1)) + 1,
  };
}

/** `fhog_to_image(point)` (image_transforms/fhog.h): a feature cell to the pixel at its centre. */
function fhogToImage(p: number, cellSize: number, padding: number): number {
  const q = (p + 1 - Math.trunc((padding - 1) / 2)) * cellSize + 1;
  return q >= 0 ? q + Math.trunc(cellSize / 2) : q - Math.trunc(cellSize / 2);
}

/**
 * The rectangle, in pixels of its pyramid level, of the detection window whose saliency peak is at padded
 * feature position (row, col): `fe.feats_to_image(centered_rect(point(c, r), w, h), ...)` in
 * detect_from_fhog_pyramid (scan_fhog_pyramid.h).
 */
export function windowRectOnLevel(
  row: number,
  col: number,
  windowCells: { width: number; height: number },
  cellSize: number,
  fhogPadding: { rows: number; cols: number },
): DlibRect {
  const left = col - Math.trunc(windowCells.width / 2);
  const top = row - Math.trunc(windowCells.height / 2);
  return {
    left: fhogToImage(left, cellSize, fhogPadding.cols),
    top: fhogToImage(top, cellSize, fhogPadding.rows),
    right: fhogToImage(left + windowCells.width - 1, cellSize, fhogPadding.cols),
    bottom: fhogToImage(top + windowCells.height - 1, cellSize, fhogPadding.rows),
  };
}

/** A level's rectangle on the 2× upsampled image: `pyramid_down<6>::rect_up(rect, level)`, rounded. */
export function levelRectToUpsampled(r: DlibRect, level: number): DlibRect {
  const up = (v: number) => roundHalfUp(pyramid6PointUp(v, level));
  return { left: up(r.left), top: up(r.top), right: up(r.right), bottom: up(r.bottom) };
}

/** A rectangle of the 2× upsampled image back on the original: `pyramid_down<2>::rect_down`, rounded. */
export function upsampledRectToOriginal(r: DlibRect): DlibRect {
  return {
    left: roundHalfUp(pyramid2.downX(r.left)),
    top: roundHalfUp(pyramid2.downY(r.top)),
    right: roundHalfUp(pyramid2.downX(r.right)),
    bottom: roundHalfUp(pyramid2.downY(r.bottom)),
  };
}

export function rectArea(r: DlibRect): number {
  return Math.max(0, r.right - r.left + 1) * Math.max(0, r.bottom - r.top + 1);
}

/** Intersection over union with dlib's inclusive pixel counting. */
export function rectIou(a: DlibRect, b: DlibRect): number {
  const inter = rectArea({
    left: Math.max(a.left, b.left),
    top: Math.max(a.top, b.top),
    right: Math.min(a.right, b.right),
    bottom: Math.min(a.bottom, b.bottom),
  });
  const union = rectArea(a) + rectArea(b) - inter;
  return union > 0 ? inter / union : 0;
}
