// What `trainFas` reports: the evaluations of each run, its progress callbacks and its result.
import type { FasValidArgs } from '../../eval/officialFas.js';
import type { ResolvedNormStats } from '../../io/normStats.js';
import type { RunHooks } from '../run/runHooks.js';

export interface FasEvaluation {
  iteration: number;
  validArgs: FasValidArgs;
}

export interface FasRunSummary {
  run: number;
  best: FasEvaluation | null;
  last: FasEvaluation | null;
  checkpoint: string | null;
}

export interface FasStart {
  runs: number;
  iterations: number;
}

export interface FasStepInfo {
  run: number;
  iteration: number;
  iterations: number;
  loss: number;
  metrics: Record<string, number>;
}

/** After each evaluation (the end of an evaluation period, the run skeleton's epoch). */
export type FasEpochInfo = { run: number } & FasEvaluation & { best: boolean };

export type FasCallbacks = RunHooks<FasStart, FasStepInfo, FasEpochInfo>;

export interface FasResult {
  runs: FasRunSummary[];
  performanceCsv: string | null;
  performanceLastCsv: string | null;
  interrupted: boolean;
  norm: ResolvedNormStats;
}
