export { attention } from './attention.js';
export { type BlockConfig, block } from './block.js';
export * from './init.js';
export { layerNorm } from './layerNorm.js';
export { type LinearOptions, linear } from './linear.js';
export { mlp } from './mlp.js';
export { patchEmbed } from './patchEmbed.js';
export { bicubicResizeGrid, interpolatePosEmbed, sincos2d } from './posEmbed.js';
export { type Rng, seededRandom, type UniformRng } from './random.js';
export { ParamRegistry, type ParamSpec, Scope, type ScopeOptions } from './scope.js';
export {
  cloneStateDict,
  initStateDict,
  matchStateDict,
  type StateDict,
  type StoredTensor,
} from './stateDict.js';
export {
  type EncoderConfig,
  embedPatches,
  encoderBlocks,
  gridSize,
  meanPatchTokens,
  numPatches,
  posEmbedParam,
  prependCls,
  vitEncoder,
} from './vit.js';
