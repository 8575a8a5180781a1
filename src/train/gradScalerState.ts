// The `scaler` entry of official checkpoints: GradScaler.state_dict() of a fresh scaler. Training here is float32;
// the entry keeps the official layout (a disabled scaler's `{}` could not be loaded by an enabled one).
import { PyFloat, type PyValue } from '../io/pickleValues.js';

export function gradScalerState(): Map<PyValue, PyValue> {
  return new Map<PyValue, PyValue>([
    ['scale', new PyFloat(65536)],
    ['growth_factor', new PyFloat(2)],
    ['backoff_factor', new PyFloat(0.5)],
    ['growth_interval', 2000],
    ['_growth_tracker', 0],
  ]);
}
