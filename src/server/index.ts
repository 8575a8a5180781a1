export { DetectorThread } from './detectorThread.js';
export type { ThreadDetectorOptions } from './detectorThreadProtocol.js';
export { HttpError } from './httpErrors.js';
export { queuedScanFile, type ScanFileFn } from './queuedScan.js';
export { inProcessEngine, type ScanEngine } from './scanEngine.js';
export { createScanServer, type ScanServer, type ScanServerOptions } from './scanServer.js';
