// Which quickstart detector scans the demo videos: the one with the higher AUC on the validation people (never the
// held-out test people, whose figures the report shows), the FS-Adapter when no validation figure exists.
import { calibrationEntryOf } from '../io/calibrationFile.js';
import type { TransferRecord } from './trainDetectors.js';

export interface ScanDetectorChoice {
  record: TransferRecord;
  /** validation AUC of the chosen detector's checkpoint; null: none recorded */
  validationAuc: number | null;
  reason: string;
}

export function chooseScanDetector(transfer: readonly TransferRecord[]): ScanDetectorChoice {
  if (transfer.length === 0) throw new Error('no trained detector to scan with');
  const scored = transfer.map((record) => ({
    record,
    auc: calibrationEntryOf(record.checkpoint)?.auc ?? null,
  }));
  const withAuc = scored.filter((s): s is { record: TransferRecord; auc: number } => s.auc !== null);
  if (withAuc.length === 0)
    return {
      record: transfer[0]!,
      validationAuc: null,
      reason: 'no validation AUC recorded: the first detector',
    };
  const best = withAuc.reduce((a, b) => (b.auc > a.auc ? b : a));
  return {
    record: best.record,
    validationAuc: best.auc,
    reason: `the higher validation AUC (${withAuc.map((s) => `${s.record.mode} ${s.auc.toFixed(3)}`).join(', ')})`,
  };
}
