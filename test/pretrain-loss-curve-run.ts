// A 100-step tiny FS-VFM pre-training run, fully seeded (weights, images, CRFR-P masks, dropout-free), whose loss
// curve is recorded once (scripts/record-pretrain-loss-curve.ts) and compared after changes to the step graph.
import { drawnFace } from '../src/benchmarks/drawnFace.js';
import { createMaskStrategy } from '../src/data/masking/maskStrategies.js';
import { SeededRng } from '../src/data/random/seededRng.js';
import { customVit } from '../src/models/sizes.js';
import { seededRandom } from '../src/nn/random.js';
import { GraphTrainer } from '../src/train/graphTrainer.js';
import { weightDecayGroups } from '../src/train/paramGroups.js';
import {
  initialWeights,
  OFFICIAL_PRETRAIN_LOSS,
  orderedSpecs,
  pretrainTrainerSpec,
  tracePretrainStep,
} from '../src/train/pretrain/pretrainGraph.js';
import { batchFeeds } from '../src/train/pretrain/pretrainStep.js';

export interface LossCurve {
  steps: number;
  /** total loss and its metrics per step */
  loss: number[];
  metrics: Record<string, number[]>;
}

/** D=32, depth 2 (2 heads), one-block decoders, 224 px, batch 4, AdamW lr 1e-3, clipping 1, EMA 0.996; 2 threads. */
export async function tinyPretrainLossCurve(steps = 100): Promise<LossCurve> {
  const size = customVit({
    embedDim: 32,
    depth: 2,
    numHeads: 2,
    patchSize: 16,
    imgSize: 224,
    repDecoder: { dim: 32, depth: 1, heads: 2 },
    pixelDecoder: { dim: 32, depth: 1, heads: 2 },
    projector: { hidden: 64, out: 16 },
  });
  const batch = 4;
  const cfg = OFFICIAL_PRETRAIN_LOSS;
  const graph = tracePretrainStep(size, batch, cfg);
  const specs = orderedSpecs(graph.online.registry);
  const trainable = (n: string) => graph.online.registry.specs.get(n)?.trainable ?? false;
  const init = initialWeights(graph, 0);
  const trainer = await GraphTrainer.create(
    pretrainTrainerSpec(graph, weightDecayGroups(specs, 0.05, trainable), 1),
    { params: init.online, teacher: init.target },
    { rng: seededRandom(1), threads: 2 },
  );
  const maps = Array.from({ length: batch }, (_, i) => drawnFace(size.imgSize, (i % 5) - 2));
  const strategy = createMaskStrategy('crfr-p', { patchSize: size.patchSize, maskRatio: cfg.maskRatio });
  const rng = new SeededRng(0);
  const noise = seededRandom(2);
  const pool = Array.from({ length: 3 }, () =>
    Float32Array.from({ length: batch * 3 * size.imgSize ** 2 }, () => noise.normal()),
  );
  const curve: LossCurve = { steps, loss: [], metrics: {} };
  for (let s = 0; s < steps; s++) {
    const m = strategy.generate(maps, rng);
    const feeds = batchFeeds(
      {
        batchSize: batch,
        images: pool[s % pool.length]!,
        masks: m.masks,
        sfr: m.sfr,
        region: m.region,
        sfrEmpty: m.sfrEmpty,
      },
      size.imgSize,
      graph.numPatches,
      graph.nKeep,
    );
    const r = await trainer.step(feeds, { lr: 1e-3, emaMomentum: 0.996 });
    curve.loss.push(r.loss);
    for (const [k, v] of Object.entries(r.metrics)) {
      const series = curve.metrics[k] ?? [];
      series.push(v);
      curve.metrics[k] = series;
    }
  }
  return curve;
}
