// Token bookkeeping of masked image modeling: keep the visible patches, put mask tokens back in place.
import { concat, expand, gatherElements, reshape, slice, type Tensor } from '../graph/index.js';

/** Rows `ids` [B, n] of tokens [B, L, D] (the encoder's visible patches, in the order given). */
export function gatherTokens(tokens: Tensor, ids: Tensor): Tensor {
  const [b, , d] = tokens.shape as [number, number, number];
  const n = ids.shape[1]!;
  return gatherElements(tokens, expand(reshape(ids, [b, n, 1]), [b, n, d]), 1);
}

/**
 * [CLS, visible…] → [CLS, L tokens in patch order] with `maskToken` at the masked positions:
 * append mask tokens after the visible ones, then un-shuffle with `restore` [B, L] (SPEC §1.4.1).
 */
export function restoreWithMaskTokens(seq: Tensor, maskToken: Tensor, restore: Tensor): Tensor {
  const [b, t, d] = seq.shape as [number, number, number];
  const total = restore.shape[1]!;
  const visible = slice(seq, 1, 1);
  const missing = total - (t - 1);
  const filled = missing > 0 ? concat([visible, expand(maskToken, [b, missing, d])], 1) : visible;
  return concat([slice(seq, 1, 0, 1), gatherTokens(filled, restore)], 1);
}
