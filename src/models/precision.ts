// Which arithmetic a scoring graph runs in. fp32 is the reference; int8 runs the transformer blocks' Linear
// layers (qkv, proj, fc1, fc2: nearly all of the FLOPs) as u8×s8 products. The patch embedding, the head and
// every small layer after the pooled feature (FS-Adapter, FAS embedder and classifier) stay fp32: they cost
// little and sit where a rounding error moves P(fake) most directly.
import type { InferenceLowering } from '../nn/inferenceLowering.js';

export const PRECISIONS = ['fp32', 'int8'] as const;
export type Precision = (typeof PRECISIONS)[number];

export function isPrecision(v: string): v is Precision {
  return (PRECISIONS as readonly string[]).includes(v);
}

export function parsePrecision(v: string): Precision {
  if (!isPrecision(v)) throw new Error(`precision must be one of ${PRECISIONS.join(', ')}, got '${v}'`);
  return v;
}

/** Linear layers of the encoder's transformer blocks, under any prefix (`blocks.3.mlp.fc1`, `backbone.vit.…`). */
const BLOCK_LINEAR = /(^|\.)blocks\.\d+\.(attn\.(qkv|proj)|mlp\.fc[12])$/;

export function isInt8BlockLinear(prefix: string): boolean {
  return BLOCK_LINEAR.test(prefix);
}

/**
 * The trace-time lowering of a precision, with or without onnxruntime's fused kernels (undefined: the plain
 * graph, as training traces it).
 */
export function loweringFor(precision: Precision, fused = false): InferenceLowering | undefined {
  if (precision === 'fp32' && !fused) return undefined;
  return {
    ...(precision === 'int8' ? { int8Linear: isInt8BlockLinear } : {}),
    ...(fused ? { fused: true } : {}),
  };
}
