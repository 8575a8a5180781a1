// The detector worker thread: loads one Detector from `workerData` and serves scan / export requests from the
// service's thread. Scans overlap here as they would in-process, so the detector's batcher still fills batches.
import { parentPort, workerData } from 'node:worker_threads';
import { Detector, MediaLimitError } from '../detect/index.js';
import { onnxMetadata } from '../detect/modelInfo.js';
import type {
  FromDetectorThread,
  ThreadDetectorOptions,
  ThreadError,
  ToDetectorThread,
} from './detectorThreadProtocol.js';

const port = parentPort!;
const post = (msg: FromDetectorThread, transfer: ArrayBuffer[] = []): void => port.postMessage(msg, transfer);
const errorOf = (err: unknown): ThreadError => ({
  name: err instanceof MediaLimitError ? 'MediaLimitError' : 'Error',
  message: err instanceof Error ? err.message : String(err),
});

try {
  const detector = await Detector.create(workerData as ThreadDetectorOptions);
  const running = new Map<number, AbortController>();
  port.on('message', (msg: ToDetectorThread) => {
    if (msg.type === 'abort') {
      running.get(msg.id)?.abort();
      return;
    }
    if (msg.type === 'export-onnx') {
      try {
        const onnx = detector.model.exportOnnx(onnxMetadata(detector.info));
        post({ type: 'exported', id: msg.id, onnx });
      } catch (err) {
        post({ type: 'error', id: msg.id, error: errorOf(err) });
      }
      return;
    }
    const controller = new AbortController();
    running.set(msg.id, controller);
    detector
      .scanFile(msg.path, { ...msg.opts, signal: controller.signal })
      .then(
        (item) => post({ type: 'scanned', id: msg.id, item }),
        (err: unknown) => post({ type: 'error', id: msg.id, error: errorOf(err) }),
      )
      .finally(() => running.delete(msg.id));
  });
  post({ type: 'ready', info: detector.info });
} catch (err) {
  post({ type: 'failed', error: errorOf(err) });
}
