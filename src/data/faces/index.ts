export type { Box, FaceDetection } from './faceDetection.js';
export { FaceDetector, type FaceDetectorOptions } from './faceDetector.js';
export { FaceDetectorThread } from './faceDetectorThread.js';
export { type FaceRuntime, loadFaceRuntime } from './faceRuntime.js';
export { type FaceModelLocations, faceModelLocations } from './packageLocations.js';
