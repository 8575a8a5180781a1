// The one place a detection becomes dlib's face rectangle, for every recipe and every command.
import type { FaceDetection } from '../faces/faceDetection.js';
import type { RgbImage } from '../image/rgbImage.js';
import type { DlibRect } from './dlibRect.js';
import { dlibRectFromMesh } from './dlibRectFromMesh.js';
import { requireMesh } from './meshPoints.js';

/** dlib's rectangle for this face: where the official preparation's HOG detector puts it. */
export function faceRect(_img: RgbImage, face: FaceDetection): DlibRect {
  return dlibRectFromMesh(requireMesh('the dlib face box', face));
}
