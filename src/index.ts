// fsvfm's public API: scanning (images, videos, folders), the HTTP service, and the model/engine entry points a
// program needs to load, run and export FS-VFM detectors.

// Each crop export named again (data/crops/index.ts lists them too): the public API is exactly what is listed here.
export {
  type CropBox,
  type CropRecipe,
  cropRecipe,
  DEFAULT_RECIPE,
  FAS_RECIPE,
  type FaceCrop,
  faceRect,
} from './data/crops/index.js';
export { FaceDetector } from './data/faces/index.js';
export { decodeImage } from './data/media/index.js';
export {
  aggregateScores,
  attentionRollout,
  type Calibration,
  DEFAULT_THRESHOLD,
  Detector,
  type DetectorOptions,
  type FaceBox,
  type FaceResult,
  type FrameResult,
  iou,
  linkTracks,
  MediaLimitError,
  type MediaType,
  type ModelInfo,
  type PathScanOptions,
  parseCalibration,
  ReconstructionExplainer,
  readCalibration,
  type ScanItem,
  type ScanOptions,
  type ScanProgress,
  type ScanReport,
  type ScanStatus,
  ScoringModel,
  scanCsv,
  scanReportHtml,
  type TrackResult,
  type Verdict,
  type VideoMeta,
  type VideoScanOptions,
} from './detect/index.js';
export { type NormStats, normStatsForCheckpoint } from './io/normStats.js';
export { type DetectorSpec, detectorSpec, detectorWeights, traceDetector } from './models/detectorGraph.js';
export { DETECTOR_KINDS, type DetectorKind, isFasKind } from './models/detectorKind.js';
export { type DetectorLoadOptions, type LoadedDetector, loadDetector } from './models/detectorLoader.js';
export { DetectorRunner } from './models/detectorRunner.js';
export { exportDetectorOnnx } from './models/exportOnnx.js';
export { loadStateDict } from './models/loadStateDict.js';
export { createScanServer, HttpError, type ScanServer, type ScanServerOptions } from './server/index.js';
