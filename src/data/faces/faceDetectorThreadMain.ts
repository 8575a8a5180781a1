// The face detection worker thread: one FaceDetector built from `workerData`, answering detect requests in the
// order they arrive (the Human engine runs one call at a time anyway).
import { parentPort, workerData } from 'node:worker_threads';
import { createRgbImage } from '../image/rgbImage.js';
import { FaceDetector, type FaceDetectorOptions } from './faceDetector.js';
import type { FromFaceThread, ToFaceThread } from './faceDetectorThread.js';

const port = parentPort!;
const post = (msg: FromFaceThread): void => port.postMessage(msg);
const text = (err: unknown): string => (err instanceof Error ? err.message : String(err));

try {
  const detector = await FaceDetector.create(workerData as FaceDetectorOptions);
  port.on('message', (msg: ToFaceThread) => {
    Promise.resolve()
      .then(() => detector.detect(createRgbImage(msg.width, msg.height, msg.data)))
      .then(
        (faces) => post({ type: 'faces', id: msg.id, faces }),
        (err: unknown) => post({ type: 'error', id: msg.id, message: text(err) }),
      );
  });
  post({ type: 'ready' });
} catch (err) {
  post({ type: 'failed', message: text(err) });
}
