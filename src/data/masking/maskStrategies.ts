// The registry of masking strategies, by CLI/config name.
import { CrfrPMasking } from './crfrP.js';
import { CrfrRMasking } from './crfrR.js';
import { FacialRegionMasking } from './facialRegionMasking.js';
import type { MaskOptions, MaskStrategy, MaskStrategyName } from './maskStrategy.js';
import { RandomMasking } from './randomMasking.js';

export const MASK_STRATEGY_NAMES: readonly MaskStrategyName[] = [
  'crfr-p',
  'crfr-r',
  'facial-region',
  'random',
];

export function isMaskStrategyName(name: string): name is MaskStrategyName {
  return (MASK_STRATEGY_NAMES as readonly string[]).includes(name);
}

export function createMaskStrategy(name: MaskStrategyName, options: MaskOptions): MaskStrategy {
  switch (name) {
    case 'crfr-p':
      return new CrfrPMasking(options);
    case 'crfr-r':
      return new CrfrRMasking(options);
    case 'facial-region':
      return new FacialRegionMasking(options);
    case 'random':
      return new RandomMasking(options);
  }
}
