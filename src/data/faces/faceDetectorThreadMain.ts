// The face detection worker thread: one FaceDetector built from `workerData`, answering detect requests in the
// order they arrive (the Human engine runs one call at a time anyway).
import { parentPort, workerData } from 'node:worker_threads';
import { type FaceRect, locateFaceRect } from '../crops/faceRect.js';
import { createRgbImage, type RgbImage } from '../image/rgbImage.js';
import type { FaceDetection } from './faceDetection.js';
import { FaceDetector, type FaceDetectorOptions } from './faceDetector.js';
import type { FromFaceThread, ToFaceThread } from './faceDetectorThread.js';

const port = parentPort!;
const post = (msg: FromFaceThread): void => port.postMessage(msg);
const text = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Each face's dlib window; null where placing it throws (the caller's own call then reports why). */
function dlibRects(img: RgbImage, faces: FaceDetection[]): (FaceRect | null)[] {
  return faces.map((face) => {
    try {
      return locateFaceRect(img, face);
    } catch {
      return null;
    }
  });
}

try {
  const detector = await FaceDetector.create(workerData as FaceDetectorOptions);
  port.on('message', (msg: ToFaceThread) => {
    const img = createRgbImage(msg.width, msg.height, msg.data);
    Promise.resolve()
      .then(() => detector.detect(img))
      .then(
        (faces) =>
          post({ type: 'faces', id: msg.id, faces, rects: msg.dlibRects ? dlibRects(img, faces) : [] }),
        (err: unknown) => post({ type: 'error', id: msg.id, message: text(err) }),
      );
  });
  post({ type: 'ready' });
} catch (err) {
  post({ type: 'failed', message: text(err) });
}
