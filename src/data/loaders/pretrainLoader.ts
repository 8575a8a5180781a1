// The pre-training batch loader: seeded shuffling per epoch with drop_last, batches decoded, normalised and masked
// in worker threads while the training step runs. Its generator states are part of the resume state, so a resumed
// run sees the same batches and masks as an uninterrupted one.
import type { NormStats } from '../../io/normStats.js';
import { type RngState, SeededRng } from '../random/seededRng.js';
import type { LoadedBatch, MaskSpec } from './loaderJobs.js';
import type { PretrainSample } from './pretrainDataset.js';
import type { LoaderPool } from './workerPool.js';

export interface PretrainLoaderOptions {
  batchSize: number;
  imgSize: number;
  stats: NormStats;
  mask: MaskSpec;
  seed: number;
  /** batches decoded ahead of the one being consumed */
  prefetch: number;
}

/** Where the loader stands: the next batch to hand out and the generators that produce it. */
export interface LoaderState {
  epoch: number;
  /** batches of `epoch` already consumed */
  step: number;
  /** data-order generator at the start of `epoch` (the epoch's permutation is drawn from it) */
  order: RngState;
  /** masking generator before the next batch's draw */
  mask: RngState;
}

/** Separates the masking stream from the order stream of the same seed. */
const MASK_STREAM = 0x6d61736b;

export class PretrainLoader {
  private order: SeededRng;
  private mask: SeededRng;
  private epoch = -1;
  private epochOrderState: RngState;
  private perm: Int32Array = new Int32Array(0);
  private nextStep = 0;
  private scheduled = 0;
  private readonly queue: { batch: Promise<LoadedBatch>; maskBefore: RngState }[] = [];

  constructor(
    private readonly samples: readonly PretrainSample[],
    private readonly pool: LoaderPool,
    private readonly opts: PretrainLoaderOptions,
  ) {
    if (samples.length < opts.batchSize)
      throw new Error(
        `the pre-training set has ${samples.length} images, fewer than one batch of ${opts.batchSize} (batches drop the remainder): lower --batch_size or add data`,
      );
    this.order = new SeededRng(opts.seed);
    this.mask = new SeededRng(opts.seed ^ MASK_STREAM);
    this.epochOrderState = this.order.getState();
  }

  /** len(data_loader): full batches per epoch. */
  get stepsPerEpoch(): number {
    return Math.floor(this.samples.length / this.opts.batchSize);
  }

  /** Continue from a saved state: the next `startEpoch(state.epoch, state.step)` hands out the same batches. */
  restore(state: LoaderState): void {
    this.order.setState(state.order);
    this.mask.setState(state.mask);
    this.epoch = -1;
  }

  state(): LoaderState {
    return {
      epoch: this.epoch,
      step: this.nextStep,
      order: this.epochOrderState,
      mask: this.queue[0]?.maskBefore ?? this.mask.getState(),
    };
  }

  /** State for "the start of the epoch after this one" (what an end-of-epoch checkpoint stores). */
  stateAtNextEpoch(): LoaderState {
    if (this.queue.length) throw new Error('loader: the epoch still has batches in flight');
    return { epoch: this.epoch + 1, step: 0, order: this.order.getState(), mask: this.mask.getState() };
  }

  /** Draws the epoch's permutation and starts prefetching from batch `startStep`. */
  startEpoch(epoch: number, startStep = 0): void {
    if (this.queue.length) throw new Error('loader: the previous epoch still has batches in flight');
    this.epoch = epoch;
    this.epochOrderState = this.order.getState();
    this.perm = this.order.randperm(this.samples.length);
    this.nextStep = startStep;
    this.scheduled = startStep;
    this.fill();
  }

  private fill(): void {
    while (this.queue.length < this.opts.prefetch + 1 && this.scheduled < this.stepsPerEpoch) {
      const bs = this.opts.batchSize;
      const picked = Array.from(
        this.perm.subarray(this.scheduled * bs, (this.scheduled + 1) * bs),
        (i) => this.samples[i]!,
      );
      const maskBefore = this.mask.getState();
      const rng = new SeededRng(
        this.mask.nextUint32() + (this.mask.nextUint32() >>> 11) * 4294967296,
      ).getState();
      const batch = this.pool.run({
        kind: 'batch',
        images: picked.map((s) => s.image),
        maps: picked.map((s) => s.map),
        imgSize: this.opts.imgSize,
        stats: this.opts.stats,
        mask: this.opts.mask,
        rng,
      }) as Promise<LoadedBatch>;
      batch.catch(() => {}); // surfaced by next(); avoids an unhandled rejection while queued
      this.queue.push({ batch, maskBefore });
      this.scheduled++;
    }
  }

  /** The next batch of the epoch (throws after the last one). */
  async next(): Promise<LoadedBatch> {
    const head = this.queue.shift();
    if (!head) throw new Error(`loader: epoch ${this.epoch} has only ${this.stepsPerEpoch} batches`);
    this.nextStep++;
    this.fill();
    return head.batch;
  }

  /** Drops prefetched batches (their masking draws are rewound, so `state()` stays exact). */
  async drain(): Promise<void> {
    const first = this.queue[0];
    if (first) this.mask.setState(first.maskBefore);
    const pending = this.queue.splice(0).map((q) => q.batch.catch(() => null));
    this.scheduled = this.nextStep;
    await Promise.all(pending);
  }
}
