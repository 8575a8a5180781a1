// Learning-parity check, step 1 of 2: writes what one quickstart detector trains and is tested on, as tensors, so
// that `trainTorch.py` can train the same recipe with PyTorch on the same data. Not part of the product.
//
//   node --import tsx scripts/parity/dumpTrainingData.ts --quickstart fsvfm-demo --mode full --seed 0 --out /tmp/parity
//
// Writes <out>/meta.json (the resolved recipe), <out>/train-e<k>.npy + train-e<k>-labels.npy per epoch (normalised
// float32 [N,3,224,224], the training loader's own batches: online self-blends or listed fakes, in step order), and
// <out>/test-<set>.npy + test-<set>.json (labels, video ids) for the held-out sets, through the evaluation transform.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { videoIdFromFrameName } from '../../src/data/folders/videoId.js';
import { decodeImage } from '../../src/data/media/decodeImage.js';
import { evalTransform } from '../../src/data/transforms/evalTransforms.js';
import { folderOrListTestSet } from '../../src/eval/protocols/testSets.js';
import { encodeNpy } from '../../src/io/npy.js';
import { quickstartConfig } from '../../src/quickstart/quickstartConfig.js';
import { quickstartLayout } from '../../src/quickstart/quickstartLayout.js';
import {
  detectorFinetuneOptions,
  type TransferMode,
  transferModes,
} from '../../src/quickstart/trainDetectors.js';
import { resolveFinetuneOptions } from '../../src/train/finetune/finetuneOptions.js';
import { setUpFinetune } from '../../src/train/finetune/finetuneSetup.js';
import { DecodedImageCache } from '../../src/train/finetune/imageBatches.js';
import { TrainBatches } from '../../src/train/finetune/trainBatches.js';
import { scaledLr } from '../../src/train/schedules.js';

const { values } = parseArgs({
  options: {
    quickstart: { type: 'string' },
    mode: { type: 'string', default: 'full' },
    seed: { type: 'string', default: '0' },
    out: { type: 'string' },
    'online-sbi': { type: 'boolean', default: true },
  },
});
if (!values.quickstart || !values.out) {
  console.error(
    'usage: dumpTrainingData.ts --quickstart <folder> --mode full|fs-adapter --seed S --out <dir>',
  );
  process.exit(2);
}
const mode = values.mode as TransferMode;
const seed = Number(values.seed);
const out = values.out;
mkdirSync(out, { recursive: true });
const layout = quickstartLayout(values.quickstart);
const cfg = quickstartConfig({ quick: false, onlineSbi: values['online-sbi'] });
const transfer = transferModes(cfg).find(([m]) => m === mode);
if (!transfer) throw new Error(`the quickstart trains no ${mode} detector`);
const pretrained = join(layout.pretrain, `checkpoint-${cfg.pretrain.fixedEpochs! - 1}.pth`);
const options = detectorFinetuneOptions(mode, transfer[1], cfg.sbiPerTrainImage, pretrained, layout, {
  seed,
});
const r = resolveFinetuneOptions({ ...options, outputDir: join(out, 'unused-run') });
const setup = await setUpFinetune(r, (line) => console.log(line));
const batches = new TrainBatches(r, setup, new DecodedImageCache(r.cacheBytes));
const S = setup.size.imgSize;
const per = 3 * S * S;

for (let epoch = 0; epoch < r.epochs; epoch++) {
  const images: Float32Array[] = [];
  const labels: number[] = [];
  for (let step = 0; step < setup.stepsPerEpoch; step++) {
    const b = await batches.load(epoch, step);
    images.push(b.images.subarray(0, b.count * per));
    labels.push(...b.labels);
  }
  const all = new Float32Array(labels.length * per);
  let at = 0;
  for (const x of images) {
    all.set(x, at);
    at += x.length;
  }
  writeFileSync(
    join(out, `train-e${epoch}.npy`),
    encodeNpy({ dtype: 'float32', shape: [labels.length, 3, S, S], data: all }),
  );
  writeFileSync(
    join(out, `train-e${epoch}-labels.npy`),
    encodeNpy({ dtype: 'int64', shape: [labels.length], data: BigInt64Array.from(labels, BigInt) }),
  );
  console.log(`epoch ${epoch}: ${labels.length} images`);
}
await batches.close();

const tests: Record<string, { labels: number[]; videoIds: string[]; files: string[] }> = {};
for (const [name, dir] of [
  ['sbi', layout.testSbi],
  ['swap', layout.testSwap],
] as const) {
  const set = folderOrListTestSet(`${name}=${dir}`);
  const all = new Float32Array(set.samples.length * per);
  for (const [i, smp] of set.samples.entries())
    all.set(evalTransform('resize', (await decodeImage(smp.path)).image, setup.norm.stats, S), i * per);
  writeFileSync(
    join(out, `test-${name}.npy`),
    encodeNpy({ dtype: 'float32', shape: [set.samples.length, 3, S, S], data: all }),
  );
  tests[name] = {
    labels: set.samples.map((x) => x.label),
    videoIds: set.samples.map((x) => videoIdFromFrameName(x.path)),
    files: set.samples.map((x) => x.path),
  };
  writeFileSync(join(out, `test-${name}.json`), JSON.stringify(tests[name]));
}

const meta = {
  mode,
  seed,
  pretrained,
  model: {
    embedDim: setup.size.embedDim,
    depth: setup.size.depth,
    numHeads: setup.size.numHeads,
    patchSize: setup.size.patchSize,
    imgSize: S,
  },
  numClasses: setup.data.numClasses,
  realIndex: setup.data.realIndex,
  epochs: r.epochs,
  stepsPerEpoch: setup.stepsPerEpoch,
  batchSize: r.batchSize,
  lr: r.lr ?? scaledLr(r.blr, r.batchSize * r.accumIter),
  minLr: r.minLr,
  warmupEpochs: r.warmupEpochs,
  layerDecay: r.layerDecay,
  weightDecay: r.weightDecay,
  dropPath: r.dropPath,
  smoothing: r.smoothing,
  clipGrad: r.clipGrad ?? null,
  trainable: r.trainable,
  norm: setup.norm.stats,
};
writeFileSync(join(out, 'meta.json'), JSON.stringify(meta, null, 1));
console.log(`wrote ${out}`);
process.exit(0);
