// One scan job: a file on shared storage, the per-scan options, and the detector it is meant for. Its id is the
// file's content hash plus a hash of detector and options, so submitting the same bytes again finds the stored
// result instead of scanning twice.

import type { ScanItem } from '../detect/index.js';
import type { VideoAggregation } from '../eval/videoAggregation.js';
import { sha256Text } from './fileHash.js';

/** Per-scan options a producer chooses (the detector's own options are the worker's). */
export interface QueuedScanOptions {
  frames?: number;
  fps?: number;
  aggregate?: VideoAggregation;
  crops?: boolean;
  explain?: boolean;
  /** videos longer than this (seconds) are refused with `media_limit` */
  maxDurationS?: number;
}

export interface ScanJobData {
  /** absolute path, readable by every worker */
  path: string;
  /** detector key (see detectorKey.ts) the job was made for */
  detector: string;
  options: QueuedScanOptions;
}

/** The job's return value: the scan item, or the caller-set limit the input broke. */
export type ScanJobResult = { item: ScanItem } | { media_limit: string };

/** Default queue name: one queue per detector, so workers never take jobs meant for another model. */
export function scanQueueName(detectorKey: string): string {
  return `fsvfm-scan-${detectorKey.slice(0, 16)}`;
}

/** Stable JSON of the options (keys sorted, unset ones dropped), so equal options hash equally. */
function canonicalOptions(o: QueuedScanOptions): string {
  const entries = Object.entries(o)
    .filter(([, v]) => v !== undefined && v !== false)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(Object.fromEntries(entries));
}

/** `<content sha256>-<hash of detector and options>`: the same bytes with the same settings share one job. */
export function scanJobId(contentSha256: string, detectorKey: string, options: QueuedScanOptions): string {
  return `${contentSha256}-${sha256Text(`${detectorKey}\n${canonicalOptions(options)}`).slice(0, 16)}`;
}

/** Attempts per job: thrown errors are retried with back-off, and a worker dying mid-job counts as one. */
export const SCAN_JOB_ATTEMPTS = 3;
