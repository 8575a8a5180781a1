// The model size registry (SPEC §1.2) and the tensor-count / numel arithmetic of every checkpoint kind.

export interface DecoderConfig {
  dim: number;
  depth: number;
  /** null when unknown (inferred from a checkpoint of a custom size: head counts are not stored in weights). */
  heads: number | null;
}

export interface SizeConfig {
  /** 'S' | 'B' | 'L' | 'H' for the registry sizes, 'custom' otherwise. */
  name: string;
  embedDim: number;
  depth: number;
  numHeads: number | null;
  patchSize: number;
  imgSize: number;
  mlpRatio: number;
  repDecoder: DecoderConfig;
  pixelDecoder: DecoderConfig;
  projector: { hidden: number; out: number };
  /** FS-Adapter bottleneck reduction (D / r). */
  adapterReduction: number;
  numClasses: number;
}

const base = {
  imgSize: 224,
  mlpRatio: 4,
  pixelDecoder: { dim: 512, depth: 8, heads: 16 },
  projector: { hidden: 4096, out: 256 },
  adapterReduction: 4,
  numClasses: 2,
};

export type SizeName = 'S' | 'B' | 'L' | 'H';

export const VIT_SIZES: Readonly<Record<SizeName, SizeConfig>> = {
  S: {
    ...base,
    name: 'S',
    embedDim: 384,
    depth: 12,
    numHeads: 12,
    patchSize: 16,
    repDecoder: { dim: 384, depth: 2, heads: 16 },
  },
  B: {
    ...base,
    name: 'B',
    embedDim: 768,
    depth: 12,
    numHeads: 12,
    patchSize: 16,
    repDecoder: { dim: 768, depth: 2, heads: 16 },
  },
  L: {
    ...base,
    name: 'L',
    embedDim: 1024,
    depth: 24,
    numHeads: 16,
    patchSize: 16,
    repDecoder: { dim: 1024, depth: 2, heads: 16 },
  },
  H: {
    ...base,
    name: 'H',
    embedDim: 1280,
    depth: 32,
    numHeads: 16,
    patchSize: 14,
    repDecoder: { dim: 1280, depth: 2, heads: 16 },
  },
};

/** Official `--model` names → sizes (pretraining and downstream spellings). */
export const MODEL_NAMES: Readonly<Record<string, SizeName>> = {
  fsfm_vit_small_patch16: 'S',
  fsfm_vit_base_patch16: 'B',
  fsfm_vit_large_patch16: 'L',
  fsfm_vit_huge_patch14: 'H',
  vit_small_patch16: 'S',
  vit_base_patch16: 'B',
  vit_large_patch16: 'L',
  vit_huge_patch14: 'H',
};

/** A registry size by letter, `ViT-B/16` style or official model name. */
export function vitSize(name: string): SizeConfig {
  const key = MODEL_NAMES[name] ?? /^(?:vit-)?([sblh])(?:\/1[46])?$/i.exec(name)?.[1]?.toUpperCase();
  const cfg = key ? VIT_SIZES[key as SizeName] : undefined;
  if (!cfg) throw new Error(`unknown model size '${name}' (use S, B, L, H or an official --model name)`);
  return cfg;
}

/** A custom configuration: registry B defaults overridden by `parts`. */
export function customVit(parts: Partial<SizeConfig> & { embedDim: number; depth: number }): SizeConfig {
  const d = parts.embedDim;
  return {
    ...VIT_SIZES.B,
    repDecoder: { dim: d, depth: 2, heads: 16 },
    numHeads: null,
    ...parts,
    name: parts.name ?? 'custom',
  };
}

/** The registry size whose dims match (D, depth, patch), if any. */
export function matchRegistrySize(embedDim: number, depth: number, patchSize: number): SizeName | null {
  for (const [k, c] of Object.entries(VIT_SIZES)) {
    if (c.embedDim === embedDim && c.depth === depth && c.patchSize === patchSize) return k as SizeName;
  }
  return null;
}

export interface ParamCount {
  tensors: number;
  numel: number;
}

const add = (...parts: ParamCount[]): ParamCount => ({
  tensors: parts.reduce((a, p) => a + p.tensors, 0),
  numel: parts.reduce((a, p) => a + p.numel, 0),
});
const linear = (inp: number, out: number, bias = true): ParamCount => ({
  tensors: bias ? 2 : 1,
  numel: inp * out + (bias ? out : 0),
});
const layerNorm = (d: number): ParamCount => ({ tensors: 2, numel: 2 * d });
const param = (numel: number): ParamCount => ({ tensors: 1, numel });

/** One pre-norm transformer block of width d with MLP ratio r: 12 tensors. */
export function blockCount(d: number, mlpRatio = 4): ParamCount {
  const h = d * mlpRatio;
  return add(layerNorm(d), linear(d, 3 * d), linear(d, d), layerNorm(d), linear(d, h), linear(h, d));
}

const times = (n: number, p: ParamCount): ParamCount => ({ tensors: n * p.tensors, numel: n * p.numel });
const tokens = (c: SizeConfig): number => (c.imgSize / c.patchSize) ** 2 + 1;
const byolMlp = (inp: number, hidden: number, out: number): ParamCount =>
  add(linear(inp, hidden), layerNorm(hidden), linear(hidden, out));

/** §2.3(a): patch_embed, cls_token, pos_embed, blocks (no final norm). */
export function encoderCount(c: SizeConfig): ParamCount {
  const d = c.embedDim;
  return add(
    linear(3 * c.patchSize ** 2, d),
    param(d),
    param(tokens(c) * d),
    times(c.depth, blockCount(d, c.mlpRatio)),
  );
}

export type CheckpointKind =
  | 'pretrain-online'
  | 'pretrain-target'
  | 'finetune-vit'
  | 'fs-adapter'
  | 'fas'
  | 'fas-fs-adapter'
  | 'encoder-only';

/** Expected tensor count and numel of the state dict of each checkpoint kind (SPEC §1.2 / §2.3). */
export function expectedCount(c: SizeConfig, kind: CheckpointKind): ParamCount {
  const d = c.embedDim;
  const t = tokens(c);
  const enc = encoderCount(c);
  const r = c.repDecoder;
  const px = c.pixelDecoder;
  const repDecoder = add(
    linear(d, r.dim),
    param(t * r.dim),
    times(r.depth, blockCount(r.dim, c.mlpRatio)),
    layerNorm(r.dim),
    linear(r.dim, d),
  );
  const projector = byolMlp(r.dim, c.projector.hidden, c.projector.out);
  const bottleneck = d / c.adapterReduction;
  const adapter = add(
    linear(d, bottleneck, false),
    linear(bottleneck, d, false),
    linear(bottleneck, bottleneck),
  );
  switch (kind) {
    case 'encoder-only':
      return enc;
    case 'pretrain-target':
      return add(enc, layerNorm(d), param(d), projector, repDecoder);
    case 'pretrain-online':
      return add(
        enc,
        layerNorm(d),
        param(d),
        projector,
        byolMlp(c.projector.out, c.projector.hidden, c.projector.out),
        repDecoder,
        linear(r.dim, px.dim),
        param(t * px.dim),
        times(px.depth, blockCount(px.dim, c.mlpRatio)),
        layerNorm(px.dim),
        linear(px.dim, c.patchSize ** 2 * 3),
      );
    case 'finetune-vit':
      // fc_norm (global pool) or norm (CLS token): either way one LayerNorm, then the head
      return add(enc, layerNorm(d), linear(d, c.numClasses));
    case 'fs-adapter':
      return add(enc, layerNorm(d), adapter, linear(2 * d, c.numClasses));
    case 'fas':
      return add(enc, layerNorm(d), linear(d, 512), linear(d, 512), linear(512, 2));
    case 'fas-fs-adapter':
      return add(
        enc,
        layerNorm(d),
        adapter,
        linear(2 * d, c.numClasses),
        linear(2 * d, 512),
        linear(2 * d, 512),
        linear(512, 2),
      );
  }
}

/** Trainable numel of an FS-Adapter checkpoint (adapter, projector, head). */
export function fsAdapterTrainable(c: SizeConfig): number {
  const d = c.embedDim;
  const b = d / c.adapterReduction;
  return 2 * d * b + b * b + b + 2 * d * c.numClasses + c.numClasses;
}
