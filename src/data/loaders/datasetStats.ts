// Dataset normalisation statistics for pre-training (SPEC §2.6, §9 #24): computed once over the set and written to
// `<output_dir>/pretrain_ds_mean_std.txt`; an existing file is reused.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NORM_STATS_FILE, type NormStats, readNormStats, writeNormStats } from '../../io/normStats.js';
import type { ImageSums } from './loaderJobs.js';
import type { PretrainSample } from './pretrainDataset.js';
import type { LoaderPool } from './workerPool.js';

export interface DatasetStatsResult {
  stats: NormStats;
  path: string;
  /** false when an existing file was reused */
  computed: boolean;
}

export interface DatasetStatsOptions {
  batchSize: number;
  imgSize: number;
  pool: LoaderPool;
  onProgress?: (done: number, total: number) => void;
}

const IMAGES_PER_JOB = 16;

/**
 * The official recipe: ToTensor → resize → per batch (drop_last) the per-channel mean of x and x² over (b,h,w),
 * averaged over batches; std = √(E[x²] − mean²). A set smaller than one batch counts as one batch.
 */
export async function ensureDatasetStats(
  outputDir: string,
  samples: readonly PretrainSample[],
  opts: DatasetStatsOptions,
): Promise<DatasetStatsResult> {
  const path = join(outputDir, NORM_STATS_FILE);
  if (existsSync(path)) return { stats: readNormStats(path), path, computed: false };
  const bs = Math.min(opts.batchSize, samples.length);
  const used = samples.slice(0, Math.floor(samples.length / bs) * bs);
  const jobs: string[][] = [];
  for (let i = 0; i < used.length; i += IMAGES_PER_JOB)
    jobs.push(used.slice(i, i + IMAGES_PER_JOB).map((s) => s.image));
  const perImage: ImageSums[] = new Array(jobs.length);
  let done = 0;
  let next = 0;
  const inFlight = Math.max(1, opts.pool.workers * 2);
  const runOne = async (): Promise<void> => {
    while (next < jobs.length) {
      const j = next++;
      perImage[j] = (await opts.pool.run({
        kind: 'stats',
        images: jobs[j]!,
        imgSize: opts.imgSize,
      })) as ImageSums;
      done += jobs[j]!.length;
      opts.onProgress?.(done, used.length);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, runOne));
  const sums = perImage.flatMap((r) => r.sum);
  const sqs = perImage.flatMap((r) => r.sumSq);
  const pixels = opts.imgSize * opts.imgSize;
  const batches = used.length / bs;
  const mean = [0, 0, 0];
  const meanSq = [0, 0, 0];
  for (let b = 0; b < batches; b++) {
    for (let c = 0; c < 3; c++) {
      let s = 0;
      let q = 0;
      for (let i = b * bs; i < (b + 1) * bs; i++) {
        s += sums[i]![c]!;
        q += sqs[i]![c]!;
      }
      mean[c]! += s / (bs * pixels) / batches;
      meanSq[c]! += q / (bs * pixels) / batches;
    }
  }
  const std = mean.map((m, c) => Math.sqrt(Math.max(meanSq[c]! - m * m, 0)));
  if (std.some((s) => !(s > 0)))
    throw new Error('the pre-training images have zero pixel variance in a channel: check the data');
  const stats: NormStats = {
    mean: [mean[0]!, mean[1]!, mean[2]!],
    std: [std[0]!, std[1]!, std[2]!],
  };
  await writeNormStats(path, stats);
  return { stats, path, computed: true };
}
