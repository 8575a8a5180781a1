// The `model` block every scan result carries: what was scored with which crops, threshold and normalisation.
import { basename } from 'node:path';
import type { ResolvedNormStats } from '../io/normStats.js';
import type { DetectorSpec } from '../models/detectorGraph.js';
import type { Precision } from '../models/precision.js';
import type { ModelInfo } from './scanResult.js';

export interface ModelFacts {
  spec: DetectorSpec;
  norm: ResolvedNormStats;
  checkpoint: string;
  recipe: string;
  threshold: number;
  thresholdSource: string;
  precision: Precision;
}

export function modelInfo(f: ModelFacts): ModelInfo {
  const { norm, spec } = f;
  return {
    kind: spec.kind,
    size: spec.size,
    img_size: spec.encoder.imgSize,
    recipe: f.recipe,
    threshold: f.threshold,
    threshold_source: f.thresholdSource,
    normalisation: {
      mean: [...norm.stats.mean],
      std: [...norm.stats.std],
      source: norm.path ?? norm.source,
      ...(norm.warning ? { warning: norm.warning } : {}),
    },
    checkpoint: basename(f.checkpoint),
    precision: f.precision,
  };
}

/**
 * What an exported ONNX detector carries beside the normalisation: the crop recipe and the decision threshold with its
 * source, so a runtime that loads the file alone decides as the scans did.
 */
export function onnxMetadata(info: ModelInfo): Record<string, string> {
  return {
    fsvfm_recipe: info.recipe,
    fsvfm_threshold: String(info.threshold),
    fsvfm_threshold_source: info.threshold_source,
  };
}
