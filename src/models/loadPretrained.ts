// The official load rules (SPEC §2.5): initialising a downstream model from a pre-training (online) checkpoint or
// an encoder safetensors (non-strict, positional-table interpolation, asserted missing-key sets, head re-init), and
// the strict load of a fine-tuned detector for testing. Errors name the file, what it is and what was expected.
import { existsSync } from 'node:fs';
import { fmt } from '../graph/shape.js';
import { initialize } from '../nn/init.js';
import { interpolatePosEmbed } from '../nn/posEmbed.js';
import type { Rng } from '../nn/random.js';
import type { ParamSpec } from '../nn/scope.js';
import type { StateDict } from '../nn/stateDict.js';
import { type DetectedCheckpoint, detectCheckpoint } from './checkpointKind.js';
import { isDetectorKind, isFasKind } from './detectorKind.js';
import { prepareFasStateDict } from './fasModel.js';
import { FS_ADAPTER_MISSING_FROM_PRETRAIN } from './fsAdapter.js';
import { loadStateDict } from './loadStateDict.js';
import { MODEL_NAMES, type SizeConfig, vitSize } from './sizes.js';

/** The downstream architectures of SPEC §1.6–1.8. */
export type DownstreamKind = 'classifier' | 'fs-adapter' | 'fas' | 'fas-fs-adapter';

/** Checkpoint kinds a downstream model can be initialised from. */
export const PRETRAIN_KINDS = ['pretrain-online', 'pretrain-target', 'encoder-only'] as const;

export interface ReadCheckpoint {
  path: string;
  stateDict: StateDict;
  format: 'pth' | 'safetensors';
  detected: DetectedCheckpoint;
}

/** Key prefixes other SSL code puts in front of encoder names; stripped on load (SPEC §2.5, FAS loader). */
const FOREIGN_PREFIXES = ['module.', 'target_encoder.'];

export function stripForeignPrefixes<T>(sd: ReadonlyMap<string, T>): ReadonlyMap<string, T> {
  let out = sd;
  for (const p of FOREIGN_PREFIXES) {
    if (![...out.keys()].some((k) => k.startsWith(p))) continue;
    const next = new Map<string, T>();
    for (const [k, v] of out) next.set(k.startsWith(p) ? k.slice(p.length) : k, v);
    out = next;
  }
  return out;
}

/**
 * Reads the state dict of a `.pth`/`.pth.tar` (`model`, `state_dict`, or a raw dict of tensors) or `.safetensors`
 * file, strips `module.` / `target_encoder.` prefixes, and detects what it is.
 */
export async function readCheckpoint(path: string): Promise<ReadCheckpoint> {
  if (!existsSync(path)) throw new Error(`checkpoint not found: ${path}`);
  let loaded: Awaited<ReturnType<typeof loadStateDict>>;
  try {
    loaded = await loadStateDict(path);
  } catch (err) {
    throw new Error(`cannot read checkpoint ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const stateDict = new Map(stripForeignPrefixes(loaded.stateDict));
  return { path, stateDict, format: loaded.format, detected: detectCheckpoint(stateDict) };
}

/** The missing-key set the official code asserts when it loads a pre-training checkpoint (SPEC §2.5). */
export function expectedMissingFromPretrain(
  kind: DownstreamKind,
  specs: readonly ParamSpec[],
  globalPool = true,
): string[] {
  const pooled = globalPool
    ? ['head.weight', 'head.bias', 'fc_norm.weight', 'fc_norm.bias']
    : ['head.weight', 'head.bias'];
  switch (kind) {
    case 'classifier':
      return pooled;
    case 'fs-adapter':
      return [...FS_ADAPTER_MISSING_FROM_PRETRAIN];
    case 'fas':
    case 'fas-fs-adapter': {
      // backbone.vit loads non-strictly (fc_norm, and the FS-Adapter branch + unused head, are new); the embedder
      // and classifier are fresh modules
      const vit = kind === 'fas' ? ['fc_norm.weight', 'fc_norm.bias'] : FS_ADAPTER_MISSING_FROM_PRETRAIN;
      // (the FS-Adapter ViT's unused `head` exists in official FAS checkpoints but is not part of the graph)
      const declared = new Set(specs.map((s) => s.name));
      return [
        ...vit.map((k) => `backbone.vit.${k}`).filter((k) => declared.has(k)),
        ...specs.map((s) => s.name).filter((n) => !n.startsWith('backbone.vit.')),
      ];
    }
  }
}

const describeSize = (sd: StateDict, prefix = ''): string => {
  const cls = sd.get(`${prefix}cls_token`);
  const patch = sd.get(`${prefix}patch_embed.proj.weight`);
  let depth = 0;
  const re = new RegExp(`^${prefix.replace(/\./g, '\\.')}blocks\\.(\\d+)\\.`);
  for (const k of sd.keys()) {
    const m = re.exec(k);
    if (m) depth = Math.max(depth, Number(m[1]) + 1);
  }
  return `D=${cls?.shape[2] ?? '?'} depth ${depth} patch ${patch?.shape[2] ?? '?'} (cls_token ${cls ? fmt(cls.shape) : 'absent'}, patch_embed.proj.weight ${patch ? fmt(patch.shape) : 'absent'})`;
};

const specSize = (specs: readonly ParamSpec[], prefix: string): string => {
  const sd: StateDict = new Map();
  for (const s of specs)
    if (s.name.startsWith(prefix)) sd.set(s.name, { shape: s.shape, data: new Float32Array(0) });
  return describeSize(sd, prefix);
};

export interface PretrainedLoadOptions {
  kind: DownstreamKind;
  /** init of the keys the checkpoint does not provide (the head re-init of §1.6/§1.8) */
  rng: Rng;
  /** `--model` as the user wrote it, for messages */
  modelName?: string;
  globalPool?: boolean;
}

export interface PretrainedLoad {
  /** a value for every declared parameter */
  stateDict: StateDict;
  /** model keys initialised fresh (equals the asserted set) */
  missing: string[];
  /** checkpoint keys ignored (decoders, projector/predictor, norm, mask_token…) */
  unexpected: string[];
  /** grid change of the positional table, when it was interpolated */
  interpolated: { from: number; to: number } | null;
  /** `head.*` of the checkpoint dropped because its shape differs */
  droppedHead: string[];
}

/**
 * Initialises `specs` from a pre-training checkpoint the official way: non-strict load with positional-table
 * interpolation, the expected missing set asserted, everything else ignored, fresh values (the model's own
 * initialisers, e.g. head TruncNormal(2e-5)) for the missing keys. Throws on a detector checkpoint, a size
 * mismatch (naming the shapes), or an unexpected missing set.
 */
export function initFromPretrained(
  ckpt: ReadCheckpoint,
  specs: readonly ParamSpec[],
  opts: PretrainedLoadOptions,
): PretrainedLoad {
  const kind = ckpt.detected.kind;
  if (isDetectorKind(kind)) {
    throw new Error(
      `${ckpt.path} is a fine-tuned detector checkpoint (${kind}), not a pre-training one; --finetune needs the pre-training checkpoint (checkpoint-*.pth of fsvfm pretrain or the released pretrained_models/…) or an encoder .safetensors`,
    );
  }
  if (kind === 'unknown') {
    throw new Error(
      `${ckpt.path} holds no ViT encoder (no cls_token / patch_embed.proj.weight); is it an FS-VFM checkpoint?`,
    );
  }
  const prefix = isFasKind(opts.kind) ? 'backbone.vit.' : '';
  const src = ckpt.stateDict;
  // size check first, with both shapes in the message
  const checkShape = (key: string): void => {
    const spec = specs.find((s) => s.name === prefix + key);
    const have = src.get(key);
    if (spec && have && fmt(spec.shape) !== fmt(have.shape)) {
      throw new Error(
        `${ckpt.path} is a ViT of ${describeSize(src)}, but ${opts.modelName ? `--model ${opts.modelName}` : 'the model'} is ${specSize(specs, prefix)}; pick the --model that matches the checkpoint`,
      );
    }
  };
  checkShape('cls_token');
  checkShape('patch_embed.proj.weight');
  const modelDepth = specs.filter((s) =>
    new RegExp(`^${prefix.replace(/\./g, '\\.')}blocks\\.\\d+\\.norm1\\.weight$`).test(s.name),
  ).length;
  const ckptDepth = [...src.keys()].filter((k) => /^blocks\.\d+\.norm1\.weight$/.test(k)).length;
  if (modelDepth !== ckptDepth) {
    throw new Error(
      `${ckpt.path} is a ViT of ${describeSize(src)}, but ${opts.modelName ? `--model ${opts.modelName}` : 'the model'} is ${specSize(specs, prefix)}; pick the --model that matches the checkpoint`,
    );
  }

  const values: StateDict = new Map();
  const names = new Set(specs.map((s) => s.name));
  const droppedHead: string[] = [];
  let interpolated: PretrainedLoad['interpolated'] = null;
  const unexpected: string[] = [];
  for (const [key, t] of src) {
    const target = prefix + key;
    const spec = specs.find((s) => s.name === target);
    if (!names.has(target) || !spec) {
      unexpected.push(key);
      continue;
    }
    if (key.startsWith('head.') && fmt(spec.shape) !== fmt(t.shape)) {
      droppedHead.push(key);
      continue;
    }
    if (key === 'pos_embed' && fmt(spec.shape) !== fmt(t.shape)) {
      const dim = t.shape[2]!;
      const gOut = Math.round(Math.sqrt(spec.shape[1]! - 1));
      const gIn = Math.round(Math.sqrt(t.shape[1]! - 1));
      values.set(target, { shape: [...spec.shape], data: interpolatePosEmbed(t.data, dim, 1, gOut) });
      interpolated = { from: gIn, to: gOut };
      continue;
    }
    if (fmt(spec.shape) !== fmt(t.shape)) {
      throw new Error(
        `${ckpt.path}: '${key}' is ${fmt(t.shape)} in the checkpoint but ${fmt(spec.shape)} in the model; the checkpoint does not fit this architecture`,
      );
    }
    values.set(target, { shape: [...t.shape], data: Float32Array.from(t.data) });
  }
  const missing = specs.filter((s) => !values.has(s.name)).map((s) => s.name);
  const expected = expectedMissingFromPretrain(opts.kind, specs, opts.globalPool ?? true);
  const sortJoin = (v: readonly string[]) => [...v].sort().join(', ');
  if (sortJoin(missing) !== sortJoin(expected)) {
    const extra = missing.filter((k) => !expected.includes(k));
    const absent = expected.filter((k) => !missing.includes(k));
    throw new Error(
      `${ckpt.path} (${kind}) does not load into the ${opts.kind} model as the official code asserts: ` +
        `${extra.length ? `missing ${extra.slice(0, 6).join(', ')}${extra.length > 6 ? ', …' : ''}` : ''}` +
        `${extra.length && absent.length ? '; ' : ''}` +
        `${absent.length ? `unexpectedly present ${absent.slice(0, 6).join(', ')}` : ''}`,
    );
  }
  for (const s of specs) {
    if (!values.has(s.name))
      values.set(s.name, { shape: [...s.shape], data: initialize(s.init, s.shape, opts.rng) });
  }
  return { stateDict: values, missing, unexpected, interpolated, droppedHead };
}

/**
 * Strict load of a fine-tuned detector for testing (SPEC §2.5): every declared parameter present with its shape,
 * nothing left over (FAS checkpoints: the embedder alias is checked and dropped first).
 */
export function loadDetectorStrict(ckpt: ReadCheckpoint, specs: readonly ParamSpec[]): StateDict {
  const kind = ckpt.detected.kind;
  if ((PRETRAIN_KINDS as readonly string[]).includes(kind)) {
    throw new Error(
      `${ckpt.path} is a ${kind} checkpoint, not a fine-tuned detector; evaluate the checkpoint-min_val_loss.pth written by fsvfm finetune (or a released finetuned_models/… file), or fine-tune this one first`,
    );
  }
  const sd = isFasKind(kind) ? prepareFasStateDict(ckpt.stateDict) : ckpt.stateDict;
  const names = new Set(specs.map((s) => s.name));
  const missing = specs.filter((s) => !sd.has(s.name)).map((s) => s.name);
  // the FS-Adapter FAS model stores an unused `backbone.vit.head` (SPEC §2.3(g)): not part of the graph
  const unused = (k: string) => kind === 'fas-fs-adapter' && k.startsWith('backbone.vit.head.');
  const unexpected = [...sd.keys()].filter((k) => !names.has(k) && !unused(k));
  const mismatched = specs
    .filter((s) => sd.has(s.name) && fmt(sd.get(s.name)!.shape) !== fmt(s.shape))
    .map((s) => `${s.name}: checkpoint ${fmt(sd.get(s.name)!.shape)} vs model ${fmt(s.shape)}`);
  if (missing.length || unexpected.length || mismatched.length) {
    const parts = [
      mismatched.length ? `shape mismatch ${mismatched.slice(0, 3).join('; ')}` : '',
      missing.length ? `missing ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}` : '',
      unexpected.length
        ? `unexpected ${unexpected.slice(0, 5).join(', ')}${unexpected.length > 5 ? ', …' : ''}`
        : '',
    ].filter(Boolean);
    throw new Error(
      `${ckpt.path} (${kind}, ${describeSize(sd, ckpt.detected.prefix)}) does not match the model strictly: ${parts.join('; ')}`,
    );
  }
  const out: StateDict = new Map();
  for (const s of specs) out.set(s.name, sd.get(s.name)!);
  return out;
}

export interface SizeOverrides {
  /** attention heads: required for custom sizes (head counts are not stored in weights) */
  numHeads?: number;
  /** asserted against the checkpoint when given */
  embedDim?: number;
  depth?: number;
}

/**
 * The model size to build for a checkpoint: `--model <official name>` is checked against the checkpoint's shapes
 * (a mismatch names both); `custom` (or no name) takes D, depth, patch and grid from the checkpoint and needs the
 * head count unless the dims match a registry size.
 */
export function resolveModelSize(
  ckpt: ReadCheckpoint,
  modelName: string | undefined,
  overrides: SizeOverrides = {},
): SizeConfig {
  const found = ckpt.detected.config;
  if (!found) throw new Error(`${ckpt.path} holds no ViT encoder (no cls_token / patch_embed.proj.weight)`);
  const have = `D=${found.embedDim} depth ${found.depth} patch ${found.patchSize}`;
  if (modelName && modelName !== 'custom') {
    let want: SizeConfig;
    try {
      want = vitSize(modelName);
    } catch {
      throw new Error(
        `unknown --model '${modelName}'; use one of ${Object.keys(MODEL_NAMES)
          .filter((n) => !n.startsWith('fsfm_'))
          .join(', ')} or custom`,
      );
    }
    if (
      want.embedDim !== found.embedDim ||
      want.depth !== found.depth ||
      want.patchSize !== found.patchSize
    ) {
      throw new Error(
        `--model ${modelName} is D=${want.embedDim} depth ${want.depth} patch ${want.patchSize} (cls_token [1, 1, ${want.embedDim}]), but ${ckpt.path} is ${have} (cls_token [1, 1, ${found.embedDim}]); pick the --model that matches the checkpoint (or custom)`,
      );
    }
    return {
      ...want,
      imgSize: found.imgSize,
      numClasses: found.numClasses,
      adapterReduction: found.adapterReduction,
    };
  }
  if (overrides.embedDim !== undefined && overrides.embedDim !== found.embedDim)
    throw new Error(`--embed_dim ${overrides.embedDim} does not match ${ckpt.path} (${have})`);
  if (overrides.depth !== undefined && overrides.depth !== found.depth)
    throw new Error(`--depth ${overrides.depth} does not match ${ckpt.path} (${have})`);
  const numHeads = overrides.numHeads ?? found.numHeads;
  if (numHeads === null || numHeads === undefined)
    throw new Error(
      `${ckpt.path} is a custom size (${have}); attention head counts are not stored in weights: give --num_heads`,
    );
  if (!Number.isInteger(numHeads) || numHeads < 1 || found.embedDim % numHeads !== 0)
    throw new Error(`--num_heads ${numHeads} must be a positive divisor of D=${found.embedDim}`);
  return { ...found, numHeads };
}
