// The work a loader worker does: decode + normalise + mask one batch (the CRFR-P collate, SPEC §3.4), sum the
// pixel statistics of some images (SPEC §2.6), or make the fresh self-blends of a fine-tuning batch (sbiPairsJob.ts). Pure functions of their job, so they run the same in a worker
// thread or inline.
import { createMaskStrategy } from '../masking/maskStrategies.js';
import type { MaskStrategyName } from '../masking/maskStrategy.js';
import type { ParsingMap } from '../masking/parsingMap.js';
import { type RngState, SeededRng } from '../random/seededRng.js';
import { type NormStats, toTensorNormalized } from '../transforms/normalize.js';
import { readFace, readParsingMap } from './faceSample.js';
import { type LoadedSbiPairs, loadSbiPairs, type SbiPairsJob } from './sbiPairsJob.js';

export interface MaskSpec {
  strategy: MaskStrategyName;
  patchSize: number;
  maskRatio: number;
}

export interface BatchJob {
  kind: 'batch';
  images: string[];
  maps: string[];
  imgSize: number;
  stats: NormStats;
  mask: MaskSpec;
  /** the masking generator for this batch (drawn in batch order on the main thread) */
  rng: RngState;
}

export interface LoadedBatch {
  batchSize: number;
  /** [B,3,H,W] normalised */
  images: Float32Array;
  /** [B,N] 1 = masked */
  masks: Uint8Array;
  /** [B,N] specific facial region */
  sfr: Uint8Array;
  region: string | null;
  sfrEmpty: boolean;
}

export interface StatsJob {
  kind: 'stats';
  images: string[];
  imgSize: number;
}

/** Per image: Σx and Σx² per channel of the [0,1] pixels, and the pixel count per channel. */
export interface ImageSums {
  sum: number[][];
  sumSq: number[][];
  pixels: number;
}

export type LoaderJob = BatchJob | StatsJob | SbiPairsJob;
export type LoaderResult = LoadedBatch | ImageSums | LoadedSbiPairs;

export async function loadBatch(job: BatchJob): Promise<LoadedBatch> {
  const B = job.images.length;
  const plane = job.imgSize * job.imgSize;
  const images = new Float32Array(B * 3 * plane);
  const maps: ParsingMap[] = [];
  await Promise.all(
    job.images.map(async (path, i) => {
      const face = await readFace(path, job.imgSize);
      toTensorNormalized(face, job.stats, images.subarray(i * 3 * plane, (i + 1) * 3 * plane));
    }),
  );
  for (const m of job.maps) maps.push(readParsingMap(m, job.imgSize));
  const strategy = createMaskStrategy(job.mask.strategy, {
    patchSize: job.mask.patchSize,
    maskRatio: job.mask.maskRatio,
  });
  const mb = strategy.generate(maps, SeededRng.fromState(job.rng));
  return { batchSize: B, images, masks: mb.masks, sfr: mb.sfr, region: mb.region, sfrEmpty: mb.sfrEmpty };
}

export async function sumImages(job: StatsJob): Promise<ImageSums> {
  const sum: number[][] = [];
  const sumSq: number[][] = [];
  for (const path of job.images) {
    const face = await readFace(path, job.imgSize);
    const s = [0, 0, 0];
    const q = [0, 0, 0];
    const d = face.data;
    for (let i = 0; i < d.length; i += 3) {
      for (let c = 0; c < 3; c++) {
        const v = d[i + c]! / 255;
        s[c]! += v;
        q[c]! += v * v;
      }
    }
    sum.push(s);
    sumSq.push(q);
  }
  return { sum, sumSq, pixels: job.imgSize * job.imgSize };
}

export function runLoaderJob(job: LoaderJob): Promise<LoaderResult> {
  if (job.kind === 'sbi-pairs') return loadSbiPairs(job);
  return job.kind === 'batch' ? loadBatch(job) : sumImages(job);
}

/** Buffers a result can hand over to the main thread without copying. */
export function transferList(r: LoaderResult): ArrayBuffer[] {
  if ('images' in r) return [r.images.buffer, r.masks.buffer, r.sfr.buffer] as ArrayBuffer[];
  if ('reals' in r) {
    // decoded images may view a shared pool buffer (sharp): only whole, distinct buffers are handed over
    const buffers = [...r.reals, ...r.fakes].map((im) => im.data.buffer as ArrayBuffer);
    const whole = [...r.reals, ...r.fakes].every(
      (im) => im.data.byteOffset === 0 && im.data.byteLength === im.data.buffer.byteLength,
    );
    return whole && new Set(buffers).size === buffers.length ? buffers : [];
  }
  return [];
}
