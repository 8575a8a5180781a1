// The official parameter order of FSFMViT / TargetNetworkViT (module registration order): state-dict key order in
// checkpoints and the index order of the optimizer state.

const TOP_LEVEL = ['cls_token', 'pos_embed', 'mask_token', 'rep_decoder_pos_embed', 'decoder_pos_embed'];
const MODULES = [
  'patch_embed',
  'blocks',
  'norm',
  'projector',
  'predictor',
  'rep_decoder_embed',
  'rep_decoder_blocks',
  'rep_decoder_norm',
  'rep_decoder_pred',
  'decoder_embed',
  'decoder_blocks',
  'decoder_norm',
  'decoder_pred',
];

function rank(name: string): [number, number] {
  const top = TOP_LEVEL.indexOf(name);
  if (top >= 0) return [top, 0];
  const head = name.split('.')[0]!;
  const m = MODULES.indexOf(head);
  const block = /^(?:rep_decoder_|decoder_)?blocks\.(\d+)\./.exec(name);
  return [TOP_LEVEL.length + (m < 0 ? MODULES.length : m), block ? Number(block[1]) : 0];
}

/** `names` sorted into the official order; ties (within a module or block) keep their declaration order. */
export function officialOrder(names: readonly string[]): string[] {
  return names
    .map((n, i) => ({ n, i, r: rank(n) }))
    .sort((a, b) => a.r[0] - b.r[0] || a.r[1] - b.r[1] || a.i - b.i)
    .map((x) => x.n);
}
