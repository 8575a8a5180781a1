// Shared by the finetune / protocol / fas tests: the oracle fixture folder and tiny synthetic real/fake image sets
// written as PNGs from inputs/images_uint8.bin (fake = horizontally flipped + colour-shifted faces).
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { FinetuneOptions } from '../src/train/finetune/index.js';
import { needsOracle, oraclePath } from './oracle-fixtures.js';
import { scratchDir } from './scratchDir.js';

/** The `skip` option of these tests: the one rule of oracle-fixtures.ts. */
export const SKIP_REASON = needsOracle;
export const ckpt = (name: string) => oraclePath('checkpoints', name);

const SIDE = 224;
const PLANE = SIDE * SIDE * 3;

/** The 4 fixture faces, HWC uint8. */
export function fixtureFaces(): Uint8Array[] {
  const buf = readFileSync(oraclePath('inputs', 'images_uint8.bin'));
  return [0, 1, 2, 3].map((i) => new Uint8Array(buf.buffer, buf.byteOffset + i * PLANE, PLANE));
}

export function expectedFloat32(stem: string): Float32Array {
  const b = readFileSync(oraclePath('expected', `${stem}.bin`));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

export async function writePng(file: string, hwc: Uint8Array, side = SIDE): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  await sharp(Buffer.from(hwc), { raw: { width: side, height: side, channels: 3 } })
    .png()
    .toFile(file);
}

/** A fake variant of a face: mirrored and colour-shifted (a crude but learnable "manipulation"). */
export function fakeVariant(hwc: Uint8Array, shift: number): Uint8Array {
  const out = new Uint8Array(hwc.length);
  for (let y = 0; y < SIDE; y++)
    for (let x = 0; x < SIDE; x++)
      for (let c = 0; c < 3; c++) {
        const v = hwc[(y * SIDE + (SIDE - 1 - x)) * 3 + c]!;
        out[(y * SIDE + x) * 3 + c] = Math.max(0, Math.min(255, v + (c === 0 ? shift : -shift)));
      }
  return out;
}

/**
 * `<root>/{fake_synth,real_faces}/` with `perClass` images each (faces cycled; reals lightly brightened per copy),
 * file names `<video>_frame_<k>.png` so two frames form a video.
 */
export async function writeRealFakeFolder(root: string, perClass: number): Promise<void> {
  const faces = fixtureFaces();
  for (let i = 0; i < perClass; i++) {
    const face = faces[i % faces.length]!;
    const bright = Uint8Array.from(face, (v) => Math.min(255, v + Math.floor(i / faces.length) * 3));
    const video = Math.floor(i / 2);
    await writePng(path.join(root, 'real_faces', `real${video}_frame_${i % 2}.png`), bright);
    await writePng(
      path.join(root, 'fake_synth', `fake${video}_frame_${i % 2}.png`),
      fakeVariant(face, 40 + 5 * (i % 3)),
    );
  }
}

/** A fresh temp folder with `data/train` (4 images per class) and `data/val` (2) for {@link tinyFinetune}. */
export async function tinyFinetuneRoot(prefix: string): Promise<string> {
  const root = scratchDir(prefix);
  await writeRealFakeFolder(path.join(root, 'data', 'train'), 4);
  await writeRealFakeFolder(path.join(root, 'data', 'val'), 2);
  return root;
}

/** A tiny fine-tuning of the fixture pre-training checkpoint on `<root>/data`: custom 3-head model, 2 epochs. */
export const tinyFinetune = (root: string): Omit<FinetuneOptions, 'trainable' | 'outputDir'> => ({
  dataPath: [path.join(root, 'data')],
  finetune: ckpt('pretrain-online.pth'),
  model: 'custom',
  numHeads: 3,
  batchSize: 4,
  epochs: 2,
  warmupEpochs: 1,
  blr: 0.05,
  runtime: { threads: 2 },
});
