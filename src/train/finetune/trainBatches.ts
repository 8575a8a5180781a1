// Where the training batches of a fine-tuning run come from: the listed images (optionally in real/fake pairs of
// pre-made fakes), or, with online SBI, each real face next to a fresh self-blend of itself made in the loader
// workers for this epoch and step. The self-blend and the shared post-processing (jitter, JPEG) of a face draw from
// a generator seeded by run seed, epoch and sample index; the per-image crop and flip draw from the run generator
// on the main thread, in batch order. Either way a batch is a function of (seed, epoch, step, run generator state),
// which the checkpoints hold, so a resumed run replays the uninterrupted one bit for bit.
import type { RgbImage } from '../../data/image/rgbImage.js';
import { type LoadedSbiPairs, loadSbiPairs, type SbiPairsJob } from '../../data/loaders/sbiPairsJob.js';
import { LoaderPool } from '../../data/loaders/workerPool.js';
import { SeededRng } from '../../data/random/seededRng.js';
import { sampleSeed } from '../../data/synthetic/fakeNaming.js';
import { SBI_STRENGTHS } from '../../data/synthetic/sbiStrength.js';
import { applyPostprocess, drawJpegQuality } from '../../data/transforms/trainingPostprocess.js';
import { finetuneTrainPipeline, runPipeline } from '../../data/transforms/trainTransform.js';
import type { ResolvedFinetuneOptions } from './finetuneOptions.js';
import type { FinetuneSetup } from './finetuneSetup.js';
import { type DecodedImageCache, type ImageBatch, loadBatch } from './imageBatches.js';
import type { OnlineSbiFaces } from './onlineSbiFaces.js';
import { pairedOrder } from './pairedOrder.js';
import { jitterWholeImage } from './wholeImageJitter.js';

/** The generator seed of one face's draws in one epoch: independent of batch size, worker and timing. */
export function onlineSampleSeed(seed: number, epoch: number, index: number, what: string): number {
  return sampleSeed(seed, what, epoch, index);
}

export class TrainBatches {
  private order: Int32Array = new Int32Array(0);
  private epoch = -1;
  private readonly pool: LoaderPool | null;
  /** online SBI: the jobs of this epoch already sent (the next step's is sent while the current one trains) */
  private readonly pending = new Map<number, Promise<LoadedSbiPairs>>();
  private readonly pipeline: ReturnType<typeof finetuneTrainPipeline>;

  constructor(
    private readonly r: ResolvedFinetuneOptions,
    private readonly s: FinetuneSetup,
    private readonly cache: DecodedImageCache,
  ) {
    this.pipeline = finetuneTrainPipeline({
      norm: s.norm.stats,
      inputSize: s.size.imgSize,
      autoAugment: r.aa,
      reprob: r.reprob,
      cropScale: r.cropScale,
    });
    this.pool = s.onlineSbi && r.workers > 0 ? new LoaderPool(r.workers) : null;
  }

  private get online(): OnlineSbiFaces | null {
    return this.s.onlineSbi;
  }

  beginEpoch(epoch: number): void {
    const { r, s } = this;
    this.epoch = epoch;
    this.pending.clear();
    const perm = () => new SeededRng(r.seed * 100_003 + epoch);
    if (this.online) this.order = perm().randperm(this.online.faces.length);
    else if (r.pairedBatches) this.order = pairedOrder(s.data.train, r.seed, epoch, r.rotateFakes ?? false);
    else this.order = perm().randperm(s.data.train.length);
  }

  async load(epoch: number, step: number): Promise<ImageBatch> {
    if (epoch !== this.epoch) this.beginEpoch(epoch);
    return this.online ? this.loadOnline(this.online, step) : this.loadListed(step);
  }

  async close(): Promise<void> {
    this.pending.clear();
    await this.pool?.close();
  }

  private tensor(img: RgbImage): Float32Array {
    return runPipeline(this.pipeline, img, this.s.rng).tensor;
  }

  /** Listed images: the whole-image jitter (run generator), then, when enabled, the JPEG round trip. */
  private async loadListed(step: number): Promise<ImageBatch> {
    const { r, s } = this;
    const B = r.batchSize;
    const samples = Array.from(this.order.subarray(step * B, (step + 1) * B), (i) => s.data.train[i]!);
    const jitter = (img: RgbImage) => jitterWholeImage(img, r.wholeJitter, s.rng);
    if (r.jpegProb <= 0)
      return loadBatch(samples, this.cache, s.size.imgSize, (img) => this.tensor(jitter(img)));
    const decoded = await Promise.all(samples.map((x) => this.cache.get(x.path)));
    const per = 3 * s.size.imgSize * s.size.imgSize;
    const images = new Float32Array(samples.length * per);
    for (let i = 0; i < samples.length; i++) {
      const jittered = jitter(decoded[i]!);
      // the JPEG draw of a sample has its own generator: the run generator's stream is that of a run without JPEG
      const rng = new SeededRng(onlineSampleSeed(r.seed, this.epoch, step * B + i, 'jpeg'));
      const quality = drawJpegQuality(rng, r.jpegProb, r.jpegQuality);
      const img = await applyPostprocess(jittered, { jitter: null, jpegQuality: quality });
      images.set(this.tensor(img), i * per);
    }
    return { images, labels: samples.map((x) => x.label), count: samples.length };
  }

  /** Each real face, then its own fresh self-blend (same post-processing draw), B/2 pairs per batch. */
  private async loadOnline(o: OnlineSbiFaces, step: number): Promise<ImageBatch> {
    const steps = this.s.stepsPerEpoch;
    const pairs = await this.job(o, step);
    if (step + 1 < steps && !this.pending.has(step + 1)) this.job(o, step + 1).catch(() => {});
    this.pending.delete(step);
    const S = this.s.size.imgSize;
    const per = 3 * S * S;
    const n = pairs.reals.length;
    const images = new Float32Array(2 * n * per);
    const labels: number[] = [];
    for (let i = 0; i < n; i++) {
      images.set(this.tensor(pairs.reals[i]!), 2 * i * per);
      images.set(this.tensor(pairs.fakes[i]!), (2 * i + 1) * per);
      labels.push(o.realLabel, o.fakeLabel);
    }
    return { images, labels, count: 2 * n };
  }

  private job(o: OnlineSbiFaces, step: number): Promise<LoadedSbiPairs> {
    const sent = this.pending.get(step);
    if (sent) return sent;
    const { r } = this;
    const half = r.batchSize / 2;
    const faces = Array.from(this.order.subarray(step * half, (step + 1) * half), (k) => o.faces[k]!);
    const job: SbiPairsJob = {
      kind: 'sbi-pairs',
      items: faces.map((f) => ({
        image: f.image,
        outline: f.outline,
        seed: onlineSampleSeed(r.seed, this.epoch, f.index, 'online-sbi'),
      })),
      sbi: { sbi: SBI_STRENGTHS[r.sbiStrength ?? 'default'] },
      post: { jitterProb: r.wholeJitter, jpegProb: r.jpegProb, jpegQuality: r.jpegQuality },
    };
    const p = this.pool ? (this.pool.run(job) as Promise<LoadedSbiPairs>) : loadSbiPairs(job);
    this.pending.set(step, p);
    return p;
  }
}
