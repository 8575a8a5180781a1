// Scanning on a job queue (BullMQ on Redis): producers enqueue files, workers on any number of machines score
// them with a Detector. Sits beside detect/ and under cli/ and server/, which choose between scanning here and
// scanning through the queue.
export { type DetectorKey, detectorKey } from './detectorKey.js';
export { failedScanItem, modelInfoOf } from './failedScanItem.js';
export { checkRedisUrl } from './redisConnection.js';
// The scanJob names repeat scanProducer.ts's import of them: this index is the list of what the layer offers.
export {
  type QueuedScanOptions,
  SCAN_JOB_ATTEMPTS,
  type ScanJobData,
  type ScanJobResult,
  scanJobId,
  scanQueueName,
} from './scanJob.js';
export {
  type ScanOutcome,
  ScanProducer,
  type ScanProducerOptions,
  type SubmitOptions,
} from './scanProducer.js';
export { type FileScanner, ScanWorker, type ScanWorkerCounts, type ScanWorkerOptions } from './scanWorker.js';
export { startWorkerHealth, type WorkerHealthServer } from './workerHealth.js';
