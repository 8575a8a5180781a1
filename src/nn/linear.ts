import { dynamicQuantizeMatMul, linear as linearOp, type Tensor } from '../graph/index.js';
import { INT8_SCALE, INT8_WEIGHT, isInt8Linear } from './inferenceLowering.js';
import { type Initializer, ones, torchDefault, xavierUniform, zeros } from './init.js';
import type { Scope } from './scope.js';

export interface LinearOptions {
  bias?: boolean;
  /** 'xavier' (FS-VFM's global re-init: xavier weight, zero bias) or 'torch' (PyTorch's default Linear init) */
  init?: 'xavier' | 'torch' | { weight: Initializer; bias?: Initializer };
}

function initializers(inF: number, opts: LinearOptions): { wInit: Initializer; bInit: Initializer } {
  const init = opts.init ?? 'xavier';
  const wInit = init === 'xavier' ? xavierUniform : init === 'torch' ? torchDefault(inF) : init.weight;
  const bInit = init === 'xavier' ? zeros : init === 'torch' ? torchDefault(inF) : (init.bias ?? zeros);
  return { wInit, bInit };
}

/** The float parameters of a Linear layer, declared as `linear` declares them (for fused inference kernels). */
export function linearParams(
  s: Scope,
  inF: number,
  outF: number,
  opts: LinearOptions = {},
): { weight: Tensor; bias: Tensor | undefined } {
  const { wInit, bInit } = initializers(inF, opts);
  const weight = s.param('weight', [outF, inF], wInit);
  const bias = opts.bias === false ? undefined : s.param('bias', [outF], bInit);
  return { weight, bias };
}

/** PyTorch Linear: weight [out, in], optional bias [out]. */
export function linear(s: Scope, x: Tensor, inF: number, outF: number, opts: LinearOptions = {}): Tensor {
  const { bInit } = initializers(inF, opts);
  if (isInt8Linear(s)) {
    // inference only: the int8 weight is stored transposed ([in, out], the layout the int8 kernel reads)
    const wInt8 = s.param(INT8_WEIGHT, [inF, outF], zeros, false, 'int8');
    const scale = s.param(INT8_SCALE, [outF], ones, false);
    const bias = opts.bias === false ? undefined : s.param('bias', [outF], bInit);
    return dynamicQuantizeMatMul(x, wInt8, scale, bias);
  }
  // declaration order (weight, then bias) is the order fresh values are drawn in
  const { weight, bias } = linearParams(s, inF, outF, opts);
  return linearOp(x, weight, bias);
}
