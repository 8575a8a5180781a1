// `fsvfm fas`: cross-domain face anti-spoofing transfer (SPEC §5.5): per-domain balanced real/spoof batches, constant
// lr Adam (L2-coupled weight decay), CE on token-0 logits (+ weight_cl · real-anchor loss for the FS-Adapter variant),
// the classifier columns re-normalised after each update, the official FAS evaluation every N iterations on the target
// test set, the best-by-HTER checkpoint `.pth.tar` with the official keys, and a "last evaluation" report beside the
// official best-of-all one (SPEC §9 #18).
import { existsSync, mkdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fasVideoId, readFasSplit } from '../../data/folders/index.js';
import type { RgbImage } from '../../data/image/rgbImage.js';
import { SeededRng } from '../../data/random/seededRng.js';
import { fasTestTransform, fasTrainTransform } from '../../data/transforms/fasHsvJitter.js';
import { gauss } from '../../data/transforms/rng.js';
import { type FasValidArgs, officialFasEval } from '../../eval/officialFas.js';
import { formatFasPerformanceCsv } from '../../eval/officialReports.js';
import {
  add,
  compile,
  crossEntropy,
  Graph,
  type HostTensor,
  mul,
  mulScalar,
  type RuntimeOptions,
  reduceSum,
  type Tensor,
} from '../../graph/index.js';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import { normStatsForCheckpoint, type ResolvedNormStats } from '../../io/normStats.js';
import { PyFloat, type PyValue } from '../../io/pickleValues.js';
import { saveTorchCheckpoint, torchTensor } from '../../io/torchSave.js';
import { encoderConfig } from '../../models/encoderConfig.js';
import {
  fasAdapterModel,
  fasModel,
  isFasAdapterTrainable,
  normalizeFasClassifier,
  withFasAliases,
} from '../../models/fasModel.js';
import { initFromPretrained, readCheckpoint, resolveModelSize } from '../../models/loadPretrained.js';
import { initialize, torchDefault, truncNormal } from '../../nn/init.js';
import { seededRandom } from '../../nn/random.js';
import { Scope } from '../../nn/scope.js';
import type { StateDict } from '../../nn/stateDict.js';
import { DecodedImageCache, loadBatch } from '../finetune/imageBatches.js';
import { GraphTrainer } from '../graphTrainer.js';
import { realAnchorConLoss } from '../losses/index.js';
import { DEFAULT_ADAMW } from '../optim/adamw.js';
import { BalancedDomainSampler } from './balancedSampler.js';
import { fasProtocol, fasSourceDomains } from './fasSources.js';

export interface FasOptions {
  /** MCIO or WCS root with txt/ and frame/ */
  dataRoot: string;
  /** M | C | I | O | cefa | surf | wmca */
  config: string;
  /** pre-training checkpoint (--pt_model) */
  ptModel: string;
  model?: string;
  numHeads?: number;
  trainable: 'all' | 'fs-adapter';
  outputDir: string;
  /** default 4001 (iterations 0..4000) */
  iterations?: number;
  /** evaluate when (it + 1) % evalEvery == 0; default 100 */
  evalEvery?: number;
  /** images per (domain, class) per iteration: default 12 (all) / 24 (fs-adapter) */
  perClass?: number;
  /** constant lr: default 2.5e-5 (all) / 5e-2 (fs-adapter) */
  lr?: number;
  /** Adam L2 weight decay: default 1e-6 */
  weightDecay?: number;
  weightCl?: number;
  temperature?: number;
  /** runs with seeds 0..runs-1 (official: 5 full FT, 3 FS-Adapter); default 1 */
  runs?: number;
  /** add CelebA-Spoof as the extra source (default true) */
  withCeleb?: boolean;
  evalBatchSize?: number;
  runtime?: RuntimeOptions;
  signal?: AbortSignal;
}

export interface FasEvaluation {
  iteration: number;
  validArgs: FasValidArgs;
}

export interface FasRunSummary {
  run: number;
  best: FasEvaluation | null;
  last: FasEvaluation | null;
  checkpoint: string | null;
}

export interface FasCallbacks {
  onStep?: (s: {
    run: number;
    iteration: number;
    iterations: number;
    loss: number;
    metrics: Record<string, number>;
  }) => void;
  onEvaluation?: (e: { run: number } & FasEvaluation & { best: boolean }) => void;
  onLog?: (line: string) => void;
}

export interface FasResult {
  runs: FasRunSummary[];
  performanceCsv: string | null;
  performanceLastCsv: string | null;
  interrupted: boolean;
  norm: ResolvedNormStats;
}

const f32 = (data: Float32Array, shape: number[]): HostTensor => ({ dtype: 'float32', shape, data });

/** Σ p² over the trainable parameters: 0.5·wd·Σp² in the loss is Adam's L2-coupled weight decay (g + wd·p). */
function l2Penalty(s: Scope, trainable: (n: string) => boolean): Tensor | null {
  let total: Tensor | null = null;
  for (const spec of s.registry.list()) {
    if (!trainable(spec.name)) continue;
    const p = s.graph.get(spec.name)!;
    const sq = reduceSum(mul(p, p));
    total = total ? add(total, sq) : sq;
  }
  return total;
}

/** Trains `runs` runs of one FAS protocol and writes checkpoints, performance.csv files and a JSON log. */
export async function trainFas(o: FasOptions, cb: FasCallbacks = {}): Promise<FasResult> {
  const adapter = o.trainable === 'fs-adapter';
  const iterations = o.iterations ?? 4001;
  const evalEvery = o.evalEvery ?? 100;
  const perClass = o.perClass ?? (adapter ? 24 : 12);
  const lr = o.lr ?? (adapter ? 5e-2 : 2.5e-5);
  const wd = o.weightDecay ?? 1e-6;
  const weightCl = o.weightCl ?? 0.1;
  const temperature = o.temperature ?? 0.07;
  const runs = o.runs ?? 1;
  const log = (l: string) => cb.onLog?.(l);
  const protocol = fasProtocol(o.config);
  const domains = fasSourceDomains(o.dataRoot, o.config, o.withCeleb ?? true);
  const test = readFasSplit(o.dataRoot, protocol.target, 'test');
  const ckpt = await readCheckpoint(o.ptModel);
  const size = resolveModelSize(ckpt, o.model, { numHeads: o.numHeads });
  const S = size.imgSize;
  const norm = normStatsForCheckpoint(o.ptModel, 'imagenet');
  log(
    `FAS ${o.config}: sources ${domains.map((d) => d.name).join(', ')} → target ${protocol.target} (${test.length} test frames); normalisation ${norm.source}`,
  );
  mkdirSync(o.outputDir, { recursive: true });
  const cache = new DecodedImageCache();
  const enc = encoderConfig(size, { posEmbedTrainable: true });
  const mcfg = { ...enc, numClasses: 2, reduction: size.adapterReduction };
  const isTrainable = adapter ? isFasAdapterTrainable : () => true;
  const summaries: FasRunSummary[] = [];
  const logPath = join(o.outputDir, 'log.txt');
  const appendLog = async (entry: Record<string, unknown>) => {
    const prev = existsSync(logPath) ? readFileSync(logPath, 'utf8') : '';
    await writeFileAtomic(logPath, (fd) => {
      writeSync(fd, `${prev}${JSON.stringify(entry)}\n`);
    });
  };
  let interrupted = false;

  for (let run = 0; run < runs && !interrupted; run++) {
    const sampler = new BalancedDomainSampler(domains, perClass, run);
    const B = sampler.batchSize;
    const g = new Graph();
    const s = Scope.root(g, { training: true });
    const images = g.input('images', 'float32', [B, 3, S, S]);
    const labels = g.input('labels', 'int64', [B]);
    let loss: Tensor;
    const metrics: Record<string, Tensor> = {};
    if (adapter) {
      const out = fasAdapterModel(s, images, mcfg);
      const ce = crossEntropy(out.logits, labels);
      const con = realAnchorConLoss(out.projNormalized, labels, { realClass: 1, temperature });
      loss = add(ce, mulScalar(con, weightCl));
      metrics.loss_ce = ce;
      metrics.loss_con = con;
    } else {
      loss = crossEntropy(fasModel(s, images, enc).logits, labels);
    }
    const penalty = wd > 0 ? l2Penalty(s, isTrainable) : null;
    if (penalty) {
      metrics.loss_task = loss;
      loss = add(loss, mulScalar(penalty, 0.5 * wd));
    }
    const specs = s.registry.list();
    const rng = new SeededRng(run);
    const loaded = initFromPretrained(ckpt, specs, {
      kind: adapter ? 'fas-fs-adapter' : 'fas',
      rng: seededRandom(run),
      modelName: o.model,
    });
    normalizeFasClassifier(loaded.stateDict);
    const trainableNames = specs.filter((p) => isTrainable(p.name)).map((p) => p.name);
    const trainer = await GraphTrainer.create(
      {
        loss,
        registry: s.registry,
        trainable: isTrainable,
        groups: [{ name: 'all', lrScale: 1, weightDecay: 0, params: trainableNames }],
        optimizer: { kind: 'adamw', config: DEFAULT_ADAMW },
        metrics,
      },
      { params: loaded.stateDict },
      { ...(o.runtime ?? {}), rng: { uniform: () => rng.uniform(), normal: () => gauss(rng) } },
    );
    // the FS-Adapter ViT's unused head, present in official checkpoints (SPEC §2.3(g))
    const extraHead: StateDict = new Map();
    if (adapter) {
      const initRng = seededRandom(10_000 + run);
      extraHead.set('backbone.vit.head.weight', {
        shape: [2, 2 * size.embedDim],
        data: initialize(truncNormal(2e-5), [2, 2 * size.embedDim], initRng),
      });
      extraHead.set('backbone.vit.head.bias', {
        shape: [2],
        data: initialize(torchDefault(2 * size.embedDim), [2], initRng),
      });
    }

    // eval graph on the target test set
    const evalB = Math.min(o.evalBatchSize ?? 32, test.length);
    const ge = new Graph();
    const se = Scope.root(ge);
    const evalImages = ge.input('images', 'float32', [evalB, 3, S, S]);
    const evalLogits = adapter
      ? fasAdapterModel(se, evalImages, mcfg).logits
      : fasModel(se, evalImages, enc).logits;
    const evalExe = await compile({ logits: evalLogits }, o.runtime ?? {});
    const evaluate = async (iteration: number): Promise<FasEvaluation> => {
      const feeds: Record<string, HostTensor> = {};
      for (const p of se.registry.list()) {
        const t = trainer.state.params.get(p.name)!;
        feeds[p.name] = f32(t.data, t.shape);
      }
      const logits: number[][] = [];
      for (let i = 0; i < test.length; i += evalB) {
        const chunk = test.slice(i, i + evalB);
        const b = await loadBatch(chunk, cache, S, (img: RgbImage) => fasTestTransform(img, norm.stats, S));
        const padded = new Float32Array(evalB * 3 * S * S);
        padded.set(b.images);
        const z = (await evalExe.run({ ...feeds, images: f32(padded, [evalB, 3, S, S]) })).logits!
          .data as Float32Array;
        for (let k = 0; k < b.count; k++) logits.push([z[2 * k]!, z[2 * k + 1]!]);
      }
      const r = officialFasEval({
        logits,
        labels: test.map((t) => t.label),
        videoIds: test.map((t) => fasVideoId(t.path)),
      });
      return { iteration, validArgs: r.validArgs };
    };

    let best: FasEvaluation | null = null;
    let last: FasEvaluation | null = null;
    const ckptPath = join(o.outputDir, `${o.config}_vit_0_shot_checkpoint_run_${run}.pth.tar`);
    let saved: string | null = null;
    for (let it = 0; it < iterations; it++) {
      if (o.signal?.aborted) {
        interrupted = true;
        log(`interrupted at run ${run} iteration ${it}`);
        break;
      }
      const batch = await loadBatch(sampler.next(), cache, S, (img) =>
        fasTrainTransform(img, norm.stats, rng, S),
      );
      const res = await trainer.step(
        {
          images: f32(batch.images, [B, 3, S, S]),
          labels: { dtype: 'int64', shape: [B], data: BigInt64Array.from(batch.labels, (v) => BigInt(v)) },
        },
        { lr },
      );
      if (!Number.isFinite(res.loss))
        throw new Error(`FAS run ${run}: loss is ${res.loss} at iteration ${it}; lower --lr`);
      // the official forward re-normalises the classifier columns in place: keep the stored weight normalised
      normalizeFasClassifier(trainer.state.params);
      cb.onStep?.({ run, iteration: it, iterations, loss: res.loss, metrics: res.metrics });
      if ((it + 1) % evalEvery !== 0) continue;
      const ev = await evaluate(it);
      last = ev;
      const isBest = best === null || ev.validArgs.HTER <= best.validArgs.HTER; // ties → later evaluation
      if (isBest) {
        best = ev;
        const v = ev.validArgs;
        const sd = withFasAliases(new Map([...trainer.state.params, ...extraHead]));
        const stateDict = new Map<PyValue, PyValue>();
        for (const [k, t] of sd) stateDict.set(k, torchTensor('float32', t.shape, t.data));
        await saveTorchCheckpoint(
          ckptPath,
          new Map<PyValue, PyValue>([
            ['epoch', Math.floor(it / evalEvery)],
            ['state_dict', stateDict],
            [
              'valid_arg',
              [
                v.video_CE_loss,
                v.video_top1_acc,
                v.EER,
                v.HTER,
                v.AUC,
                v.threshold,
                v.ACC_at_threshold_x100,
                v.TPR_at_FPR_1pct,
              ].map((x) => new PyFloat(x)),
            ],
            ['best_model_EER', new PyFloat(Math.round(v.HTER * 1e5) / 1e5)],
            ['best_model_ACER', new PyFloat(1)],
            ['best_model_ACC', new PyFloat(v.ACC_at_threshold_x100)],
            ['threshold', new PyFloat(v.threshold)],
          ]),
          { archiveName: `${o.config}_vit_0_shot_checkpoint_run_${run}.pth` },
        );
        saved = ckptPath;
      }
      await appendLog({ run, iteration: it, ...ev.validArgs, best: isBest });
      cb.onEvaluation?.({ run, ...ev, best: isBest });
    }
    summaries.push({ run, best, last, checkpoint: saved });
  }

  const done = summaries.filter((r) => r.best && r.last);
  let performanceCsv: string | null = null;
  let performanceLastCsv: string | null = null;
  if (done.length) {
    const row = (e: FasEvaluation) => ({
      hter: e.validArgs.HTER,
      auc: e.validArgs.AUC,
      tprAtFpr1: e.validArgs.TPR_at_FPR_1pct,
    });
    performanceCsv = join(o.outputDir, 'performance.csv');
    performanceLastCsv = join(o.outputDir, 'performance_last.csv');
    await writeFileAtomic(performanceCsv, formatFasPerformanceCsv(done.map((r) => row(r.best!))));
    await writeFileAtomic(performanceLastCsv, formatFasPerformanceCsv(done.map((r) => row(r.last!))));
  }
  await writeFileAtomic(
    join(o.outputDir, 'fas_results.json'),
    `${JSON.stringify({ config: o.config, target: protocol.target, selection: 'best HTER on the target test set (official, optimistic); performance_last.csv: last evaluation', runs: summaries }, null, 2)}\n`,
  );
  return { runs: summaries, performanceCsv, performanceLastCsv, interrupted, norm };
}
