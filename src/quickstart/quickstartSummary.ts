// summary.json of `fsvfm quickstart`: every figure of the run, in one JSON document.
import type { ScanItem } from '../detect/scanResult.js';
import type { CustomModelDims } from '../train/pretrain/pretrainOptions.js';
import type { FacesRecord } from './buildDemoFaces.js';
import type { FakesRecord } from './buildDemoFakes.js';
import type { FakeVideoRecord } from './buildDemoFakeVideo.js';
import type { EvaluationRecord } from './evaluateDetectors.js';
import type { PretrainRecord } from './pretrainTiny.js';
import type { TransferRecord } from './trainDetectors.js';

export const QUICKSTART_SCHEMA = 'fsvfm-quickstart/1';

export interface StageTiming {
  name: string;
  seconds: number;
  /** true when the stage was done by an earlier run of the same command (its time is that run's) */
  cached: boolean;
}

export interface ScanSummary {
  video: string;
  p_fake: number | null;
  verdict: string | null;
  threshold: number;
  framesScored: number;
  item: ScanItem;
  /** what the video really is (absent in summaries of older runs, which scanned the real video only) */
  truth?: 'real' | 'fake';
  /** where `threshold` came from (the scan item's model.threshold_source) */
  thresholdSource?: string;
  /** the verdict equals the truth; null when there is no verdict (no face scored) */
  correct?: boolean | null;
  /** the same scan of the fake made from this video (absent in summaries of older runs) */
  fake?: ScanSummary;
  /** the detector that scanned and why (absent in summaries of older runs: the FS-Adapter) */
  detector?: 'fs-adapter' | 'full';
  detectorChoice?: string;
}

export interface QuickstartSummary {
  schema: typeof QUICKSTART_SCHEMA;
  createdAt: string;
  /** minutes: the pre-training budget, null for the fixed epoch count */
  /** seed: of the transfer stage (absent in summaries of older runs: 0) */
  settings: { quick: boolean; minutes: number | null; seed?: number };
  model: CustomModelDims & { imgSize: number; patchSize: number };
  stages: StageTiming[];
  totalSeconds: number;
  faces: FacesRecord;
  pretrain: PretrainRecord;
  fakes: FakesRecord;
  transfer: TransferRecord[];
  evaluation: EvaluationRecord[];
  scan: ScanSummary;
  /** how the fake video of `scan.fake` was made (absent in summaries of older runs) */
  fakeVideo?: FakeVideoRecord;
  files: { report: string; summary: string };
}
