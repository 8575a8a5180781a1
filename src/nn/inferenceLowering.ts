// How an eval-mode trace is lowered for inference only (scan, eval, export). Training graphs never set it: the
// ops chosen here have no gradient rules.
import type { Scope } from './scope.js';

export interface InferenceLowering {
  /**
   * Linear layers, by parameter prefix (e.g. `blocks.0.attn.qkv`), that run as int8 products with dynamically
   * quantized activations; they read `<prefix>.weight_int8` [in, out] and `<prefix>.weight_scale` [out] instead
   * of `<prefix>.weight`.
   */
  int8Linear?: (prefix: string) => boolean;
  /**
   * Emit onnxruntime's fused kernels: com.microsoft:Attention for the attention core (where qkv stays float) and
   * SkipLayerNormalization for each block's residual add + norm2.
   */
  fused?: boolean;
}

/** Names of the quantized weight and its per-output-channel scales, beside the float weight they replace. */
export const INT8_WEIGHT = 'weight_int8';
export const INT8_SCALE = 'weight_scale';

/** Whether the block at `s` emits the fused kernels. */
export function isFused(s: Scope): boolean {
  return s.options.inference?.fused ?? false;
}

/** Whether the Linear layer at `s` runs in int8. */
export function isInt8Linear(s: Scope): boolean {
  return s.options.inference?.int8Linear?.(s.prefix) ?? false;
}
