// Cross-domain face anti-spoofing transfer: the programmatic API behind `fsvfm fas`.
export { BalancedDomainSampler, type SamplerState } from './balancedSampler.js';
export { type FasDefaults, type FasOptions, fasDefaults } from './fasOptions.js';
export {
  FAS_PROTOCOLS,
  type FasDomain,
  type FasProtocol,
  fasProtocol,
  fasSourceDomains,
} from './fasSources.js';
export type {
  FasCallbacks,
  FasEpochInfo,
  FasEvaluation,
  FasResult,
  FasRunSummary,
  FasStart,
  FasStepInfo,
} from './fasTypes.js';
export { trainFas } from './runFas.js';
