// A job that failed all its attempts still becomes one item of the scan report: status `error`, the failure in
// `reason`. The model facts come from another item of the same run, else from the checkpoint (read, not compiled).
import type { DetectorOptions, ModelInfo, ScanItem } from '../detect/index.js';
import { modelInfo } from '../detect/modelInfo.js';
import { loadDetector } from '../models/detectorLoader.js';
import type { DetectorKey } from './detectorKey.js';

export function failedScanItem(input: string, reason: string, model: ModelInfo): ScanItem {
  return {
    input,
    media: 'other',
    status: 'error',
    reason,
    p_fake: null,
    verdict: null,
    threshold: model.threshold,
    aggregate: null,
    frames: [],
    tracks: [],
    model,
    elapsed_ms: 0,
  };
}

/** The `model` block a Detector would report, from the checkpoint's tensors and the key's facts. */
export async function modelInfoOf(opts: DetectorOptions, key: DetectorKey): Promise<ModelInfo> {
  const det = await loadDetector(opts.model, { numHeads: opts.numHeads });
  return modelInfo({
    spec: det.spec,
    norm: det.norm,
    checkpoint: opts.model,
    recipe: String(key.facts.recipe),
    threshold: Number(key.facts.threshold),
    thresholdSource: String(key.facts.threshold_source),
    precision: opts.precision ?? 'fp32',
  });
}
