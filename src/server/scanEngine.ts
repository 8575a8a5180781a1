// What the service needs from a detector: its facts, a file scan and the ONNX export. A `Detector` in this process
// satisfies it (tests, library use); `DetectorThread` runs the same detector in a worker thread so the HTTP event
// loop never waits on a model run (onnxruntime's `session.run` and the face detector block the thread they run on).
import type { Detector, ModelInfo, ScanItem, VideoScanOptions } from '../detect/index.js';
import { onnxMetadata } from '../detect/modelInfo.js';

export interface ScanEngine {
  readonly info: ModelInfo;
  scanFile(path: string, opts: VideoScanOptions): Promise<ScanItem>;
  /** the detector as a standalone ONNX model for onnxruntime-web (batch 1) */
  exportOnnx(): Promise<Uint8Array>;
}

/** A detector that scores in the calling thread (simple, but each model run blocks that thread's event loop). */
export function inProcessEngine(detector: Detector): ScanEngine {
  return {
    get info() {
      return detector.info;
    },
    scanFile: (path, opts) => detector.scanFile(path, opts),
    exportOnnx: async () => detector.model.exportOnnx(onnxMetadata(detector.info)),
  };
}
