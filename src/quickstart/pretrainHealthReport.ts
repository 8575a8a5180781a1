// The report's paragraph on the pre-training's health: the recipe it ran and the spread of the target network's
// features at the first and last epoch, read against the two ends (collapsed vs spread over the sphere), because the
// contrastive loss sits at its floor either way.
import { recipeFlags } from './pretrainRecipe.js';
import type { PretrainRecord } from './pretrainTiny.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const num = (v: number | null | undefined, d: number) =>
  typeof v === 'number' && Number.isFinite(v) ? v.toFixed(d) : 'n/a';

/** HTML of the recipe line and the target's feature spread; `dim` is the projector's output width. */
export function pretrainHealthHtml(p: PretrainRecord, dim: number): string {
  const first = p.log[0];
  const last = p.log[p.log.length - 1];
  const spread = (e: typeof first) =>
    `std ${num(e?.train_target_std, 4)}, pairwise cosine ${num(e?.train_target_cos, 3)}`;
  return `<p class="note">Recipe: <code>fsvfm pretrain ${esc(recipeFlags(p.recipe))}</code></p>
<p>Target features across a batch (L2-normalised, ${dim} dimensions): first epoch ${spread(first)}; final epoch
${spread(last)}. Collapsed features have std 0 and cosine 1; features spread over the sphere have std ≈
${(1 / Math.sqrt(dim)).toFixed(4)} (1/√${dim}) and cosine ≈ 0. The contrastive loss reaches its floor (−0.5) in both
cases, so these two figures are the ones that tell them apart.</p>`;
}
