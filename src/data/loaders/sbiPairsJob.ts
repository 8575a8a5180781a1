// A loader job of online SBI training: for each real face of a batch, decode it, build a fresh self-blend from its
// stored parsing map or landmarks, and post-process the real face and its fake with one shared draw. Each face
// draws from its own generator (seeded by the caller from run seed, epoch and sample index), so the result does
// not depend on which worker runs it or when.
import { readFileSync } from 'node:fs';
import { decodeNpy } from '../../io/npy.js';
import type { RgbImage } from '../image/rgbImage.js';
import { parsingMapFromNpy } from '../masking/parsingMap.js';
import { decodeImage } from '../media/decodeImage.js';
import { SeededRng } from '../random/seededRng.js';
import { type FaceOutline, outlineFromLandmarks, outlineFromParsingMap } from '../synthetic/faceOutline.js';
import { readLandmarkSidecar } from '../synthetic/landmarkSidecar.js';
import { type OnlineSbiOptions, onlineSelfBlend } from '../synthetic/onlineSelfBlend.js';
import {
  applyPostprocess,
  drawPostprocess,
  type PostprocessOptions,
} from '../transforms/trainingPostprocess.js';

/** Where a face's outline is stored: a parsing map (.npy) or a landmark sidecar (.landmarks.json). */
export type OutlineSource = { kind: 'parsing-map'; path: string } | { kind: 'landmarks'; path: string };

export interface SbiPairItem {
  image: string;
  outline: OutlineSource;
  /** seed of this face's generator */
  seed: number;
}

export interface SbiPairsJob {
  kind: 'sbi-pairs';
  items: SbiPairItem[];
  sbi: OnlineSbiOptions;
  post: PostprocessOptions;
}

export interface RawImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface LoadedSbiPairs {
  reals: RawImage[];
  fakes: RawImage[];
}

export function readOutline(src: OutlineSource, width: number, height: number, image: string): FaceOutline {
  if (src.kind === 'landmarks') {
    const lm = readLandmarkSidecar(image);
    if (!lm) throw new Error(`${image}: landmark sidecar ${src.path} is missing`);
    return outlineFromLandmarks(lm);
  }
  const map = parsingMapFromNpy(decodeNpy(readFileSync(src.path), src.path), src.path);
  if (map.width !== width || map.height !== height)
    throw new Error(
      `${src.path}: parsing map is ${map.width}x${map.height}, its face ${image} is ${width}x${height}`,
    );
  const outline = outlineFromParsingMap(map);
  if (outline.points.length < 3) throw new Error(`${src.path}: the parsing map holds no face`);
  return outline;
}

async function pairOf(item: SbiPairItem, job: SbiPairsJob): Promise<{ real: RgbImage; fake: RgbImage }> {
  const { image } = await decodeImage(item.image);
  const outline = readOutline(item.outline, image.width, image.height, item.image);
  const rng = new SeededRng(item.seed);
  const pair = onlineSelfBlend(image, outline, rng, job.sbi);
  const post = drawPostprocess(rng, job.post);
  return { real: await applyPostprocess(pair.real, post), fake: await applyPostprocess(pair.fake, post) };
}

export async function loadSbiPairs(job: SbiPairsJob): Promise<LoadedSbiPairs> {
  const pairs = await Promise.all(job.items.map((it) => pairOf(it, job)));
  const raw = (im: RgbImage): RawImage => ({ width: im.width, height: im.height, data: im.data });
  return { reals: pairs.map((p) => raw(p.real)), fakes: pairs.map((p) => raw(p.fake)) };
}
