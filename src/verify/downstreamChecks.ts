// Downstream parity against the oracle fixtures: the fine-tuned classifier (SPEC §1.6), the FS-Adapter ViT (§1.8),
// the FAS model fas_model_fix (§1.7, with the load-time assertions of §10.3 items 4–5) and the positional tables
// (§1.3, §2.5). Every model runs in eval mode on inputs/images.bin through the traced graph and onnxruntime.

import { join } from 'node:path';
import { compile, Graph, type HostTensor, type Tensor } from '../graph/index.js';
import { encoderConfig } from '../models/encoderConfig.js';
import { columnNorms, fasModel, prepareFasStateDict } from '../models/fasModel.js';
import { FS_ADAPTER_MISSING_FROM_PRETRAIN, type FsAdapterConfig, fsAdapterVit } from '../models/fsAdapter.js';
import { loadStateDict } from '../models/loadStateDict.js';
import { type ClassifierConfig, vitClassifier } from '../models/vitClassifier.js';
import { interpolatePosEmbed, sincos2d } from '../nn/posEmbed.js';
import { Scope } from '../nn/scope.js';
import { matchStateDict, type StateDict } from '../nn/stateDict.js';
import type { VitConfig } from '../nn/vit.js';
import type { CheckResult } from './checkResult.js';
import { fixtureSizeConfig } from './fixtureConfig.js';
import {
  combine,
  compareScalar,
  compareValues,
  FORWARD_TOL,
  type OracleArray,
  readOracleArray,
  readOracleJson,
} from './oracle.js';

/** The fixture's tiny encoder (fixture README, "Model configuration"): heads are not stored in checkpoints. */
/** The encoder configuration the fixture set was generated with (from its generation_record.json). */
function fixtureVit(fixtureDir: string): VitConfig {
  return encoderConfig(fixtureSizeConfig(fixtureDir));
}

type Outputs = Record<string, Float32Array>;

/** Traces `build` in eval mode, feeds every declared parameter from `sd` (which must match them exactly). */
async function runModel(
  sd: StateDict,
  images: OracleArray,
  build: (s: Scope, images: Tensor) => Record<string, Tensor>,
  label: string,
): Promise<{ out: Outputs; load: CheckResult }> {
  const g = new Graph();
  const s = Scope.root(g);
  const x = g.input('images', 'float32', images.shape);
  const outputs = build(s, x);
  const specs = s.registry.list();
  const { missing, unexpected, mismatched } = matchStateDict(specs, sd);
  const problems = [
    ...missing.map((k) => `missing ${k}`),
    ...unexpected.map((k) => `unexpected ${k}`),
    ...mismatched,
  ];
  const load: CheckResult = {
    name: `${label} strict load`,
    pass: problems.length === 0,
    worstAbsErr: 0,
    tolerance: 'exact key set',
    ...(problems.length ? { detail: problems.slice(0, 5).join('; ') } : {}),
  };
  if (!load.pass) throw new Error(`${label}: checkpoint does not match the model: ${load.detail}`);
  const feeds: Record<string, HostTensor | Float32Array> = { images: images.data as Float32Array };
  for (const spec of specs) {
    const t = sd.get(spec.name)!;
    feeds[spec.name] = { dtype: 'float32', shape: t.shape, data: t.data };
  }
  const exe = await compile(outputs);
  const res = await exe.run(feeds);
  const out: Outputs = {};
  for (const k of Object.keys(outputs)) out[k] = res[k]!.data as Float32Array;
  return { out, load };
}

function compareArray(
  expectedDir: string,
  stem: string,
  actual: Float32Array,
  extra: CheckResult[] = [],
): CheckResult {
  const e = readOracleArray(expectedDir, stem);
  return combine(stem, [compareValues(stem, actual, e.data as Float32Array, FORWARD_TOL), ...extra]);
}

function softmaxRow(z: ArrayLike<number>): number[] {
  const m = Math.max(...Array.from(z));
  const e = Array.from(z, (v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

function pReal(logits: Float32Array, classes: number): { p: number[]; argmax: number[] } {
  const p: number[] = [];
  const argmax: number[] = [];
  for (let i = 0; i < logits.length / classes; i++) {
    const row = logits.subarray(i * classes, (i + 1) * classes);
    p.push(softmaxRow(row)[1]!);
    let best = 0;
    for (let c = 1; c < classes; c++) if (row[c]! > row[best]!) best = c;
    argmax.push(best);
  }
  return { p, argmax };
}

/**
 * SPEC §2.5 / §10.3 item 3: loading the pre-training checkpoint into this model leaves exactly `expected` missing
 * (`prefix` is stripped from the model keys first, as the FAS backbone loads with its own names).
 */
function missingFromPretrain(
  model: StateDict,
  pretrain: StateDict,
  expected: readonly string[],
  prefix = '',
): CheckResult {
  const missing = [...model.keys()]
    .filter((k) => k.startsWith(prefix))
    .map((k) => k.slice(prefix.length))
    .filter((k) => !pretrain.has(k))
    .sort();
  const pass = missing.join() === [...expected].sort().join();
  return {
    name: 'missing keys when loading pretrain-online',
    pass,
    worstAbsErr: 0,
    tolerance: 'exact key set',
    ...(pass ? {} : { detail: `missing ${missing.join(', ')}; expected ${expected.join(', ')}` }),
  };
}

async function finetuneChecks(
  dir: string,
  images: OracleArray,
  pretrain: StateDict,
): Promise<Record<string, CheckResult>> {
  const expectedDir = join(dir, 'expected');
  const { stateDict } = await loadStateDict(join(dir, 'checkpoints', 'finetune-vit.pth'));
  const cfg: ClassifierConfig = {
    ...fixtureVit(dir),
    numClasses: 2,
    globalPool: true,
    posEmbedTrainable: true,
  };
  const { out } = await runModel(
    stateDict,
    images,
    (s, x) => ({ ...vitClassifier(s, x, cfg) }),
    'finetune-vit',
  );
  const probs = readOracleJson<{ p_real_softmax_index1: number[]; argmax: number[] }>(
    expectedDir,
    'finetune_probs.json',
  );
  const got = pReal(out.logits!, 2);
  return {
    finetune_features: compareArray(expectedDir, 'finetune_features', out.features!, [
      missingFromPretrain(stateDict, pretrain, [
        'fc_norm.weight',
        'fc_norm.bias',
        'head.weight',
        'head.bias',
      ]),
    ]),
    finetune_logits: compareArray(expectedDir, 'finetune_logits', out.logits!),
    finetune_probs: combine('finetune_probs', [
      compareValues('p_real', got.p, probs.p_real_softmax_index1, FORWARD_TOL),
      compareValues('argmax', got.argmax, probs.argmax, { abs: 0 }),
    ]),
  };
}

function tensorsEqual(name: string, a: StateDict, b: StateDict, names: readonly string[]): CheckResult {
  const differing = names.filter((k) => {
    const x = a.get(k);
    const y = b.get(k);
    return !x || !y || x.data.length !== y.data.length || x.data.some((v, i) => !Object.is(v, y.data[i]));
  });
  return {
    name,
    pass: differing.length === 0 && names.length > 0,
    worstAbsErr: 0,
    tolerance: 'bit-identical',
    ...(differing.length
      ? { detail: `${differing.length} differ, e.g. ${differing.slice(0, 3).join(', ')}` }
      : {}),
  };
}

function constantTensor(sd: StateDict, key: string, value: number): CheckResult {
  const t = sd.get(key);
  const data = t ? Array.from(t.data) : [];
  return compareValues(`${key} = ${value}`, data, data.length ? data.map(() => value) : [value], { abs: 0 });
}

async function fsAdapterChecks(
  dir: string,
  images: OracleArray,
  pretrain: StateDict,
): Promise<Record<string, CheckResult>> {
  const expectedDir = join(dir, 'expected');
  const { stateDict } = await loadStateDict(join(dir, 'checkpoints', 'fsadapter-vit.pth'));
  const cfg: FsAdapterConfig = { ...fixtureVit(dir), numClasses: 2, reduction: 4, posEmbedTrainable: true };
  const { out } = await runModel(
    stateDict,
    images,
    (s, x) => ({ ...fsAdapterVit(s, x, cfg) }),
    'fsadapter-vit',
  );
  // SPEC §10.3 items 3–4: the backbone is the pre-trained encoder bit for bit, fc_norm stays the identity LN, and
  // loading the pre-training checkpoint leaves exactly the adapter/projector/head/fc_norm keys missing.
  const backbone = [...stateDict.keys()].filter((k) => !/adapter|projector|head|fc_norm/.test(k));
  const frozen = [
    tensorsEqual('backbone = pretrain-online encoder', stateDict, pretrain, backbone),
    constantTensor(stateDict, 'fc_norm.weight', 1),
    constantTensor(stateDict, 'fc_norm.bias', 0),
    missingFromPretrain(stateDict, pretrain, FS_ADAPTER_MISSING_FROM_PRETRAIN),
  ];
  return {
    fsadapter_features: compareArray(expectedDir, 'fsadapter_features', out.features!, frozen),
    fsadapter_bottleneck: compareArray(expectedDir, 'fsadapter_bottleneck', out.bottleneck!),
    fsadapter_adapter_out: compareArray(expectedDir, 'fsadapter_adapter_out', out.adapterOut!),
    fsadapter_logits: compareArray(expectedDir, 'fsadapter_logits', out.logits!),
    fsadapter_proj_normalized: compareArray(expectedDir, 'fsadapter_proj_normalized', out.projNormalized!),
  };
}

interface FasCheckpointJson {
  embedder_alias_same_storage: boolean;
  classifier_column_l2_norms: number[];
  logits_token0: number[][];
  p_live_softmax_index1: number[];
  state_dict_num_tensors: number;
}

async function fasChecks(
  dir: string,
  images: OracleArray,
  _pretrain: StateDict,
): Promise<Record<string, CheckResult>> {
  const expectedDir = join(dir, 'expected');
  const { stateDict } = await loadStateDict(join(dir, 'checkpoints', 'fas-vit.pth.tar'));
  const expected = readOracleJson<FasCheckpointJson>(expectedDir, 'fas_checkpoint.json');
  let aliasCheck: CheckResult;
  let prepared: StateDict;
  try {
    prepared = prepareFasStateDict(stateDict);
    aliasCheck = { name: 'embedder alias equality', pass: true, worstAbsErr: 0, tolerance: 'bit-identical' };
  } catch (e) {
    prepared = new Map([...stateDict].filter(([k]) => !k.startsWith('embedder.bottleneck_layer.0.')));
    aliasCheck = {
      name: 'embedder alias equality',
      pass: false,
      worstAbsErr: Number.NaN,
      tolerance: 'bit-identical',
      detail: (e as Error).message,
    };
  }
  const w = stateDict.get('classifier.classifier_layer.weight');
  const norms = w ? columnNorms(w.data, w.shape[0]!, w.shape[1]!) : [];
  const { out } = await runModel(
    prepared,
    images,
    (s, x) => ({ ...fasModel(s, x, fixtureVit(dir)) }),
    'fas-vit',
  );
  const live = pReal(out.logits!, 2).p;
  return {
    fas_backbone_tokens: compareArray(expectedDir, 'fas_backbone_tokens', out.tokens!),
    fas_cls_out: compareArray(expectedDir, 'fas_cls_out', out.clsOut!),
    fas_embedder_features: compareArray(expectedDir, 'fas_embedder_features', out.embedding!),
    fas_checkpoint: combine('fas_checkpoint', [
      compareValues('state_dict tensor count', [stateDict.size], [expected.state_dict_num_tensors], {
        abs: 0,
      }),
      aliasCheck,
      compareValues(
        'classifier column norms',
        norms,
        norms.map(() => 1),
        { abs: 1e-6 },
      ),
      compareValues(
        'classifier column norms (recorded)',
        norms.slice(0, expected.classifier_column_l2_norms.length),
        expected.classifier_column_l2_norms,
        { abs: 1e-6 },
      ),
      compareValues('logits_token0', out.logits!, expected.logits_token0.flat(), FORWARD_TOL),
      compareValues('p_live', live, expected.p_live_softmax_index1, FORWARD_TOL),
    ]),
  };
}

interface PosEmbedJson {
  tables: Array<{
    /** absent on the interpolation entries, which only name their .bin files */
    embed_dim?: number;
    grid_size: number;
    row0: number[];
    row1: number[];
    row_last: number[];
    sum: number;
    abs_sum: number;
    sum_sq: number;
  }>;
}

function posEmbedChecks(dir: string, pretrain: StateDict): Record<string, CheckResult> {
  const expectedDir = join(dir, 'expected');
  const out: Record<string, CheckResult> = {};
  for (const dim of [64, 96, 192, 512]) {
    const stem = `pos_embed_sincos_${dim}_g14`;
    out[stem] = compareValues(
      stem,
      sincos2d(dim, 14),
      readOracleArray(expectedDir, stem).data as Float32Array,
      {
        abs: 1e-6,
      },
    );
  }
  const table = pretrain.get('pos_embed');
  if (!table) throw new Error('pretrain-online.pth has no pos_embed');
  const dim = table.shape[2]!;
  for (const g of [12, 16]) {
    const stem = `pos_embed_interp_14_to_${g}`;
    out[stem] = compareValues(
      stem,
      interpolatePosEmbed(table.data, dim, 1, g),
      readOracleArray(expectedDir, stem).data as Float32Array,
      {
        abs: 1e-5,
      },
    );
  }
  const json = readOracleJson<PosEmbedJson>(expectedDir, 'pos_embed.json');
  const parts: CheckResult[] = [];
  for (const t of json.tables) {
    const d = t.embed_dim;
    if (d === undefined) continue;
    const values = sincos2d(d, t.grid_size);
    const rows = values.length / d;
    const label = `sincos ${d} g${t.grid_size}`;
    parts.push(compareValues(`${label} row0`, values.subarray(0, d), t.row0, { abs: 1e-6 }));
    parts.push(compareValues(`${label} row1`, values.subarray(d, 2 * d), t.row1, { abs: 1e-6 }));
    parts.push(
      compareValues(`${label} last row`, values.subarray((rows - 1) * d), t.row_last, { abs: 1e-6 }),
    );
    let sum = 0;
    let absSum = 0;
    let sumSq = 0;
    for (const v of values) {
      sum += v;
      absSum += Math.abs(v);
      sumSq += v * v;
    }
    // checksums of the float64 table; the float32 rounding moves them by far less than 1e-6 relative
    parts.push(compareScalar(`${label} sum`, sum, t.sum, 1e-6));
    parts.push(compareScalar(`${label} abs_sum`, absSum, t.abs_sum, 1e-6));
    parts.push(compareScalar(`${label} sum_sq`, sumSq, t.sum_sq, 1e-6));
  }
  out.pos_embed = combine('pos_embed', parts);
  return out;
}

/** Downstream checks keyed by the expected file stem; `fixtureDir` is the oracle folder. */
export async function checkDownstreamFixtures(fixtureDir: string): Promise<Record<string, CheckResult>> {
  const images = readOracleArray(join(fixtureDir, 'inputs'), 'images');
  const { stateDict: pretrain } = await loadStateDict(join(fixtureDir, 'checkpoints', 'pretrain-online.pth'));
  return {
    ...(await finetuneChecks(fixtureDir, images, pretrain)),
    ...(await fsAdapterChecks(fixtureDir, images, pretrain)),
    ...(await fasChecks(fixtureDir, images, pretrain)),
    ...posEmbedChecks(fixtureDir, pretrain),
  };
}
