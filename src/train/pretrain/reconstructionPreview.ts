// Fixed validation faces and the compiled online forward pass that turns them into a reconstruction sheet each epoch.
import sharp from 'sharp';
import type { RgbImage } from '../../data/image/rgbImage.js';
import { readFace } from '../../data/loaders/faceSample.js';
import { type LoadedBatch, loadBatch, type MaskSpec } from '../../data/loaders/loaderJobs.js';
import type { PretrainSample } from '../../data/loaders/pretrainDataset.js';
import { SeededRng } from '../../data/random/seededRng.js';
import { compile, type Executable, Graph, type HostTensor } from '../../graph/index.js';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import type { NormStats } from '../../io/normStats.js';
import { fsvfmOnline } from '../../models/fsvfmPretrain.js';
import type { SizeConfig } from '../../models/sizes.js';
import { Scope } from '../../nn/scope.js';
import type { StateDict } from '../../nn/stateDict.js';
import { patchCounts } from './pretrainGraph.js';
import { batchFeeds } from './pretrainStep.js';
import { reconstructionSheet } from './reconstructionSheet.js';

const PREVIEW_STREAM = 0x76697331;

export async function writePng(path: string, img: RgbImage): Promise<void> {
  const png = await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), {
    raw: { width: img.width, height: img.height, channels: 3 },
  })
    .png()
    .toBuffer();
  await writeFileAtomic(path, png);
}

export class ReconstructionPreview {
  private constructor(
    private readonly exe: Executable,
    private readonly batch: LoadedBatch,
    private readonly originals: RgbImage[],
    private readonly feeds: Record<string, HostTensor>,
    private readonly size: SizeConfig,
    private readonly stats: NormStats,
    private readonly normPix: boolean,
  ) {}

  /** The first `count` faces of the set, masked once with a fixed generator. */
  static async create(
    samples: readonly PretrainSample[],
    size: SizeConfig,
    opts: {
      count: number;
      stats: NormStats;
      mask: MaskSpec;
      seed: number;
      normPix: boolean;
      threads?: number;
    },
  ): Promise<ReconstructionPreview> {
    const picked = samples.slice(0, Math.min(opts.count, samples.length));
    const batch = await loadBatch({
      kind: 'batch',
      images: picked.map((s) => s.image),
      maps: picked.map((s) => s.map),
      imgSize: size.imgSize,
      stats: opts.stats,
      mask: opts.mask,
      rng: new SeededRng(opts.seed ^ PREVIEW_STREAM).getState(),
    });
    const originals = await Promise.all(picked.map((s) => readFace(s.image, size.imgSize)));
    const { numPatches, nKeep } = patchCounts(size, opts.mask.maskRatio);
    const g = new Graph();
    const s = Scope.root(g);
    const K = picked.length;
    const images = g.input('images', 'float32', [K, 3, size.imgSize, size.imgSize]);
    const idsKeep = g.input('idsKeep', 'int64', [K, nKeep]);
    const idsRestore = g.input('idsRestore', 'int64', [K, numPatches]);
    const { pred } = fsvfmOnline(s, { images, idsKeep, idsRestore }, size);
    const exe = await compile({ pred }, opts.threads ? { threads: opts.threads } : {});
    const all = batchFeeds(batch, size.imgSize, numPatches, nKeep);
    const feeds = { images: all.images!, idsKeep: all.idsKeep!, idsRestore: all.idsRestore! };
    return new ReconstructionPreview(exe, batch, originals, feeds, size, opts.stats, opts.normPix);
  }

  async render(params: StateDict): Promise<RgbImage> {
    const feeds: Record<string, HostTensor> = { ...this.feeds };
    for (const spec of this.exe.inputs)
      if (!(spec.name in feeds)) {
        const p = params.get(spec.name);
        if (!p) throw new Error(`preview: no value for parameter '${spec.name}'`);
        feeds[spec.name] = { dtype: 'float32', shape: p.shape, data: p.data };
      }
    const pred = (await this.exe.run(feeds)).pred!.data as Float32Array;
    return reconstructionSheet({
      originals: this.originals,
      inputs: this.batch.images,
      masks: this.batch.masks,
      sfr: this.batch.sfr,
      pred,
      imgSize: this.size.imgSize,
      patch: this.size.patchSize,
      stats: this.stats,
      normPix: this.normPix,
    });
  }

  async write(path: string, params: StateDict): Promise<void> {
    await writePng(path, await this.render(params));
  }
}
