export { HttpError } from './httpErrors.js';
export { queuedScanFile, type ScanFileFn } from './queuedScan.js';
export { createScanServer, type ScanServer, type ScanServerOptions } from './scanServer.js';
