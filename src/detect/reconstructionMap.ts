// Masked-reconstruction error map: mask a random 75% of the crop's patches K times, let the pre-trained FS-VFM
// online network (encoder + pixel decoder) reconstruct them, and average each patch's error over the runs in which
// it was masked. Regions the model of real faces reconstructs badly stand out. The target follows the
// pre-training loss (SPEC §4.1): patches of the normalised image, each normalised by its own mean/variance.

import { resizeRgb } from '../data/image/resize.js';
import type { RgbImage } from '../data/image/rgbImage.js';
import { toTensorNormalized } from '../data/transforms/normalize.js';
import { compile, type Executable, Graph } from '../graph/index.js';
import { type NormStats, normStatsForCheckpoint } from '../io/normStats.js';
import { fsvfmOnline } from '../models/fsvfmPretrain.js';
import { readCheckpoint, resolveModelSize } from '../models/loadPretrained.js';
import { maskIndices } from '../models/maskIndices.js';
import type { SizeConfig } from '../models/sizes.js';
import { seededRandom } from '../nn/random.js';
import { Scope } from '../nn/scope.js';
import { normaliseMap } from './attentionRollout.js';

export interface ReconstructionOptions {
  numHeads?: number;
  /** decoder heads of a custom-size checkpoint (not stored; the official decoders use 16) */
  decoderHeads?: number;
  threads?: number;
  /** masked views per crop (default 4) */
  views?: number;
  maskRatio?: number;
  seed?: number;
}

export class ReconstructionExplainer {
  private constructor(
    private readonly exe: Executable,
    private readonly size: SizeConfig,
    private readonly stats: NormStats,
    private readonly views: number,
    private readonly nKeep: number,
    private readonly seed: number,
  ) {}

  static async load(path: string, opts: ReconstructionOptions = {}): Promise<ReconstructionExplainer> {
    const ckpt = await readCheckpoint(path);
    if (ckpt.detected.kind !== 'pretrain-online') {
      throw new Error(
        `${path} is a ${ckpt.detected.kind} checkpoint; reconstruction maps need an FS-VFM pre-training checkpoint with the pixel decoder`,
      );
    }
    const found = resolveModelSize(ckpt, undefined, { numHeads: opts.numHeads });
    const heads = (d: { heads: number | null }) => d.heads ?? opts.decoderHeads ?? 16;
    const size: SizeConfig = {
      ...found,
      repDecoder: { ...found.repDecoder, heads: heads(found.repDecoder) },
      pixelDecoder: { ...found.pixelDecoder, heads: heads(found.pixelDecoder) },
    };
    const views = opts.views ?? 4;
    const L = (size.imgSize / size.patchSize) ** 2;
    const nKeep = Math.trunc(L * (1 - (opts.maskRatio ?? 0.75)));
    const g = new Graph();
    const images = g.input('images', 'float32', [views, 3, size.imgSize, size.imgSize]);
    const idsKeep = g.input('ids_keep', 'int64', [views, nKeep]);
    const idsRestore = g.input('ids_restore', 'int64', [views, L]);
    const s = Scope.root(g);
    const o = fsvfmOnline(s, { images, idsKeep, idsRestore }, size);
    const initializers = new Map<string, Float32Array>();
    for (const p of s.registry.list()) {
      const v = ckpt.stateDict.get(p.name);
      if (v) initializers.set(p.name, v.data);
    }
    const exe = await compile(
      { pred: o.pred },
      { initializers, ...(opts.threads ? { threads: opts.threads } : {}) },
    );
    const stats = normStatsForCheckpoint(path, 'vggface2').stats;
    return new ReconstructionExplainer(exe, size, stats, views, nKeep, opts.seed ?? 0);
  }

  /** Per-patch mean reconstruction error over the views that masked it, scaled to [0,1]. */
  async errorMap(crop: RgbImage): Promise<{ map: Float32Array; grid: number }> {
    const { imgSize, patchSize: p } = this.size;
    const grid = imgSize / p;
    const L = grid * grid;
    const img = crop.width === imgSize ? crop : resizeRgb(crop, imgSize, imgSize, 'bicubic');
    const x = toTensorNormalized(img, this.stats);
    const per = x.length;
    const images = new Float32Array(per * this.views);
    for (let v = 0; v < this.views; v++) images.set(x, v * per);
    const rng = seededRandom(this.seed);
    const masks = new Uint8Array(this.views * L);
    for (let v = 0; v < this.views; v++) {
      const order = Array.from({ length: L }, (_, i) => i);
      for (let i = L - 1; i > 0; i--) {
        const j = Math.floor(rng.uniform() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (const k of order.slice(this.nKeep)) masks[v * L + k] = 1;
    }
    const ids = maskIndices(masks, this.views, L, this.nKeep);
    const out = await this.exe.run({ images, ids_keep: ids.idsKeep, ids_restore: ids.idsRestore });
    const pred = out.pred!.data as Float32Array;
    const target = patchTargets(x, imgSize, p);
    const dim = p * p * 3;
    const sum = new Float32Array(L);
    const count = new Float32Array(L);
    for (let v = 0; v < this.views; v++) {
      for (let k = 0; k < L; k++) {
        if (!masks[v * L + k]) continue;
        let e = 0;
        const base = (v * L + k) * dim;
        for (let d = 0; d < dim; d++) e += (pred[base + d]! - target[k * dim + d]!) ** 2;
        sum[k]! += e / dim;
        count[k]! += 1;
      }
    }
    let mean = 0;
    let n = 0;
    for (let k = 0; k < L; k++) {
      if (count[k]! > 0) {
        mean += sum[k]! / count[k]!;
        n++;
      }
    }
    mean /= Math.max(n, 1);
    // patches never masked get the average error so they neither stand out nor vanish
    const map = sum.map((s, k) => (count[k]! > 0 ? s / count[k]! : mean));
    return { map: normaliseMap(map), grid };
  }
}

/** patchify(x) [L, p·p·3] ordered (row-in-patch, col-in-patch, channel), each patch normalised (norm_pix_loss). */
function patchTargets(x: Float32Array, size: number, p: number): Float32Array {
  const grid = size / p;
  const dim = p * p * 3;
  const plane = size * size;
  const out = new Float32Array(grid * grid * dim);
  for (let gy = 0; gy < grid; gy++) {
    for (let gx = 0; gx < grid; gx++) {
      const base = (gy * grid + gx) * dim;
      let d = 0;
      for (let r = 0; r < p; r++)
        for (let c = 0; c < p; c++)
          for (let ch = 0; ch < 3; ch++) out[base + d++] = x[ch * plane + (gy * p + r) * size + gx * p + c]!;
      let m = 0;
      for (let i = 0; i < dim; i++) m += out[base + i]!;
      m /= dim;
      let v = 0;
      for (let i = 0; i < dim; i++) v += (out[base + i]! - m) ** 2;
      const sd = Math.sqrt(v / (dim - 1) + 1e-6);
      for (let i = 0; i < dim; i++) out[base + i] = (out[base + i]! - m) / sd;
    }
  }
  return out;
}
