// The interface every patch-masking strategy implements, and the batch it returns.
import type { SeededRng } from '../random/seededRng.js';
import { assertRowCounts, maskedPatchCount } from './maskCount.js';
import type { ParsingMap } from './parsingMap.js';
import type { PatchGrid } from './patchGrid.js';
import { type PatchLabels, patchLabelSets } from './patchLabels.js';
import type { RegionName } from './regionGroups.js';

export type MaskStrategyName = 'random' | 'facial-region' | 'crfr-r' | 'crfr-p';

export interface MaskOptions {
  /** Patch side in pixels of the parsing map (16 for 224² inputs of a patch-16 ViT). */
  patchSize: number;
  /** r; each row gets n_mask = floor(r·N) ones. */
  maskRatio: number;
  /** Covered-region strategies: use this region instead of a random one (ablations, visualisation). */
  region?: RegionName;
}

export interface MaskBatch {
  batchSize: number;
  grid: PatchGrid;
  /** n_mask: ones per row of `masks`. */
  nMask: number;
  /** [B*N] 1 = masked (removed from the encoder), 0 = visible. */
  masks: Uint8Array;
  /** [B*N] specific facial region (SFR) masks, a subset of `masks`. */
  sfr: Uint8Array;
  /** The covered region of the batch (one per batch), or null for strategies without one. */
  region: RegionName | null;
  /** Per sample: the covered region had >= n_mask patches, so FR was trimmed and equals the mask. */
  extreme: boolean[];
  /** No sample has an SFR patch: the SFR loss of this batch must be defined as 0 (SPEC §9 #5). */
  sfrEmpty: boolean;
}

export interface MaskStrategy {
  readonly name: MaskStrategyName;
  readonly options: Readonly<MaskOptions>;
  generate(maps: readonly ParsingMap[], rng: SeededRng): MaskBatch;
  /** Same as `generate` on precomputed per-patch label sets (lets repeated runs skip the pixel scan). */
  generateFromLabels(labels: readonly PatchLabels[], rng: SeededRng): MaskBatch;
}

/** Per-sample result of a strategy's inner step. */
export interface SampleMask {
  mask: Uint8Array;
  fr: Uint8Array;
  extreme: boolean;
}

/** What a strategy draws for one batch: its covered region (or null) and each sample's mask and FR. */
export interface DrawnMasks {
  region: RegionName | null;
  samples: SampleMask[];
}

/** The draw of a strategy without a covered region: every sample's FR is empty and none takes the extreme branch. */
export function regionlessDraw(
  labels: readonly PatchLabels[],
  drawMask: (labels: PatchLabels) => Uint8Array,
): DrawnMasks {
  const samples = labels.map((l) => ({
    mask: drawMask(l),
    fr: new Uint8Array(l.grid.count),
    extreme: false,
  }));
  return { region: null, samples };
}

/**
 * Shared driver: checks the batch, runs `perBatch` (which returns the region and the per-sample masks),
 * packs the rows and asserts that each has exactly n_mask ones.
 */
export function runStrategy(
  name: MaskStrategyName,
  options: MaskOptions,
  labels: readonly PatchLabels[],
  perBatch: (nMask: number) => DrawnMasks,
): MaskBatch {
  if (labels.length === 0) throw new Error(`${name} masking: empty batch`);
  const grid = labels[0]!.grid;
  for (const l of labels) {
    if (l.grid.count !== grid.count || l.grid.patchSize !== options.patchSize) {
      throw new Error(
        `${name} masking: all parsing maps of a batch must share one ${options.patchSize}-px patch grid`,
      );
    }
  }
  const N = grid.count;
  const nMask = maskedPatchCount(options.maskRatio, N);
  const { region, samples } = perBatch(nMask);
  const B = labels.length;
  const masks = new Uint8Array(B * N);
  const sfr = new Uint8Array(B * N);
  let sfrTotal = 0;
  samples.forEach((s, b) => {
    masks.set(s.mask, b * N);
    sfr.set(s.fr, b * N);
    for (let k = 0; k < N; k++) {
      sfrTotal += s.fr[k]!;
      if (s.fr[k] === 1 && s.mask[k] !== 1)
        throw new Error(`${name} masking: sample ${b} has an SFR patch ${k} that is not masked`);
    }
  });
  assertRowCounts(masks, B, N, nMask, `${name} masking`);
  return {
    batchSize: B,
    grid,
    nMask,
    masks,
    sfr,
    region,
    extreme: samples.map((s) => s.extreme),
    sfrEmpty: sfrTotal === 0,
  };
}

export function labelsOf(maps: readonly ParsingMap[], patchSize: number): PatchLabels[] {
  return maps.map((m) => patchLabelSets(m, patchSize));
}

/**
 * Base of the strategies: `generate` scans the maps into per-patch label sets, `generateFromLabels` runs the shared
 * driver around the strategy's own `drawBatch`.
 */
export abstract class LabelMaskStrategy implements MaskStrategy {
  abstract readonly name: MaskStrategyName;
  constructor(readonly options: Readonly<MaskOptions>) {}

  generate(maps: readonly ParsingMap[], rng: SeededRng): MaskBatch {
    return this.generateFromLabels(labelsOf(maps, this.options.patchSize), rng);
  }

  generateFromLabels(labels: readonly PatchLabels[], rng: SeededRng): MaskBatch {
    return runStrategy(this.name, this.options, labels, (nMask) => this.drawBatch(labels, nMask, rng));
  }

  /** The batch's covered region (or null) and each sample's mask and FR with exactly `nMask` masked patches. */
  protected abstract drawBatch(labels: readonly PatchLabels[], nMask: number, rng: SeededRng): DrawnMasks;
}
