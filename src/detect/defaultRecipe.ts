// The crop recipe a detector is scanned with unless one is asked for: FAS models were trained on aligned crops
// (SPEC §6.6), every other detector on the dlib-style face crops (SPEC §6.1).
import { DEFAULT_RECIPE, FAS_RECIPE } from '../data/crops/index.js';
import { isFasKind } from '../models/detectorKind.js';

export const defaultRecipeFor = (kind: string): string => (isFasKind(kind) ? FAS_RECIPE : DEFAULT_RECIPE);
