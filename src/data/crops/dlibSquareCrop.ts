// The official FSFM/FS-VFM face box rule (SPEC §6.1, dlib path, align=False), in integer arithmetic.
import type { Box } from '../faces/faceDetection.js';

export interface SquareRegion {
  x: number;
  y: number;
  /** side length in pixels; the official rule may clip it below the requested square */
  size: number;
}

/**
 * size = int(max(x2−x1, y2−y1) · scale); centre ((x1+x2)//2, (y1+y2)//2); top-left clamped at 0;
 * size = min(size, W − x, H − y). The detector box is first rounded to the integer rectangle dlib returns.
 */
export function dlibSquareRegion(
  box: Box,
  imageWidth: number,
  imageHeight: number,
  scaleFactor = 1.3,
): SquareRegion {
  const x1 = Math.round(box.x);
  const y1 = Math.round(box.y);
  const x2 = Math.round(box.x + box.width);
  const y2 = Math.round(box.y + box.height);
  let size = Math.trunc(Math.max(x2 - x1, y2 - y1) * scaleFactor);
  const cx = Math.floor((x1 + x2) / 2);
  const cy = Math.floor((y1 + y2) / 2);
  const half = Math.floor(size / 2);
  const x = Math.max(cx - half, 0);
  const y = Math.max(cy - half, 0);
  size = Math.min(size, imageWidth - x, imageHeight - y);
  return { x, y, size };
}
