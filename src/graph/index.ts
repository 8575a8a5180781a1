// The engine: trace ops on symbolic tensors, differentiate, emit ONNX, run with onnxruntime.
export { grad } from './autodiff.js';
export type { DType, HostData } from './dtype.js';
export { type HostTensor, hostTensor, scalarHost, toNumbers, zerosHost } from './hostTensor.js';
export { emitOnnx, type OnnxModel, OPSET, type ValueSpec } from './onnxModel.js';
export * from './ops/index.js';
export { compile, Executable, type ExecutionProvider, type RuntimeOptions } from './runner.js';
export { ShapeError } from './shapeError.js';
export { Graph, Tensor } from './tensor.js';
