// Masks of one strategy drawn over faces (or over the parsing colours when no face is given) and written as PNGs:
// one file per parsing map, named after its source and the strategy.
import { existsSync, mkdirSync, writeSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import sharp from 'sharp';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import { createRgbImage, type RgbImage } from '../image/rgbImage.js';
import { SeededRng } from '../random/seededRng.js';
import { maskOverlay, parsingColourImage } from './maskOverlay.js';
import type { MaskStrategy } from './maskStrategy.js';
import type { ParsingMap } from './parsingMap.js';
import { countOnes } from './patchMembership.js';

export interface MaskOverlayInputs {
  strategy: MaskStrategy;
  maps: ParsingMap[];
  /** the files the maps were read from, in order (names the outputs when there are no faces) */
  parsingFiles: string[];
  /** face images aligned with the maps, one per map, or none */
  faces: string[];
  outDir: string;
  seed: number;
}

export interface MaskOverlayImage {
  file: string;
  png: string;
  masked: number;
  fr: number;
  extreme: boolean;
}

export interface MaskOverlayFiles {
  region: string | null;
  sfrEmpty: boolean;
  /** patches per image */
  patches: number;
  images: MaskOverlayImage[];
}

async function loadFace(path: string, map: ParsingMap): Promise<RgbImage> {
  if (!existsSync(path)) throw new Error(`face image not found: ${path}`);
  try {
    const { data, info } = await sharp(path)
      .removeAlpha()
      .resize(map.width, map.height, { fit: 'fill' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    return createRgbImage(info.width, info.height, new Uint8Array(data.buffer, data.byteOffset, data.length));
  } catch (err) {
    throw new Error(`cannot decode image ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export async function writeMaskOverlays(o: MaskOverlayInputs): Promise<MaskOverlayFiles> {
  const { strategy, maps, faces } = o;
  if (faces.length > 0 && faces.length !== maps.length) {
    throw new Error(
      `got ${faces.length} face images for ${maps.length} parsing maps; give one image per map, or none`,
    );
  }
  const batch = strategy.generate(maps, new SeededRng(o.seed));
  const N = batch.grid.count;
  mkdirSync(o.outDir, { recursive: true });
  const images: MaskOverlayImage[] = [];
  for (let i = 0; i < maps.length; i++) {
    const base = faces.length > 0 ? await loadFace(faces[i]!, maps[i]!) : parsingColourImage(maps[i]!);
    const mask = batch.masks.subarray(i * N, (i + 1) * N);
    const sfr = batch.sfr.subarray(i * N, (i + 1) * N);
    const img = maskOverlay(base, mask, sfr, batch.grid);
    const source = faces[i] ?? o.parsingFiles[i]!;
    const png = join(o.outDir, `${basename(source, extname(source))}.${strategy.name}.png`);
    const bytes = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
      .png()
      .toBuffer();
    await writeFileAtomic(png, (fd) => {
      writeSync(fd, bytes);
    });
    images.push({
      file: o.parsingFiles[i]!,
      png,
      masked: countOnes(mask),
      fr: countOnes(sfr),
      extreme: batch.extreme[i]!,
    });
  }
  return { region: batch.region, sfrEmpty: batch.sfrEmpty, patches: N, images };
}
