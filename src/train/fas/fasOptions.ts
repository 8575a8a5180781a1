// Options of `fsvfm fas` (SPEC §5.5) and their defaults: full fine-tuning and the FS-Adapter differ in batch and lr.
import type { RuntimeOptions } from '../../graph/index.js';
import { withDefaults } from '../run/withDefaults.js';

export interface FasOptions {
  /** MCIO or WCS root with txt/ and frame/ */
  dataRoot: string;
  /** M | C | I | O | cefa | surf | wmca */
  config: string;
  /** pre-training checkpoint (--pt_model) */
  ptModel: string;
  model?: string;
  numHeads?: number;
  trainable: 'all' | 'fs-adapter';
  outputDir: string;
  /** default 4001 (iterations 0..4000) */
  iterations?: number;
  /** evaluate when (it + 1) % evalEvery == 0; default 100 */
  evalEvery?: number;
  /** images per (domain, class) per iteration: default 12 (all) / 24 (fs-adapter) */
  perClass?: number;
  /** constant lr: default 2.5e-5 (all) / 5e-2 (fs-adapter) */
  lr?: number;
  /** Adam L2 weight decay: default 1e-6 */
  weightDecay?: number;
  weightCl?: number;
  temperature?: number;
  /** runs with seeds 0..runs-1 (official: 5 full FT, 3 FS-Adapter); default 1 */
  runs?: number;
  /** add CelebA-Spoof as the extra source (default true) */
  withCeleb?: boolean;
  evalBatchSize?: number;
  runtime?: RuntimeOptions;
  /** the `checkpoint-last.pth` an interrupted invocation wrote: continue it (its run, then the later ones) */
  resume?: string;
}

/** Every option that has a default. */
export interface FasDefaults {
  iterations: number;
  evalEvery: number;
  perClass: number;
  lr: number;
  weightDecay: number;
  weightCl: number;
  temperature: number;
  runs: number;
  withCeleb: boolean;
  evalBatchSize: number;
}

/** Defaults: the official FAS scripts (SPEC §5.5). */
export function fasDefaults(trainable: FasOptions['trainable']): FasDefaults {
  const adapter = trainable === 'fs-adapter';
  return {
    iterations: 4001,
    evalEvery: 100,
    perClass: adapter ? 24 : 12,
    lr: adapter ? 5e-2 : 2.5e-5,
    weightDecay: 1e-6,
    weightCl: 0.1,
    temperature: 0.07,
    runs: 1,
    withCeleb: true,
    evalBatchSize: 32,
  };
}

export type ResolvedFasOptions = ReturnType<typeof resolveFasOptions>;

export function resolveFasOptions(o: FasOptions) {
  return withDefaults(o, fasDefaults(o.trainable));
}
