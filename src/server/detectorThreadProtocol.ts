// Messages between the service and its detector worker thread (structured-clone data only: no functions, no
// AbortSignals; an abort travels as its own message).
import type { DetectorOptions, ModelInfo, ScanItem, VideoScanOptions } from '../detect/index.js';

/** Detector options that can cross a thread boundary (progress callbacks cannot). */
export type ThreadDetectorOptions = Omit<DetectorOptions, 'onProgress'>;

export type ThreadScanOptions = Omit<VideoScanOptions, 'signal'>;

export type ToDetectorThread =
  | { type: 'scan'; id: number; path: string; opts: ThreadScanOptions }
  | { type: 'abort'; id: number }
  | { type: 'export-onnx'; id: number };

export interface ThreadError {
  /** `MediaLimitError` is re-created as such on the service side; anything else becomes an Error */
  name: string;
  message: string;
}

export type FromDetectorThread =
  | { type: 'ready'; info: ModelInfo }
  | { type: 'failed'; error: ThreadError }
  | { type: 'scanned'; id: number; item: ScanItem }
  | { type: 'exported'; id: number; onnx: Uint8Array }
  | { type: 'error'; id: number; error: ThreadError };
