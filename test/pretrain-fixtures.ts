// A tiny pre-training set for the pretrain tests: the oracle's synthetic faces (images_uint8 + their parsing maps)
// written as images/*.png + parsing_maps/*.npy, with small per-copy pixel shifts so every sample differs.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { encodeNpy } from '../src/io/npy.js';
import type { PretrainOptions, ResolvedPretrainOptions } from '../src/train/pretrain/pretrainOptions.js';
import { PRETRAIN_DEFAULTS } from '../src/train/pretrain/pretrainOptions.js';
import { oraclePath } from './oracle-fixtures.js';
import { scratchDir } from './scratchDir.js';

export function tempDir(tag: string): string {
  return scratchDir(`fsvfm-pretrain-${tag}-`);
}

/** Writes `count` samples (faces cycled over the 4 oracle faces) into `<root>/images` + `<root>/parsing_maps`. */
export async function writeTinyPretrainSet(root: string, count = 8): Promise<string> {
  const S = 224;
  const imgs = new Uint8Array(readFileSync(oraclePath('inputs/images_uint8.bin')));
  const maps = new Int8Array(readFileSync(oraclePath('inputs/parsing_maps.bin')).buffer.slice(0));
  mkdirSync(path.join(root, 'images'), { recursive: true });
  mkdirSync(path.join(root, 'parsing_maps'), { recursive: true });
  for (let i = 0; i < count; i++) {
    const f = i % 4;
    const px = imgs.slice(f * S * S * 3, (f + 1) * S * S * 3);
    const shift = Math.floor(i / 4) * 7;
    for (let j = 0; j < px.length; j++) px[j] = Math.min(255, px[j]! + shift);
    const name = `face_${String(i).padStart(3, '0')}`;
    await sharp(Buffer.from(px), { raw: { width: S, height: S, channels: 3 } })
      .png()
      .toFile(path.join(root, 'images', `${name}.png`));
    const map = maps.slice(f * S * S, (f + 1) * S * S);
    writeFileSync(
      path.join(root, 'parsing_maps', `${name}.npy`),
      encodeNpy({ dtype: 'int8', shape: [1, S, S], data: map }),
    );
  }
  return root;
}

/** A D=32, depth-1 FS-VFM at 224 px with small decoders and projector. */
export function tinyOptions(
  data: string,
  outputDir: string,
  over: Partial<PretrainOptions> = {},
): ResolvedPretrainOptions {
  return {
    ...PRETRAIN_DEFAULTS,
    data: [data],
    outputDir,
    model: 'custom',
    custom: {
      embedDim: 32,
      depth: 1,
      numHeads: 2,
      decoderEmbedDim: 32,
      decoderDepth: 1,
      decoderNumHeads: 2,
      repDecoderDepth: 1,
      repDecoderNumHeads: 2,
      projectionSize: 16,
      projectionHiddenSize: 64,
    },
    normPixLoss: true,
    batchSize: 4,
    epochs: 2,
    warmupEpochs: 0,
    blr: 1e-3,
    workers: 0,
    visCount: 0,
    threads: 2,
    ...over,
  };
}
