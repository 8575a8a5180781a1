import { gelu, type Tensor } from '../graph/index.js';
import { type LinearOptions, linear } from './linear.js';
import type { Scope } from './scope.js';

/** timm Mlp: fc1 → GELU (erf) → fc2. */
export function mlp(s: Scope, x: Tensor, dim: number, hidden: number, init?: LinearOptions['init']): Tensor {
  const h = gelu(linear(s.child('fc1'), x, dim, hidden, { init }));
  return linear(s.child('fc2'), h, hidden, dim, { init });
}
