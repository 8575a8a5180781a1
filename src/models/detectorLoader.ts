// The one way a detector checkpoint is loaded for inference (scan, eval, the scan queue): read it, recognise its
// kind, resolve and check its size, load it strictly (SPEC §2.5) under the names the scoring graph reads, and
// find its normalisation statistics (SPEC §2.6).
import { Graph } from '../graph/index.js';
import { openWeightsFile } from '../io/checkpointFile.js';
import type { ResolvedNormStats } from '../io/normStats.js';
import type { StateDict } from '../nn/stateDict.js';
import { type CheckpointKind, detectCheckpoint } from './checkpointKind.js';
import { type DetectorSpec, detectorSpecOfSize, traceDetector } from './detectorGraph.js';
import { type DetectorKind, detectorNormStats, isDetectorKind } from './detectorKind.js';
import {
  loadDetectorStrict,
  type ReadCheckpoint,
  readCheckpoint,
  resolveModelSize,
  type SizeOverrides,
  stripForeignPrefixes,
} from './loadPretrained.js';
import type { SizeConfig } from './sizes.js';

export interface DetectorLoadOptions extends SizeOverrides {
  /** `--model`: an official downstream name or `custom` (size read from the checkpoint) */
  model?: string;
}

export interface LoadedDetector {
  path: string;
  kind: DetectorKind;
  spec: DetectorSpec & { kind: DetectorKind };
  size: SizeConfig;
  /** exactly the parameters the scoring graph reads, under its names */
  stateDict: StateDict;
  norm: ResolvedNormStats;
  /** input side in pixels (grid × patch) */
  inputSize: number;
}

/**
 * Loads a detector checkpoint strictly; a pre-training checkpoint, a file that is no model, or a size that does
 * not fit is an Error naming the file.
 */
export async function loadDetector(path: string, opts: DetectorLoadOptions = {}): Promise<LoadedDetector> {
  const ckpt: ReadCheckpoint = await readCheckpoint(path);
  const kind = ckpt.detected.kind;
  if (!isDetectorKind(kind)) {
    // loadDetectorStrict words the pre-training case; anything else is not a model at all
    loadDetectorStrict(ckpt, []);
    throw new Error(`${path} is not a detector checkpoint (detected: ${kind})`);
  }
  const size = resolveModelSize(ckpt, opts.model, opts);
  const spec = { ...detectorSpecOfSize(kind, size, ckpt.detected.globalPool ?? true), kind };
  const stateDict = loadDetectorStrict(ckpt, traceDetector(new Graph(), spec, 1).params);
  return { path, kind, spec, size, stateDict, norm: detectorNormStats(path, kind), inputSize: size.imgSize };
}

/** What a checkpoint file holds, from its tensor names and shapes alone (no tensor data is read). */
export async function checkpointKindOfFile(path: string): Promise<CheckpointKind | 'unknown'> {
  const file = await openWeightsFile(path);
  try {
    return detectCheckpoint(stripForeignPrefixes(file.tensors)).kind;
  } finally {
    file.close();
  }
}
