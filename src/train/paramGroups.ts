// Optimizer parameter groups of the official recipes (SPEC §5.1).
import type { ParamSpec } from '../nn/scope.js';
import type { ParamGroup } from './graphTrainer.js';

/** timm add_weight_decay: no decay for params with ndim ≤ 1 or names ending in `.bias`; `skip` names too. */
export function weightDecayGroups(
  specs: readonly ParamSpec[],
  weightDecay: number,
  trainable: (name: string) => boolean,
  skip: readonly string[] = [],
): ParamGroup[] {
  const decay: string[] = [];
  const noDecay: string[] = [];
  for (const s of specs) {
    if (!trainable(s.name)) continue;
    if (s.shape.length <= 1 || s.name.endsWith('.bias') || skip.includes(s.name)) noDecay.push(s.name);
    else decay.push(s.name);
  }
  return [
    { name: 'no_decay', lrScale: 1, weightDecay: 0, params: noDecay },
    { name: 'decay', lrScale: 1, weightDecay, params: decay },
  ].filter((g) => g.params.length > 0);
}

/** Layer id for layer-wise lr decay: 0 embeddings, i+1 for blocks.i, depth+1 for everything else. */
export function vitLayerId(name: string, depth: number): number {
  if (name === 'cls_token' || name === 'pos_embed' || name.startsWith('patch_embed.')) return 0;
  const m = /^blocks\.(\d+)\./.exec(name);
  return m ? Number(m[1]) + 1 : depth + 1;
}

/** util/lr_decay.py param_groups_lrd: lr_scale = ld^(n − layer id), wd 0 for 1-D params and no_weight_decay names. */
export function layerDecayGroups(
  specs: readonly ParamSpec[],
  opts: {
    weightDecay: number;
    layerDecay: number;
    depth: number;
    trainable: (name: string) => boolean;
    noWeightDecay?: readonly string[];
  },
): ParamGroup[] {
  const n = opts.depth + 1;
  const skip = opts.noWeightDecay ?? ['pos_embed', 'cls_token', 'dist_token'];
  const groups = new Map<string, ParamGroup>();
  for (const s of specs) {
    if (!opts.trainable(s.name)) continue;
    const id = vitLayerId(s.name, opts.depth);
    const noDecay = s.shape.length === 1 || skip.includes(s.name);
    const key = `layer_${id}_${noDecay ? 'no_decay' : 'decay'}`;
    let g = groups.get(key);
    if (!g) {
      g = {
        name: key,
        lrScale: opts.layerDecay ** (n - id),
        weightDecay: noDecay ? 0 : opts.weightDecay,
        params: [],
      };
      groups.set(key, g);
    }
    g.params.push(s.name);
  }
  return [...groups.values()];
}
