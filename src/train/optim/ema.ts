// EMA teacher update, paired by parameter name: θ_t ← m·θ_t + (1 − m)·θ_s.
// Both m and 1 − m are fed from the host (computed in float64, as the official Python code does).
import { add, mul, type Tensor } from '../../graph/index.js';

export function emaUpdate(
  teacher: Tensor,
  student: Tensor,
  momentum: Tensor,
  oneMinusMomentum: Tensor,
): Tensor {
  return add(mul(teacher, momentum), mul(student, oneMinusMomentum));
}
