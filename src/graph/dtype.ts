// Element types the engine traces, with their host arrays and ONNX TensorProto codes.

/** int8 holds quantized weights of inference-only graphs (no op computes on it in training graphs). */
export type DType = 'float32' | 'float64' | 'int64' | 'bool' | 'int8';

export type HostData = Float32Array | Float64Array | BigInt64Array | Uint8Array | Int8Array;

/** onnx.TensorProto.DataType codes. */
export const ONNX_ELEM_TYPE: Record<DType, number> = { float32: 1, float64: 11, int64: 7, bool: 9, int8: 3 };

export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

export function allocHost(dtype: DType, n: number): HostData {
  switch (dtype) {
    case 'float32':
      return new Float32Array(n);
    case 'float64':
      return new Float64Array(n);
    case 'int64':
      return new BigInt64Array(n);
    case 'bool':
      return new Uint8Array(n);
    case 'int8':
      return new Int8Array(n);
  }
}

export function dtypeOfHost(data: HostData): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Int8Array) return 'int8';
  return 'bool';
}
