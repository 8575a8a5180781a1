// Cross-domain face anti-spoofing transfer: the programmatic API behind `fsvfm fas`.
export { BalancedDomainSampler, type SamplerState } from './balancedSampler.js';
export {
  FAS_PROTOCOLS,
  type FasDomain,
  type FasProtocol,
  fasProtocol,
  fasSourceDomains,
} from './fasSources.js';
export {
  type FasCallbacks,
  type FasEvaluation,
  type FasOptions,
  type FasResult,
  type FasRunSummary,
  trainFas,
} from './runFas.js';
