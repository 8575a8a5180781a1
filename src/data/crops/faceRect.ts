// The one place a detection becomes dlib's face rectangle, for every recipe and every command.
//   1. the face mesh gives an estimate of the rectangle (dlibRectFromMesh.ts, fitted against real dlib);
//   2. dlib's own HOG detector, re-implemented bit for bit, is evaluated around that estimate and returns the window
//      real dlib reports for this face (faces/dlibHog). Where dlib would not find the face (score below its
//      threshold: profiles, small or blurred faces) the estimate stands.
import { DlibFaceScanner } from '../faces/dlibHog/index.js';
import type { FaceDetection } from '../faces/faceDetection.js';
import type { RgbImage } from '../image/rgbImage.js';
import type { DlibRect } from './dlibRect.js';
import { dlibRectFromMesh } from './dlibRectFromMesh.js';
import { requireMesh } from './meshPoints.js';

export interface FaceRect {
  rect: DlibRect;
  /** 'dlib': the window dlib's detector reports; 'mesh': the mesh estimate (dlib would miss this face) */
  source: 'dlib' | 'mesh';
}

// one scanner per image: it caches the pyramid, which every face of the image shares
const scanners = new WeakMap<RgbImage, DlibFaceScanner>();
// windows already placed for a detection (by the face detection thread, which ran this same code on the same pixels)
const placed = new WeakMap<FaceDetection, FaceRect>();

/**
 * Records `rect` as what `locateFaceRect(img, face)` returns for this detection object, because it was computed
 * elsewhere (another thread) on the same pixels; the window is then not searched again.
 */
export function rememberFaceRect(face: FaceDetection, rect: FaceRect): void {
  placed.set(face, rect);
}

/** dlib's rectangle for this face, and whether dlib's detector or the mesh estimate placed it. */
export function locateFaceRect(img: RgbImage, face: FaceDetection): FaceRect {
  const known = placed.get(face);
  if (known) return known;
  const guess = dlibRectFromMesh(requireMesh('the dlib face box', face));
  let scanner = scanners.get(img);
  if (!scanner) {
    scanner = new DlibFaceScanner(img);
    scanners.set(img, scanner);
  }
  const found = scanner.faceRect(guess);
  return found ? { rect: found.rect, source: 'dlib' } : { rect: guess, source: 'mesh' };
}

/** dlib's rectangle for this face: where the official preparation's HOG detector puts it. */
export function faceRect(img: RgbImage, face: FaceDetection): DlibRect {
  return locateFaceRect(img, face).rect;
}
