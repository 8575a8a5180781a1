// Facial masking: region groups, patch membership, and the mask strategies (CRFR-P and ablations).
export { CrfrPMasking } from './crfrP.js';
export { CrfrRMasking } from './crfrR.js';
export { FacialRegionMasking } from './facialRegionMasking.js';
export { maskedPatchCount } from './maskCount.js';
export { maskOverlay, parsingColourImage } from './maskOverlay.js';
export { createMaskStrategy, isMaskStrategyName, MASK_STRATEGY_NAMES } from './maskStrategies.js';
export type { MaskBatch, MaskOptions, MaskStrategy, MaskStrategyName } from './maskStrategy.js';
export { type ParsingMap, parsingMapFromNpy } from './parsingMap.js';
export { type PatchGrid, patchGrid } from './patchGrid.js';
export { type PatchLabels, patchLabelSets } from './patchLabels.js';
export { groupMembership, patchMembership } from './patchMembership.js';
export { RandomMasking } from './randomMasking.js';
export {
  COVERABLE_REGION_NAMES,
  REGION_GROUPS,
  REGION_NAMES,
  type RegionGroup,
  type RegionName,
} from './regionGroups.js';
