// BYOL-style projection MLP: Linear → LayerNorm(eps 1e-5) → ReLU → Linear, keys projection_head.{0,1,3}.
import { relu, type Tensor } from '../graph/index.js';
import { layerNorm } from '../nn/layerNorm.js';
import { linear } from '../nn/linear.js';
import type { Scope } from '../nn/scope.js';

export function byolMlp(s: Scope, x: Tensor, inDim: number, hidden: number, out: number): Tensor {
  const h = s.child('projection_head');
  const a = linear(h.child(0), x, inDim, hidden);
  const b = relu(layerNorm(h.child(1), a, 1e-5));
  return linear(h.child(3), b, hidden, out);
}
