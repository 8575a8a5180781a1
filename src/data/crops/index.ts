export * from './affine2d.js';
export { CROP_SIZE, type CropRecipe, cropRecipe, DEFAULT_RECIPE, type FaceCrop } from './cropRecipes.js';
export { dlibSquareRegion, type SquareRegion } from './dlibSquareCrop.js';
export { extractRegion, warpAffineBilinear } from './extractRegion.js';
