// Concrete tensors on the host: what is fed to and fetched from a compiled program.
import { allocHost, type DType, dtypeOfHost, type HostData } from './dtype.js';
import { fmt, numel, type Shape } from './shape.js';

export interface HostTensor {
  dtype: DType;
  shape: number[];
  data: HostData;
}

export function hostTensor(data: HostData, shape: Shape): HostTensor {
  if (data.length !== numel(shape))
    throw new Error(`host tensor: ${data.length} values do not fill shape ${fmt(shape)}`);
  return { dtype: dtypeOfHost(data), shape: [...shape], data };
}

export function zerosHost(dtype: DType, shape: Shape): HostTensor {
  return { dtype, shape: [...shape], data: allocHost(dtype, numel(shape)) };
}

export function scalarHost(value: number, dtype: 'float32' | 'float64' = 'float32'): HostTensor {
  return { dtype, shape: [], data: dtype === 'float32' ? Float32Array.of(value) : Float64Array.of(value) };
}

/** Float view as numbers (for tests and reports). */
export function toNumbers(t: HostTensor): number[] {
  return t.data instanceof BigInt64Array ? Array.from(t.data, Number) : Array.from(t.data);
}
