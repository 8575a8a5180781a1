export {
  type BuildFakesOptions,
  buildFakes,
  type FakeInputs,
  FakesInputError,
  fakesClassDir,
  listFakeInputs,
} from './buildFakes.js';
export { convexHull } from './convexHull.js';
export { delaunayTriangles } from './delaunay.js';
export { type FakeKind, fakeFileName, fakeStem, identityOf, sampleSeed } from './fakeNaming.js';
export { type FakesFromFolderOptions, fakesFromFolder } from './fakesFromFolder.js';
export type { FakeProblem, FakeSample, FakesManifest, LandmarkOrigin } from './fakesManifest.js';
export { createFloatMask, type FloatMask } from './floatMask.js';
export { blurMask, gaussianRadius } from './gaussianBlur.js';
export {
  landmarkDelaunay,
  landmarkFaceSwap,
  type SwapOptions,
  type SwapParameters,
  type SwapResult,
  type TriangulationKind,
} from './landmarkFaceSwap.js';
export {
  bestMeshFace,
  LANDMARK_SIDECAR_SUFFIX,
  landmarkSidecarPath,
  readLandmarkSidecar,
  storeLandmarkSidecars,
} from './landmarkSidecar.js';
export { hullBinary, type Landmarks, MESH_POINTS, toPoints } from './landmarks.js';
export { blendWithMask } from './maskedBlend.js';
export { meshTriangulation } from './meshTriangulation.js';
export { piecewiseAffineWarp } from './piecewiseAffineWarp.js';
export { labStats, reinhardTransfer } from './reinhardTransfer.js';
export { SBI_STRENGTH_NAMES, SBI_STRENGTHS, SBI_STRONG, type SbiStrength } from './sbiStrength.js';
export {
  drawSbiParameters,
  type SbiOptions,
  type SbiParameters,
  type SbiRegion,
  type SbiResult,
  sbiMask,
  sbiMaskReach,
  sbiPerturb,
  sbiSource,
  sbiTarget,
  selfBlendedImage,
} from './selfBlendedImage.js';
export { PAIRING_RULES, type PairingRule, SwapPairing } from './swapPairing.js';
