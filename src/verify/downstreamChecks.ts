// Downstream parity against the oracle fixtures: the fine-tuned classifier (SPEC §1.6), the FS-Adapter ViT (§1.8),
// the FAS model fas_model_fix (§1.7, with the load-time assertions of §10.3 items 4–5) and the positional tables
// (§1.3, §2.5). Every model runs in eval mode on inputs/images.bin through the traced graph and onnxruntime.

import { compile, Graph, type HostTensor, type Tensor } from '../graph/index.js';
import { encoderConfig } from '../models/encoderConfig.js';
import { columnNorms, fasModel, prepareFasStateDict } from '../models/fasModel.js';
import { FS_ADAPTER_MISSING_FROM_PRETRAIN, type FsAdapterConfig, fsAdapterVit } from '../models/fsAdapter.js';
import { type ClassifierConfig, vitClassifier } from '../models/vitClassifier.js';
import { interpolatePosEmbed, sincos2d } from '../nn/posEmbed.js';
import { Scope } from '../nn/scope.js';
import { matchStateDict, type StateDict } from '../nn/stateDict.js';
import type { EncoderConfig } from '../nn/vit.js';
import type { CheckResult } from './checkResult.js';
import type { FixtureCheck } from './fixtureCheck.js';
import { fixtureSizeConfig } from './fixtureConfig.js';
import { arrayFiles, type FixtureSet, GENERATION_RECORD } from './fixtureSet.js';
import { combine, compareScalar, compareValues, FORWARD_TOL, type OracleArray } from './oracle.js';

/** The encoder configuration the fixture set was generated with (from its generation_record.json). */
function fixtureVit(fixtureDir: string): EncoderConfig {
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

const PRETRAIN_ONLINE = 'checkpoints/pretrain-online.pth';
const IMAGES = arrayFiles('inputs/images');

/** A recorded float32 array against `actual()`, at the forward-pass tolerance. */
function arrayCheck(
  set: FixtureSet,
  stem: string,
  needs: readonly string[],
  actual: () => Promise<Float32Array>,
): FixtureCheck {
  return {
    id: stem,
    needs: [...needs, ...arrayFiles(`expected/${stem}`)],
    run: async () => {
      const got = await actual();
      const e = await set.array(`expected/${stem}`);
      return compareValues(stem, got, e.data as Float32Array, FORWARD_TOL);
    },
  };
}

function finetuneChecks(set: FixtureSet): FixtureCheck[] {
  const ckpt = 'checkpoints/finetune-vit.pth';
  const needs = [GENERATION_RECORD, ...IMAGES, ckpt];
  const outputs = () =>
    set.once('finetune-vit outputs', async () => {
      const cfg: ClassifierConfig = {
        ...fixtureVit(set.dir),
        numClasses: 2,
        globalPool: true,
        posEmbedTrainable: true,
      };
      const { out } = await runModel(
        await set.stateDict(ckpt),
        await set.array('inputs/images'),
        (s, x) => ({ ...vitClassifier(s, x, cfg) }),
        'finetune-vit',
      );
      return out;
    });
  return [
    arrayCheck(set, 'finetune_features', needs, async () => (await outputs()).features!),
    {
      id: 'finetune_features:missing keys',
      needs: [ckpt, PRETRAIN_ONLINE],
      run: async () =>
        missingFromPretrain(await set.stateDict(ckpt), await set.stateDict(PRETRAIN_ONLINE), [
          'fc_norm.weight',
          'fc_norm.bias',
          'head.weight',
          'head.bias',
        ]),
    },
    arrayCheck(set, 'finetune_logits', needs, async () => (await outputs()).logits!),
    {
      id: 'finetune_probs',
      needs: [...needs, 'expected/finetune_probs.json'],
      run: async () => {
        const probs = await set.json<{ p_real_softmax_index1: number[]; argmax: number[] }>(
          'expected/finetune_probs.json',
        );
        const got = pReal((await outputs()).logits!, 2);
        return combine('finetune_probs', [
          compareValues('p_real', got.p, probs.p_real_softmax_index1, FORWARD_TOL),
          compareValues('argmax', got.argmax, probs.argmax, { abs: 0 }),
        ]);
      },
    },
  ];
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

function fsAdapterChecks(set: FixtureSet): FixtureCheck[] {
  const ckpt = 'checkpoints/fsadapter-vit.pth';
  const needs = [GENERATION_RECORD, ...IMAGES, ckpt];
  const outputs = () =>
    set.once('fsadapter-vit outputs', async () => {
      const cfg: FsAdapterConfig = {
        ...fixtureVit(set.dir),
        numClasses: 2,
        reduction: 4,
        posEmbedTrainable: true,
      };
      const { out } = await runModel(
        await set.stateDict(ckpt),
        await set.array('inputs/images'),
        (s, x) => ({ ...fsAdapterVit(s, x, cfg) }),
        'fsadapter-vit',
      );
      return out;
    });
  return [
    arrayCheck(set, 'fsadapter_features', needs, async () => (await outputs()).features!),
    // SPEC §10.3 items 3–4: the backbone is the pre-trained encoder bit for bit, fc_norm stays the identity LN, and
    // loading the pre-training checkpoint leaves exactly the adapter/projector/head/fc_norm keys missing.
    {
      id: 'fsadapter_features:identity fc_norm',
      needs: [ckpt],
      run: async () => {
        const sd = await set.stateDict(ckpt);
        return combine('identity fc_norm', [
          constantTensor(sd, 'fc_norm.weight', 1),
          constantTensor(sd, 'fc_norm.bias', 0),
        ]);
      },
    },
    {
      id: 'fsadapter_features:frozen backbone',
      needs: [ckpt, PRETRAIN_ONLINE],
      run: async () => {
        const sd = await set.stateDict(ckpt);
        const pretrain = await set.stateDict(PRETRAIN_ONLINE);
        const backbone = [...sd.keys()].filter((k) => !/adapter|projector|head|fc_norm/.test(k));
        return combine('frozen backbone', [
          tensorsEqual('backbone = pretrain-online encoder', sd, pretrain, backbone),
          missingFromPretrain(sd, pretrain, FS_ADAPTER_MISSING_FROM_PRETRAIN),
        ]);
      },
    },
    arrayCheck(set, 'fsadapter_bottleneck', needs, async () => (await outputs()).bottleneck!),
    arrayCheck(set, 'fsadapter_adapter_out', needs, async () => (await outputs()).adapterOut!),
    arrayCheck(set, 'fsadapter_logits', needs, async () => (await outputs()).logits!),
    arrayCheck(set, 'fsadapter_proj_normalized', needs, async () => (await outputs()).projNormalized!),
  ];
}

interface FasCheckpointJson {
  embedder_alias_same_storage: boolean;
  classifier_column_l2_norms: number[];
  logits_token0: number[][];
  p_live_softmax_index1: number[];
  state_dict_num_tensors: number;
}

function fasChecks(set: FixtureSet): FixtureCheck[] {
  const ckpt = 'checkpoints/fas-vit.pth.tar';
  const needs = [GENERATION_RECORD, ...IMAGES, ckpt];
  const outputs = () =>
    set.once('fas-vit outputs', async () => {
      const stateDict = await set.stateDict(ckpt);
      let aliasCheck: CheckResult;
      let prepared: StateDict;
      try {
        prepared = prepareFasStateDict(stateDict);
        aliasCheck = {
          name: 'embedder alias equality',
          pass: true,
          worstAbsErr: 0,
          tolerance: 'bit-identical',
        };
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
      const { out } = await runModel(
        prepared,
        await set.array('inputs/images'),
        (s, x) => ({ ...fasModel(s, x, fixtureVit(set.dir)) }),
        'fas-vit',
      );
      return { out, aliasCheck, stateDict };
    });
  return [
    arrayCheck(set, 'fas_backbone_tokens', needs, async () => (await outputs()).out.tokens!),
    arrayCheck(set, 'fas_cls_out', needs, async () => (await outputs()).out.clsOut!),
    arrayCheck(set, 'fas_embedder_features', needs, async () => (await outputs()).out.embedding!),
    {
      id: 'fas_checkpoint',
      needs: [...needs, 'expected/fas_checkpoint.json'],
      run: async () => {
        const expected = await set.json<FasCheckpointJson>('expected/fas_checkpoint.json');
        const { out, aliasCheck, stateDict } = await outputs();
        const w = stateDict.get('classifier.classifier_layer.weight');
        const norms = w ? columnNorms(w.data, w.shape[0]!, w.shape[1]!) : [];
        const live = pReal(out.logits!, 2).p;
        return combine('fas_checkpoint', [
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
        ]);
      },
    },
  ];
}

interface PosEmbedJson {
  tables: Array<{
    /** absent on the interpolation entries, which only name their .bin files */
    embed_dim?: number;
    file?: string;
    grid_size: number;
    row0: number[];
    row1: number[];
    row_last: number[];
    sum: number;
    abs_sum: number;
    sum_sq: number;
  }>;
}

/** Grid of the fixture models' 224-px inputs at patch 16. */
const GRID = 14;
const SINCOS_STEM = /^pos_embed_sincos_(\d+)_g(\d+)$/;
const INTERP_STEM = /^pos_embed_interp_(\d+)_to_(\d+)$/;

/**
 * The sin-cos tables and interpolations this set holds or names: the encoder and pixel-decoder widths of its
 * generation record, the entries of pos_embed.json and the files under expected/.
 */
function positionalStems(set: FixtureSet): { sincos: string[]; interp: string[] } {
  const sincos = new Set<string>();
  const interp = new Set<string>();
  const record = set.jsonIfReadable<{ model_config?: { embed_dim?: number; decoder_embed_dim?: number } }>(
    GENERATION_RECORD,
  );
  for (const dim of [record?.model_config?.embed_dim, record?.model_config?.decoder_embed_dim])
    if (typeof dim === 'number') sincos.add(`pos_embed_sincos_${dim}_g${GRID}`);
  const json = set.jsonIfReadable<PosEmbedJson>('expected/pos_embed.json');
  for (const t of json?.tables ?? []) {
    const stem = typeof t.file === 'string' ? t.file.replace(/\.bin$/, '') : '';
    if (SINCOS_STEM.test(stem)) sincos.add(stem);
    if (INTERP_STEM.test(stem)) interp.add(stem);
  }
  for (const stem of set.expectedStems()) {
    if (SINCOS_STEM.test(stem)) sincos.add(stem);
    if (INTERP_STEM.test(stem)) interp.add(stem);
  }
  return { sincos: [...sincos].sort(), interp: [...interp].sort() };
}

function posEmbedChecks(set: FixtureSet): FixtureCheck[] {
  const { sincos, interp } = positionalStems(set);
  const checks: FixtureCheck[] = sincos.map((stem) => {
    const [, dim, grid] = SINCOS_STEM.exec(stem)!;
    return {
      id: stem,
      needs: arrayFiles(`expected/${stem}`),
      run: async () =>
        compareValues(
          stem,
          sincos2d(Number(dim), Number(grid)),
          (await set.array(`expected/${stem}`)).data as Float32Array,
          { abs: 1e-6 },
        ),
    };
  });
  for (const stem of interp) {
    const [, from, to] = INTERP_STEM.exec(stem)!;
    checks.push({
      id: stem,
      needs: [PRETRAIN_ONLINE, ...arrayFiles(`expected/${stem}`)],
      run: async () => {
        const table = (await set.stateDict(PRETRAIN_ONLINE)).get('pos_embed');
        if (!table) throw new Error('pretrain-online.pth has no pos_embed');
        const dim = table.shape[2]!;
        const rows = table.data.length / dim - 1;
        if (rows !== Number(from) ** 2)
          throw new Error(
            `${stem} starts from a ${from}×${from} grid, pretrain-online.pth has ${rows} patch rows`,
          );
        return compareValues(
          stem,
          interpolatePosEmbed(table.data, dim, 1, Number(to)),
          (await set.array(`expected/${stem}`)).data as Float32Array,
          { abs: 1e-5 },
        );
      },
    });
  }
  checks.push({
    id: 'pos_embed',
    needs: ['expected/pos_embed.json'],
    run: async () => {
      const json = await set.json<PosEmbedJson>('expected/pos_embed.json');
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
      return combine('pos_embed', parts);
    },
  });
  return checks;
}

/** Downstream checks (fine-tuned classifier, FS-Adapter, FAS model, positional tables) of one fixture set. */
export function downstreamChecks(set: FixtureSet): FixtureCheck[] {
  return [...finetuneChecks(set), ...fsAdapterChecks(set), ...fasChecks(set), ...posEmbedChecks(set)];
}
