// The fine-tuned detectors (SPEC §1.6–1.8): which checkpoint kinds map face crops to fake/real (spoof/live)
// logits, which of them are FAS models, and the normalisation each falls back to without a stats file.
import { type NormFallback, normStatsForCheckpoint, type ResolvedNormStats } from '../io/normStats.js';

export const DETECTOR_KINDS = ['finetune-vit', 'fs-adapter', 'fas', 'fas-fs-adapter'] as const;
export type DetectorKind = (typeof DETECTOR_KINDS)[number];

export const isDetectorKind = (kind: string): kind is DetectorKind =>
  (DETECTOR_KINDS as readonly string[]).includes(kind);

/** FAS models (SPEC §1.8) take their own crop recipe (§6.6) and ImageNet statistics (§2.6). */
export const isFasKind = (kind: string): kind is 'fas' | 'fas-fs-adapter' =>
  kind === 'fas' || kind === 'fas-fs-adapter';

/** SPEC §2.6: without a stats file, DfD/DiFF models are normalised with VGGFace2 statistics, FAS models with ImageNet. */
export const normFallbackFor = (kind: string): NormFallback => (isFasKind(kind) ? 'imagenet' : 'vggface2');

/** The statistics a model of `kind` is normalised with: the file beside it, else the §2.6 fallback (with a warning). */
export function detectorNormStats(checkpointPath: string, kind: string): ResolvedNormStats {
  return normStatsForCheckpoint(checkpointPath, normFallbackFor(kind));
}
