// Speed of one FS-VFM pre-training step (ViT-S/16, batch 8: CRFR-P masks + index tables, online forward+backward,
// target forward, clipping, AdamW, EMA), against the MAE step (encoder + pixel decoder only) measured in the same run.

import { createMaskStrategy } from '../data/masking/maskStrategies.js';
import type { ParsingMap } from '../data/masking/parsingMap.js';
import { SeededRng } from '../data/random/seededRng.js';
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

/** A drawn face (background, hair, skin, brows, eyes, nose, lips) so CRFR-P has every region to choose from. */
function drawnFace(size: number, shift: number): ParsingMap {
  const labels = new Uint8Array(size * size);
  const inside = (x: number, y: number, cx: number, cy: number, rx: number, ry: number) =>
    ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;
  const c = size / 2 + shift;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      let l = 0;
      if (inside(x, y, c, c - 10, 85, 95) && y < c - 25) l = 10;
      if (inside(x, y, c, c + 5, 62, 80)) l = 1;
      if (inside(x, y, c - 25, c - 25, 14, 4)) l = 2;
      if (inside(x, y, c + 25, c - 25, 14, 4)) l = 3;
      if (inside(x, y, c - 25, c - 12, 10, 5)) l = 4;
      if (inside(x, y, c + 25, c - 12, 10, 5)) l = 5;
      if (inside(x, y, c, c + 10, 8, 16)) l = 6;
      if (inside(x, y, c, c + 40, 22, 4)) l = 7;
      if (inside(x, y, c, c + 45, 20, 2)) l = 8;
      if (inside(x, y, c, c + 50, 22, 4)) l = 9;
      labels[y * size + x] = l;
    }
  return { height: size, width: size, labels };
}

export async function fsvfmStepMs(
  threads: number,
  batch = 8,
  placement: OptimizerPlacement = 'host',
): Promise<number> {
  const size = vitSize('S');
  const cfg = OFFICIAL_PRETRAIN_LOSS;
  const graph = tracePretrainStep(size, batch, cfg);
  const specs = orderedSpecs(graph.online.registry);
  const trainable = (n: string) => graph.online.registry.specs.get(n)?.trainable ?? false;
  const init = initialWeights(graph, 0);
  const trainer = await GraphTrainer.create(
    pretrainTrainerSpec(graph, weightDecayGroups(specs, 0.05, trainable), 1),
    { params: init.online, teacher: init.target },
    { rng: seededRandom(1), threads, placement },
  );
  const maps = Array.from({ length: batch }, (_, i) => drawnFace(size.imgSize, (i % 5) - 2));
  const strategy = createMaskStrategy('crfr-p', { patchSize: size.patchSize, maskRatio: cfg.maskRatio });
  const rng = new SeededRng(0);
  const noise = seededRandom(2);
  const images = Float32Array.from({ length: batch * 3 * size.imgSize ** 2 }, () => noise.normal());
  return medianMs(
    async () => {
      const m = strategy.generate(maps, rng);
      const feeds = batchFeeds(
        { batchSize: batch, images, masks: m.masks, sfr: m.sfr, region: m.region, sfrEmpty: m.sfrEmpty },
        size.imgSize,
        graph.numPatches,
        graph.nKeep,
      );
      await trainer.step(feeds, { lr: 1e-4, emaMomentum: 0.996 });
    },
    3,
    4000,
  );
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
