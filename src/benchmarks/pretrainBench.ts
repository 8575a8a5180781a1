// Speed of one FS-VFM pre-training step (ViT-S/16, batch 8: CRFR-P masks + index tables, online forward+backward,
// target forward, clipping, AdamW, EMA), against the MAE step (encoder + pixel decoder only) measured in the same run.

import { createMaskStrategy } from '../data/masking/maskStrategies.js';
import { SeededRng } from '../data/random/seededRng.js';
import type { HostTensor } from '../graph/hostTensor.js';
import type { RuntimeOptions } from '../graph/runner.js';
import { vitSize } from '../models/sizes.js';
import { seededRandom } from '../nn/random.js';
import { GraphTrainer, type OptimizerPlacement } from '../train/graphTrainer.js';
import { weightDecayGroups } from '../train/paramGroups.js';
import {
  initialWeights,
  OFFICIAL_PRETRAIN_LOSS,
  orderedSpecs,
  pretrainTrainerSpec,
  tracePretrainStep,
} from '../train/pretrain/pretrainGraph.js';
import { batchFeeds } from '../train/pretrain/pretrainStep.js';
import { drawnFace } from './drawnFace.js';
import { maeStepMs } from './engineBench.js';
import { medianMs } from './medianTime.js';

export interface PretrainBenchResult {
  fsvfm_s16_b8_step_ms: number;
  mae_s16_b8_step_ms: number;
  /** FS-VFM step / MAE step */
  fsvfm_over_mae: number;
  /** the FS-VFM step with AdamW, clipping and EMA as onnxruntime ops inside the step graph */
  fsvfm_s16_b8_step_ms_graph_optimizer: number;
  threads: number;
}

/** A ViT-S/16 FS-VFM trainer and a function making each step's batch (fresh CRFR-P masks, fixed images). */
export async function pretrainBenchSetup(
  threads: number,
  batch = 8,
  placement: OptimizerPlacement = 'host',
  runtime: RuntimeOptions = {},
): Promise<{ trainer: GraphTrainer; nextBatch: () => Record<string, HostTensor> }> {
  const size = vitSize('S');
  const cfg = OFFICIAL_PRETRAIN_LOSS;
  const graph = tracePretrainStep(size, batch, cfg);
  const specs = orderedSpecs(graph.online.registry);
  const trainable = (n: string) => graph.online.registry.specs.get(n)?.trainable ?? false;
  const init = initialWeights(graph, 0);
  const trainer = await GraphTrainer.create(
    pretrainTrainerSpec(graph, weightDecayGroups(specs, 0.05, trainable), 1),
    { params: init.online, teacher: init.target },
    { ...runtime, rng: seededRandom(1), threads, placement },
  );
  const maps = Array.from({ length: batch }, (_, i) => drawnFace(size.imgSize, (i % 5) - 2));
  const strategy = createMaskStrategy('crfr-p', { patchSize: size.patchSize, maskRatio: cfg.maskRatio });
  const rng = new SeededRng(0);
  const noise = seededRandom(2);
  const images = Float32Array.from({ length: batch * 3 * size.imgSize ** 2 }, () => noise.normal());
  const nextBatch = () => {
    const m = strategy.generate(maps, rng);
    return batchFeeds(
      { batchSize: batch, images, masks: m.masks, sfr: m.sfr, region: m.region, sfrEmpty: m.sfrEmpty },
      size.imgSize,
      graph.numPatches,
      graph.nKeep,
    );
  };
  return { trainer, nextBatch };
}

export const PRETRAIN_BENCH_HYPER = { lr: 1e-4, emaMomentum: 0.996 } as const;

export async function fsvfmStepMs(
  threads: number,
  batch = 8,
  placement: OptimizerPlacement = 'host',
): Promise<number> {
  const { trainer, nextBatch } = await pretrainBenchSetup(threads, batch, placement);
  return medianMs(() => trainer.step(nextBatch(), PRETRAIN_BENCH_HYPER), 3, 4000);
}

export async function runPretrainBench(
  threads: number,
  log: (line: string) => void = () => {},
): Promise<PretrainBenchResult> {
  const fsvfm = await fsvfmStepMs(threads);
  log(
    `FS-VFM ViT-S/16 step (CRFR-P masks, online fwd+bwd, target fwd, AdamW, EMA), batch 8: ${fsvfm.toFixed(0)} ms`,
  );
  const mae = await maeStepMs(threads);
  log(`MAE ViT-S/16 step (49/196 tokens, 8×512 decoder, AdamW), batch 8: ${mae.toFixed(0)} ms`);
  const inGraph = await fsvfmStepMs(threads, 8, 'graph');
  log(`FS-VFM step with the optimizer and EMA inside the step graph: ${inGraph.toFixed(0)} ms`);
  log(
    `FS-VFM / MAE: ${(fsvfm / mae).toFixed(2)}× (PyTorch 1.13 CPU took 4760 ms for the FS-VFM step on this machine)`,
  );
  return {
    fsvfm_s16_b8_step_ms: fsvfm,
    mae_s16_b8_step_ms: mae,
    fsvfm_over_mae: fsvfm / mae,
    fsvfm_s16_b8_step_ms_graph_optimizer: inGraph,
    threads,
  };
}
