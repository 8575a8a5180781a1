export { cast, stopGradient } from './cast.js';
export {
  equal,
  greater,
  greaterOrEqual,
  less,
  lessOrEqual,
  logicalAnd,
  logicalNot,
  logicalOr,
  where,
} from './compare.js';
export { crossEntropy, dropout, dropPath, l2Normalize, linear, softCrossEntropy } from './composite.js';
export { patchConv2d } from './conv.js';
export { dynamicQuantizeMatMul } from './dynamicQuantizeMatMul.js';
export {
  add,
  addScalar,
  div,
  maximum,
  minimum,
  mul,
  mulScalar,
  pow,
  powScalar,
  sub,
  sumTo,
} from './elementwise.js';
export { fusedAttention } from './fusedAttention.js';
export { gather, gatherElements, scatterElementsAdd, scatterNDAdd } from './gather.js';
export { layerNorm } from './layerNorm.js';
export { gemm, matmul, matmulT } from './matmul.js';
export { reduceMax, reduceMean, reduceSum } from './reduce.js';
export { concat, expand, pad, reshape, slice, split, transpose } from './shapeOps.js';
export { skipLayerNorm } from './skipLayerNorm.js';
export { logSoftmax, softmax } from './softmax.js';
export { abs, erf, exp, gelu, log, neg, relu, sigmoid, sign, sqrt, tanh } from './unary.js';
export { constantFilled, scalarLike } from './util.js';
