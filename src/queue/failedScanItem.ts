// A job that failed all its attempts still becomes one item of the scan report: status `error`, the failure in
// `reason`. The model facts come from another item of the same run, else from the checkpoint (read, not compiled).
import { basename } from 'node:path';
import type { DetectorOptions, ModelInfo, ScanItem } from '../detect/index.js';
import { normStatsForCheckpoint } from '../io/normStats.js';
import { detectorSpec } from '../models/detectorGraph.js';
import { loadStateDict } from '../models/loadStateDict.js';
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
  const { stateDict } = await loadStateDict(opts.model);
  const spec = detectorSpec(stateDict, { numHeads: opts.numHeads });
  const fas = spec.kind === 'fas' || spec.kind === 'fas-fs-adapter';
  const norm = normStatsForCheckpoint(opts.model, fas ? 'imagenet' : 'vggface2');
  return {
    kind: spec.kind as ModelInfo['kind'],
    size: spec.size,
    img_size: spec.encoder.imgSize,
    recipe: String(key.facts.recipe),
    threshold: Number(key.facts.threshold),
    threshold_source: String(key.facts.threshold_source),
    normalisation: { mean: [...norm.stats.mean], std: [...norm.stats.std], source: norm.path ?? norm.source },
    checkpoint: basename(opts.model),
  };
}
