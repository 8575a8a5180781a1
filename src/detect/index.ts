// Detection: media → faces → scores → tracks → verdicts, with explanations.
export { attentionRollout } from './attentionRollout.js';
export {
  type Calibration,
  calibrationBeside,
  DEFAULT_THRESHOLD,
  parseCalibration,
  readCalibration,
  resolveThreshold,
  type ThresholdOptions,
} from './calibration.js';
export {
  aggregateScores,
  Detector,
  type DetectorOptions,
  MediaLimitError,
  type PathScanOptions,
  type ScanOptions,
  type ScanProgress,
  type VideoScanOptions,
} from './detector.js';
export { iou, linkTracks, type TrackOptions } from './faceTracks.js';
export { ReconstructionExplainer, type ReconstructionOptions } from './reconstructionMap.js';
export { scanCsv } from './scanCsv.js';
export { scanReportHtml, timelineSvg } from './scanReportHtml.js';
export type * from './scanResult.js';
export { ScoringModel, type ScoringModelOptions } from './scoringModel.js';
