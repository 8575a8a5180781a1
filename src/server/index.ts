export { HttpError } from './httpErrors.js';
export { createScanServer, type ScanServer, type ScanServerOptions } from './scanServer.js';
