// The official FSFM/FS-VFM face box rule (SPEC §6.1, dlib path, align=False), in integer arithmetic.
import type { DlibRect } from './dlibRect.js';

export interface SquareRegion {
  x: number;
  y: number;
  /** side length in pixels; the official rule may clip it below the requested square */
  size: number;
}

/**
 * From dlib's rectangle (x1, y1, x2, y2) = (left, top, right, bottom): size = int(max(x2−x1, y2−y1) · scale);
 * centre ((x1+x2)//2, (y1+y2)//2); top-left clamped at 0; size = min(size, W − x, H − y).
 */
export function dlibSquareRegion(
  rect: DlibRect,
  imageWidth: number,
  imageHeight: number,
  scaleFactor = 1.3,
): SquareRegion {
  const { left: x1, top: y1, right: x2, bottom: y2 } = rect;
  let size = Math.trunc(Math.max(x2 - x1, y2 - y1) * scaleFactor);
  const cx = Math.floor((x1 + x2) / 2);
  const cy = Math.floor((y1 + y2) / 2);
  const half = Math.floor(size / 2);
  const x = Math.max(cx - half, 0);
  const y = Math.max(cy - half, 0);
  size = Math.min(size, imageWidth - x, imageHeight - y);
  return { x, y, size };
}

/** Intersection over union of two square regions. */
export function squareIoU(a: SquareRegion, b: SquareRegion): number {
  const w = Math.max(0, Math.min(a.x + a.size, b.x + b.size) - Math.max(a.x, b.x));
  const h = Math.max(0, Math.min(a.y + a.size, b.y + b.size) - Math.max(a.y, b.y));
  const inter = w * h;
  const union = a.size * a.size + b.size * b.size - inter;
  return union > 0 ? inter / union : 0;
}
