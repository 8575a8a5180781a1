// Training losses (SPEC §4): reconstruction, the self-distillation options and the FS-Adapter contrastive losses.
export { byolLoss } from './byolLoss.js';
export { type InfoNceOptions, infoNceLoss } from './infoNceLoss.js';
export { mocoV3Loss } from './mocoV3Loss.js';
export { patchify } from './patchify.js';
export {
  posNegOnlySupConLoss,
  posOnlySupConLoss,
  type RealAnchorOptions,
  realAnchorConLoss,
  realIndicator,
} from './realAnchorLoss.js';
export { normPixTarget, type ReconstructionLosses, reconstructionLosses } from './reconstructionLoss.js';
export { cosineSimilarity, simsiamLoss } from './simsiamLoss.js';
export { type SupConOptions, sameLabelMask, supConFromMask, supConLoss } from './supConLoss.js';
