import { linear as linearOp, type Tensor } from '../graph/index.js';
import { type Initializer, torchDefault, xavierUniform, zeros } from './init.js';
import type { Scope } from './scope.js';

export interface LinearOptions {
  bias?: boolean;
  /** 'xavier' (FS-VFM's global re-init: xavier weight, zero bias) or 'torch' (PyTorch's default Linear init) */
  init?: 'xavier' | 'torch' | { weight: Initializer; bias?: Initializer };
}

/** PyTorch Linear: weight [out, in], optional bias [out]. */
export function linear(s: Scope, x: Tensor, inF: number, outF: number, opts: LinearOptions = {}): Tensor {
  const init = opts.init ?? 'xavier';
  const wInit = init === 'xavier' ? xavierUniform : init === 'torch' ? torchDefault(inF) : init.weight;
  const bInit = init === 'xavier' ? zeros : init === 'torch' ? torchDefault(inF) : (init.bias ?? zeros);
  const w = s.param('weight', [outF, inF], wInit);
  const b = opts.bias === false ? undefined : s.param('bias', [outF], bInit);
  return linearOp(x, w, b);
}
