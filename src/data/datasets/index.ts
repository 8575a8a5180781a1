export {
  type BuildFaceDatasetOptions,
  buildFaceDataset,
  DatasetConfigError,
  encodePng,
} from './buildFaceDataset.js';
export {
  type DoctorIssue,
  type DoctorReport,
  doctorDataset,
  formatDoctorReport,
  videoIdOf,
} from './doctorDataset.js';
export { CACHE_DIR } from './faceDatasetCache.js';
export { type FaceDatasetFromMediaOptions, faceDatasetFromMedia } from './faceDatasetFromMedia.js';
export type { DatasetLayout, FaceDatasetManifest, ManifestEntry } from './faceDatasetManifest.js';
export type { FaceDetectorLike, FaceParserLike } from './faceTools.js';
export { byCodePoint, type InputFile, listInputFiles } from './listInputFiles.js';
