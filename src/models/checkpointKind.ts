// Recognising what a state dict is (pretraining online/target, fine-tuned ViT, FS-Adapter, FAS, bare encoder)
// and which size, from key names and shapes alone; then checking counts against SPEC §1.2 / §10.3.
import {
  type CheckpointKind,
  customVit,
  expectedCount,
  matchRegistrySize,
  type SizeConfig,
  VIT_SIZES,
} from './sizes.js';

export type { CheckpointKind } from './sizes.js';

export interface CheckpointNote {
  level: 'info' | 'warning';
  message: string;
}

export interface DetectedCheckpoint {
  kind: CheckpointKind | 'unknown';
  /** Key prefix in front of the encoder names ('' or 'backbone.vit.'). */
  prefix: string;
  /** true: fc_norm over mean patch tokens; false: CLS token through norm; null: not a classifier. */
  globalPool: boolean | null;
  /** 'S' | 'B' | 'L' | 'H', 'custom', or 'unknown' when there is no encoder. */
  size: string;
  config: SizeConfig | null;
  numTensors: number;
  numel: number;
  notes: CheckpointNote[];
}

type Shapes = ReadonlyMap<string, readonly number[]>;

const maxIndex = (shapes: Shapes, prefix: string): number => {
  let max = -1;
  const re = new RegExp(`^${prefix.replace(/\./g, '\\.')}(\\d+)\\.`);
  for (const k of shapes.keys()) {
    const m = re.exec(k);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max;
};

/** Accepts any map of name → something with a shape (LazyTensor, safetensors info, plain arrays). */
export function shapesOf(
  tensors: ReadonlyMap<string, { readonly shape: readonly number[] } | readonly number[]>,
): Shapes {
  const out = new Map<string, readonly number[]>();
  for (const [k, v] of tensors)
    out.set(k, Array.isArray(v) ? (v as readonly number[]) : (v as { shape: readonly number[] }).shape);
  return out;
}

function inferConfig(shapes: Shapes, p: string): SizeConfig | null {
  const cls = shapes.get(`${p}cls_token`);
  const patch = shapes.get(`${p}patch_embed.proj.weight`);
  if (!cls || !patch) return null;
  const d = cls[2]!;
  const depth = maxIndex(shapes, `${p}blocks.`) + 1;
  const patchSize = patch[2]!;
  const pos = shapes.get(`${p}pos_embed`);
  const grid = pos ? Math.round(Math.sqrt(pos[1]! - 1)) : 14;
  const fc1 = shapes.get(`${p}blocks.0.mlp.fc1.weight`);
  const mlpRatio = fc1 ? fc1[0]! / d : 4;
  const known = matchRegistrySize(d, depth, patchSize);
  const reg = known ? VIT_SIZES[known] : null;
  const repDim = shapes.get('rep_decoder_embed.weight')?.[0] ?? d;
  const repDepth = maxIndex(shapes, 'rep_decoder_blocks.') + 1;
  const pxDim = shapes.get('decoder_embed.weight')?.[0];
  const pxDepth = maxIndex(shapes, 'decoder_blocks.') + 1;
  const projHidden = shapes.get('projector.projection_head.0.weight')?.[0];
  const projOut = shapes.get('projector.projection_head.3.weight')?.[0];
  const bottleneck = shapes.get(`${p}adapter.linear1.weight`)?.[0];
  const head = shapes.get(`${p}head.weight`);
  const base = reg ?? customVit({ embedDim: d, depth });
  return {
    ...base,
    name: known ?? 'custom',
    embedDim: d,
    depth,
    numHeads: reg?.numHeads ?? null,
    patchSize,
    imgSize: grid * patchSize,
    mlpRatio,
    repDecoder: {
      dim: repDim,
      depth: repDepth > 0 ? repDepth : base.repDecoder.depth,
      heads: reg && repDim === reg.repDecoder.dim ? reg.repDecoder.heads : null,
    },
    pixelDecoder: {
      dim: pxDim ?? base.pixelDecoder.dim,
      depth: pxDepth > 0 ? pxDepth : base.pixelDecoder.depth,
      heads:
        reg && pxDim === reg.pixelDecoder.dim
          ? reg.pixelDecoder.heads
          : pxDim === undefined
            ? base.pixelDecoder.heads
            : null,
    },
    projector: { hidden: projHidden ?? base.projector.hidden, out: projOut ?? base.projector.out },
    adapterReduction: bottleneck ? d / bottleneck : base.adapterReduction,
    numClasses: head ? head[0]! : base.numClasses,
  };
}

function classify(
  shapes: Shapes,
  p: string,
): { kind: CheckpointKind | 'unknown'; globalPool: boolean | null } {
  const has = (k: string): boolean => shapes.has(k);
  if (p === 'backbone.vit.') {
    return { kind: has(`${p}adapter.linear1.weight`) ? 'fas-fs-adapter' : 'fas', globalPool: true };
  }
  if (has('decoder_embed.weight') && has('predictor.projection_head.0.weight')) {
    return { kind: 'pretrain-online', globalPool: null };
  }
  if (has('rep_decoder_embed.weight') && has('projector.projection_head.0.weight')) {
    return { kind: 'pretrain-target', globalPool: null };
  }
  if (has('adapter.linear1.weight')) return { kind: 'fs-adapter', globalPool: true };
  if (has('head.weight')) return { kind: 'finetune-vit', globalPool: has('fc_norm.weight') };
  if (has('cls_token') && has('patch_embed.proj.weight')) return { kind: 'encoder-only', globalPool: null };
  return { kind: 'unknown', globalPool: null };
}

/** Detects kind and size of a state dict and reports the §1.2 / §10.3 count checks as notes. */
export function detectCheckpoint(
  tensors: ReadonlyMap<string, { readonly shape: readonly number[] } | readonly number[]>,
): DetectedCheckpoint {
  const shapes = shapesOf(tensors);
  let numel = 0;
  for (const s of shapes.values()) numel += s.reduce((a, b) => a * b, 1);
  let prefix = '';
  if (!shapes.has('cls_token')) {
    for (const k of shapes.keys()) {
      const m = /^(.*\.)cls_token$/.exec(k);
      if (m) {
        prefix = m[1]!;
        break;
      }
    }
  }
  const notes: CheckpointNote[] = [];
  const { kind, globalPool } = classify(shapes, prefix);
  const config = inferConfig(shapes, prefix);
  if (kind === 'unknown' || !config) {
    notes.push({
      level: 'warning',
      message: 'no ViT encoder keys (cls_token, patch_embed.proj.weight) found: not an FS-VFM model',
    });
    return {
      kind: 'unknown',
      prefix,
      globalPool,
      size: 'unknown',
      config,
      numTensors: shapes.size,
      numel,
      notes,
    };
  }
  if (prefix && prefix !== 'backbone.vit.')
    notes.push({ level: 'info', message: `encoder keys carry the prefix '${prefix}'` });
  if (config.name === 'custom') {
    notes.push({
      level: 'info',
      message: `custom size: D=${config.embedDim}, depth ${config.depth}, patch ${config.patchSize}; attention heads are not stored in weights and must be given`,
    });
  }
  if (kind !== 'encoder-only') {
    const want = expectedCount(config, kind);
    const ok = want.tensors === shapes.size && want.numel === numel;
    notes.push({
      level: ok ? 'info' : 'warning',
      message: ok
        ? `tensor count ${shapes.size} and numel ${numel} match a ${kind} model of this size`
        : `expected ${want.tensors} tensors / ${want.numel} elements for a ${kind} model of this size, found ${shapes.size} / ${numel}`,
    });
  }
  if (kind === 'pretrain-online' || kind === 'pretrain-target') {
    const t = config.imgSize / config.patchSize;
    const pos = shapes.get('rep_decoder_pos_embed');
    if (pos && pos[1] !== t * t + 1)
      notes.push({
        level: 'warning',
        message: `rep_decoder_pos_embed has ${pos[1]} rows, expected ${t * t + 1}`,
      });
    if (config.repDecoder.dim !== config.embedDim) {
      notes.push({
        level: 'warning',
        message: `rep-decoder width ${config.repDecoder.dim} differs from D=${config.embedDim}; the official code requires them equal`,
      });
    }
  }
  if (kind === 'fas') {
    const a = shapes.get('embedder.bottleneck_layer_fc.weight');
    const b = shapes.get('embedder.bottleneck_layer.0.weight');
    if (!a || !b)
      notes.push({
        level: 'warning',
        message: 'FAS embedder aliases (bottleneck_layer_fc / bottleneck_layer.0) are missing',
      });
  }
  return { kind, prefix, globalPool, size: config.name, config, numTensors: shapes.size, numel, notes };
}

/** Names of the encoder tensors (SPEC §2.3(a), plus norm / fc_norm) of a detected state dict, with its prefix. */
export function encoderKeys(keys: Iterable<string>, prefix = ''): string[] {
  const re =
    /^(cls_token|pos_embed|patch_embed\.proj\.(weight|bias)|blocks\.\d+\..+|norm\.(weight|bias)|fc_norm\.(weight|bias))$/;
  const out: string[] = [];
  for (const k of keys) if (k.startsWith(prefix) && re.test(k.slice(prefix.length))) out.push(k);
  return out;
}
