// Evaluation protocols (SPEC §7.5): the programmatic API behind `fsvfm eval`.
export {
  type EvaluateCallbacks,
  type EvaluateOptions,
  type EvaluateOutcome,
  evaluate,
  type OfficialSetMetrics,
  personOf,
} from './runEvaluation.js';
export { type ScoredSample, scoreSamples } from './scoreImages.js';
export {
  FAS_TARGETS,
  fasTestSet,
  folderOrListTestSet,
  PROTOCOLS,
  type ProtocolName,
  parseSetSpec,
  type TestSample,
  type TestSet,
} from './testSets.js';
