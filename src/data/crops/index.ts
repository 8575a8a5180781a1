export * from './affine2d.js';
export {
  CROP_SIZE,
  type CropBox,
  type CropRecipe,
  cropRecipe,
  DEFAULT_RECIPE,
  FAS_RECIPE,
  type FaceCrop,
} from './cropRecipes.js';
export type { DlibRect } from './dlibRect.js';
export { dlibRectFromMesh } from './dlibRectFromMesh.js';
export { dlibSquareRegion, type SquareRegion, squareIoU } from './dlibSquareCrop.js';
export { extractRegion, warpAffineBilinear } from './extractRegion.js';
export { type FaceRect, faceRect, locateFaceRect, rememberFaceRect } from './faceRect.js';
export { fasAlignTransform, MTCNN_MEAN_FACE } from './fasAlignment.js';
