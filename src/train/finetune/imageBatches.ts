// Batches of transformed images for training and validation: decode (sharp) with a bounded in-memory cache of
// decoded images, then the per-image transform, packed into one [B, 3, S, S] float32 buffer.
import type { LabeledSample } from '../../data/folders/index.js';
import type { RgbImage } from '../../data/image/rgbImage.js';
import { decodeImage } from '../../data/media/decodeImage.js';

/** Decoded images kept in memory up to `maxBytes` (first come, first kept): small sets decode once. */
export class DecodedImageCache {
  private readonly images = new Map<string, RgbImage>();
  private bytes = 0;
  constructor(private readonly maxBytes = 512 * 1024 * 1024) {}

  async get(file: string): Promise<RgbImage> {
    const hit = this.images.get(file);
    if (hit) return hit;
    let image: RgbImage;
    try {
      image = (await decodeImage(file)).image;
    } catch (err) {
      throw new Error(
        `cannot read training image ${file}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    if (this.bytes + image.data.length <= this.maxBytes) {
      this.images.set(file, image);
      this.bytes += image.data.length;
    }
    return image;
  }
}

export interface ImageBatch {
  images: Float32Array;
  labels: number[];
  count: number;
}

/**
 * Decodes `samples` (in parallel), applies `transform` to each in order (so a seeded transform stays
 * reproducible) and packs them.
 */
export async function loadBatch(
  samples: readonly LabeledSample[],
  cache: DecodedImageCache,
  size: number,
  transform: (img: RgbImage) => Float32Array,
): Promise<ImageBatch> {
  const per = 3 * size * size;
  const decoded = await Promise.all(samples.map((s) => cache.get(s.path)));
  const images = new Float32Array(samples.length * per);
  decoded.forEach((img, i) => {
    const t = transform(img);
    if (t.length !== per)
      throw new Error(`transform of ${samples[i]!.path} gave ${t.length} values, expected 3×${size}×${size}`);
    images.set(t, i * per);
  });
  return { images, labels: samples.map((s) => s.label), count: samples.length };
}
