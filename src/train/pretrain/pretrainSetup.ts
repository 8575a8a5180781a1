// Set-up of a pre-training run (main_pretrain before its epoch loop): dataset statistics, loader, step graph, the
// weights (fresh or from the checkpoint being resumed) and the trainer.
import { ensureDatasetStats } from '../../data/loaders/datasetStats.js';
import type { MaskSpec } from '../../data/loaders/loaderJobs.js';
import type { PretrainSample } from '../../data/loaders/pretrainDataset.js';
import { PretrainLoader } from '../../data/loaders/pretrainLoader.js';
import type { LoaderPool } from '../../data/loaders/workerPool.js';
import type { NormStats } from '../../io/normStats.js';
import type { SizeConfig } from '../../models/sizes.js';
import { seededRandom } from '../../nn/random.js';
import { matchStateDict, type StateDict } from '../../nn/stateDict.js';
import { GraphTrainer, type ParamGroup } from '../graphTrainer.js';
import { weightDecayGroups } from '../paramGroups.js';
import { type RunProgress, readPretrainCheckpoint, resolveResume } from './pretrainCheckpoint.js';
import {
  initialWeights,
  orderedSpecs,
  type PretrainGraph,
  pretrainTrainerSpec,
  TARGET_PREFIX,
  tracePretrainStep,
} from './pretrainGraph.js';
import { asInputError } from './pretrainInputError.js';
import type { ResolvedPretrainOptions } from './pretrainOptions.js';

export interface PretrainSetup {
  statsComputed: boolean;
  stats: NormStats;
  mask: MaskSpec;
  loader: PretrainLoader;
  graph: PretrainGraph;
  groups: ParamGroup[];
  trainer: GraphTrainer;
  /** where the resumed run stood (null: a fresh run) */
  progress: RunProgress | null;
  startEpoch: number;
}

interface Weights {
  params: StateDict;
  teacher: StateDict;
  slots?: StateDict;
  optimizerStep: number;
  progress: RunProgress | null;
  accumulated: StateDict | null;
  startEpoch: number;
}

function strictMatch(what: string, specs: Parameters<typeof matchStateDict>[0], sd: StateDict): void {
  const { missing, unexpected, mismatched } = matchStateDict(specs, sd);
  const problems = [
    ...missing.slice(0, 3).map((k) => `missing ${k}`),
    ...unexpected.slice(0, 3).map((k) => `unexpected ${k}`),
    ...mismatched.slice(0, 3),
  ];
  if (problems.length)
    throw new Error(
      `${what} does not match --model (${problems.join('; ')}): resume with the model options of the original run`,
    );
}

async function resumedWeights(
  resume: string,
  graph: PretrainGraph,
  groups: ParamGroup[],
  log: (line: string) => void,
): Promise<Weights> {
  const specs = orderedSpecs(graph.online.registry);
  const targetSpecs = orderedSpecs(graph.target.registry);
  const { paths, ck, prefixed } = await asInputError(async () => {
    const paths = await resolveResume(resume);
    const ck = await readPretrainCheckpoint(paths, groups);
    strictMatch(paths.online, specs, ck.online);
    const prefixed: StateDict = new Map([...ck.target].map(([k, v]) => [TARGET_PREFIX + k, v]));
    strictMatch(paths.target, targetSpecs, prefixed);
    return { paths, ck, prefixed };
  });
  const progress = ck.progress;
  const startEpoch = progress?.epoch ?? ck.epoch + 1;
  log(
    `resumed from ${paths.online} (epoch ${startEpoch}, step ${progress?.step ?? 0}, optimizer step ${ck.optimizerStep})`,
  );
  return {
    params: new Map(specs.map((s) => [s.name, ck.online.get(s.name)!])),
    teacher: new Map(targetSpecs.map((s) => [s.name, prefixed.get(s.name)!])),
    slots: ck.slots,
    optimizerStep: ck.optimizerStep,
    progress,
    accumulated: ck.accumulated,
    startEpoch,
  };
}

export async function setUpPretrain(
  opts: ResolvedPretrainOptions,
  size: SizeConfig,
  samples: PretrainSample[],
  pool: LoaderPool,
  hooks: { log: (line: string) => void; onStatsProgress?: (done: number, total: number) => void },
): Promise<PretrainSetup> {
  const statsRes = await asInputError(() =>
    ensureDatasetStats(opts.outputDir, samples, {
      batchSize: opts.batchSize,
      imgSize: size.imgSize,
      pool,
      ...(hooks.onStatsProgress ? { onProgress: hooks.onStatsProgress } : {}),
    }),
  );
  hooks.log(
    `${statsRes.computed ? 'dataset statistics written to' : 'reusing dataset statistics from'} ${statsRes.path}`,
  );
  const stats = statsRes.stats;
  const mask: MaskSpec = {
    strategy: opts.maskStrategy,
    patchSize: size.patchSize,
    maskRatio: opts.maskRatio,
  };
  const loader = await asInputError(
    () =>
      new PretrainLoader(samples, pool, {
        batchSize: opts.batchSize,
        imgSize: size.imgSize,
        stats,
        mask,
        seed: opts.seed,
        prefetch: opts.prefetch,
      }),
  );
  const graph = tracePretrainStep(size, opts.batchSize, { ...opts, accumIter: opts.accumIter });
  const specs = orderedSpecs(graph.online.registry);
  const trainable = (n: string) => graph.online.registry.specs.get(n)?.trainable ?? false;
  const groups = weightDecayGroups(specs, opts.weightDecay, trainable);
  const w: Weights = opts.resume
    ? await resumedWeights(opts.resume, graph, groups, hooks.log)
    : {
        ...fresh(initialWeights(graph, opts.seed)),
        optimizerStep: 0,
        progress: null,
        accumulated: null,
        startEpoch: 0,
      };
  const trainer = await GraphTrainer.create(
    pretrainTrainerSpec(graph, groups, opts.clipGrad),
    { params: w.params, teacher: w.teacher, ...(w.slots ? { slots: w.slots } : {}), step: w.optimizerStep },
    {
      rng: seededRandom(opts.seed),
      accumSteps: opts.accumIter,
      ...(opts.threads ? { threads: opts.threads } : {}),
    },
  );
  if (w.progress) {
    loader.restore(w.progress.loader);
    trainer.setAccumulation({
      count: w.progress.accumulationCount,
      buffers: w.accumulated ? new Map([...w.accumulated].map(([k, v]) => [`acc:${k}`, v])) : null,
    });
  }
  return {
    statsComputed: statsRes.computed,
    stats,
    mask,
    loader,
    graph,
    groups,
    trainer,
    progress: w.progress,
    startEpoch: w.startEpoch,
  };
}

const fresh = (w: { online: StateDict; target: StateDict }) => ({ params: w.online, teacher: w.target });
