// `fsvfm fas`: cross-domain face anti-spoofing transfer (SPEC §5.5): `runs` seeds of one protocol, each a FasRun on
// the shared run skeleton; then the best-by-HTER `performance.csv` (official, optimistic) beside the "last
// evaluation" report (SPEC §9 #18) and `fas_results.json`.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readFasSplit } from '../../data/folders/index.js';
import { formatFasPerformanceCsv } from '../../eval/officialReports.js';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import { detectorNormStats } from '../../models/detectorKind.js';
import { encoderConfig } from '../../models/encoderConfig.js';
import { readCheckpoint, resolveModelSize } from '../../models/loadPretrained.js';
import { DecodedImageCache } from '../finetune/imageBatches.js';
import { recipeLines } from '../recipeReport.js';
import { runTraining } from '../run/trainingRun.js';
import { type FasOptions, type ResolvedFasOptions, resolveFasOptions } from './fasOptions.js';
import { loadFasResume } from './fasResume.js';
import { type FasContext, FasRun } from './fasRun.js';
import { fasProtocol, fasSourceDomains } from './fasSources.js';
import type { FasCallbacks, FasEvaluation, FasResult, FasRunSummary } from './fasTypes.js';

async function fasContext(r: ResolvedFasOptions, hooks: FasCallbacks): Promise<FasContext> {
  const protocol = fasProtocol(r.config);
  const domains = fasSourceDomains(r.dataRoot, r.config, r.withCeleb);
  const test = readFasSplit(r.dataRoot, protocol.target, 'test');
  const ckpt = await readCheckpoint(r.ptModel);
  const size = resolveModelSize(ckpt, r.model, { numHeads: r.numHeads });
  const norm = detectorNormStats(r.ptModel, r.trainable === 'fs-adapter' ? 'fas-fs-adapter' : 'fas');
  hooks.onLog?.(
    `FAS ${r.config}: sources ${domains.map((d) => d.name).join(', ')} → target ${protocol.target} (${test.length} test frames); normalisation ${norm.source}`,
  );
  mkdirSync(r.outputDir, { recursive: true });
  return {
    r,
    ckpt,
    model: {
      encoder: encoderConfig(size, { posEmbedTrainable: true }),
      adapterReduction: size.adapterReduction,
    },
    embedDim: size.embedDim,
    domains,
    test,
    norm,
    cache: new DecodedImageCache(),
    logPath: join(r.outputDir, 'log.txt'),
    hooks,
  };
}

async function writeReports(r: ResolvedFasOptions, summaries: FasRunSummary[]) {
  const done = summaries.filter((s) => s.best && s.last);
  let performanceCsv: string | null = null;
  let performanceLastCsv: string | null = null;
  if (done.length) {
    const row = (e: FasEvaluation) => ({
      hter: e.validArgs.HTER,
      auc: e.validArgs.AUC,
      tprAtFpr1: e.validArgs.TPR_at_FPR_1pct,
    });
    performanceCsv = join(r.outputDir, 'performance.csv');
    performanceLastCsv = join(r.outputDir, 'performance_last.csv');
    await writeFileAtomic(performanceCsv, formatFasPerformanceCsv(done.map((s) => row(s.best!))));
    await writeFileAtomic(performanceLastCsv, formatFasPerformanceCsv(done.map((s) => row(s.last!))));
  }
  const a = r.appliedRecipe;
  const results = {
    config: r.config,
    target: fasProtocol(r.config).target,
    // what the runs trained with: the reference recipe, its values after the flags, and which flags overrode it
    recipe: {
      name: a.name,
      hyper_parameters: Object.fromEntries(a.values.map((v) => [v.flag, v.value])),
      from_flags: a.values.filter((v) => v.fromFlag).map((v) => v.flag),
    },
    selection:
      'best HTER on the target test set (official, optimistic); performance_last.csv: last evaluation',
    runs: summaries,
  };
  await writeFileAtomic(join(r.outputDir, 'fas_results.json'), `${JSON.stringify(results, null, 2)}\n`);
  return { performanceCsv, performanceLastCsv };
}

/** Trains `runs` runs of one FAS protocol and writes checkpoints, performance.csv files and a JSON log. */
export async function trainFas(o: FasOptions, hooks: FasCallbacks = {}): Promise<FasResult> {
  const r = resolveFasOptions(o);
  const c = await fasContext(r, hooks);
  // what the runs train with, once the data and checkpoint are known to fit (also in fas_results.json)
  for (const line of recipeLines(r.appliedRecipe)) hooks.onLog?.(line);
  hooks.onStart?.({ runs: r.runs, iterations: r.iterations });
  const from = r.resume ? await loadFasResume(r.resume) : null;
  if (from)
    hooks.onLog?.(
      `resumed from ${r.resume}: run ${from.run}, iteration ${from.start.epoch * r.evalEvery + from.start.step}`,
    );
  const summaries: FasRunSummary[] = from ? [...from.earlier] : [];
  let interrupted = false;
  for (let run = from?.run ?? 0; run < r.runs && !interrupted; run++) {
    const task = await FasRun.create(c, run, {
      earlier: [...summaries],
      ...(from && run === from.run ? { from } : {}),
    });
    interrupted = (await runTraining(task, hooks.signal)).stopped !== null;
    summaries.push({ run, best: task.best, last: task.last, checkpoint: task.checkpoint });
  }
  return { runs: summaries, ...(await writeReports(r, summaries)), interrupted, norm: c.norm };
}
