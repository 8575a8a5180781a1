// `fsvfm fakes`: a folder of real face crops → an imagefolder class folder of synthetic fakes
// (`fake_sbi/` or `fake_swap/`) with a manifest. Resumable: samples already written and recorded are kept;
// one bad input never stops the run, it becomes a problem record.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import { encodePng } from '../datasets/buildFaceDataset.js';
import type { FaceDetectorLike } from '../datasets/faceTools.js';
import { type InputFile, listInputFiles } from '../datasets/listInputFiles.js';
import { hasImageExtension, IMAGE_EXTENSIONS } from '../folders/imageFolder.js';
import type { RgbImage } from '../image/rgbImage.js';
import { decodeImage } from '../media/decodeImage.js';
import { SeededRng } from '../random/seededRng.js';
import { type FakeKind, fakeFileName, fakeStem, sampleSeed } from './fakeNaming.js';
import {
  type FakeProblem,
  type FakeSample,
  type FakesManifest,
  type LandmarkOrigin,
  parseFakesManifest,
  sameRun,
} from './fakesManifest.js';
import { landmarkFaceSwap, type SwapOptions } from './landmarkFaceSwap.js';
import { bestMeshFace, LANDMARK_SIDECAR_SUFFIX, readLandmarkSidecar } from './landmarkSidecar.js';
import type { Landmarks } from './landmarks.js';
import { type SbiOptions, selfBlendedImage } from './selfBlendedImage.js';
import { type PairingRule, SwapPairing } from './swapPairing.js';

/** Bad input or options that no retry fixes (the CLI shows the message without a stack trace). */
export class FakesInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FakesInputError';
  }
}

export interface BuildFakesOptions {
  inputDir: string;
  /** dataset root: samples go to `<outDir>/fake_<kind>/` */
  outDir: string;
  kind: FakeKind;
  /** fakes per input image (default 1) */
  perImage?: number;
  seed?: number;
  /** swap pairing rule (default random) */
  pairs?: PairingRule;
  detector: FaceDetectorLike;
  /** triangle index triples for swaps (the MediaPipe mesh triangulation); default Delaunay per target */
  triangles?: ArrayLike<number>;
  sbi?: SbiOptions;
  swap?: Omit<SwapOptions, 'triangles' | 'triangulation'>;
  signal?: AbortSignal;
  onProgress?: (p: { done: number; total: number; samples: number; problems: number }) => void;
}

interface LoadedFace {
  image: RgbImage;
  landmarks: Landmarks;
  origin: LandmarkOrigin;
}
type Loaded = LoadedFace | FakeProblem;

const MANIFEST_EVERY = 25;
/** Sources tried per swap sample before it is skipped (a source may hold no detectable face). */
const SOURCE_ATTEMPTS = 4;

export function fakesClassDir(outDir: string, kind: FakeKind): string {
  return join(outDir, `fake_${kind}`);
}

export interface FakeInputs {
  inputDir: string;
  /** every file found (images, sidecars, others) */
  files: InputFile[];
  images: InputFile[];
  /** files that are not images (landmark sidecars excepted), recorded as skipped */
  problems: FakeProblem[];
}

/** The images of the input folder; throws FakesInputError when the folder is missing or holds none. */
export function listFakeInputs(input: string, outDir: string): FakeInputs {
  const inputDir = resolve(input);
  if (!existsSync(inputDir)) throw new FakesInputError(`input folder ${input} does not exist`);
  if (!statSync(inputDir).isDirectory())
    throw new FakesInputError(`${input} is a file; give the folder of real face crops`);
  const files = listInputFiles([inputDir], resolve(outDir));
  const images = files.filter((f) => hasImageExtension(f.relPath));
  const problems: FakeProblem[] = files
    .filter((f) => !hasImageExtension(f.relPath) && !f.relPath.endsWith(LANDMARK_SIDECAR_SUFFIX))
    .map((f) => ({ input: f.relPath, status: 'skipped', reason: 'not an image file' }));
  if (images.length === 0)
    throw new FakesInputError(
      `no images in ${input} (looked for ${IMAGE_EXTENSIONS.join(' ')}${problems.length ? `; found ${problems.length} other files` : ''}); give a folder of face crops such as the images/ of a pre-training dataset`,
    );
  return { inputDir, files, images, problems };
}

export async function buildFakes(o: BuildFakesOptions): Promise<FakesManifest> {
  const perImage = o.perImage ?? 1;
  const seed = o.seed ?? 0;
  const pairs = o.kind === 'swap' ? (o.pairs ?? 'random') : null;
  if (!Number.isInteger(perImage) || perImage < 1)
    throw new FakesInputError(`fakes per image must be a positive integer, got ${perImage}`);
  if (!Number.isSafeInteger(seed)) throw new FakesInputError(`seed must be an integer, got ${seed}`);
  const { inputDir, files, images, problems } = listFakeInputs(o.inputDir, o.outDir);
  const classDir = fakesClassDir(resolve(o.outDir), o.kind);

  let pairing: SwapPairing | undefined;
  if (o.kind === 'swap') {
    try {
      pairing = new SwapPairing(
        images.map((f) => f.relPath),
        pairs as PairingRule,
        seed,
      );
    } catch (err) {
      throw new FakesInputError((err as Error).message);
    }
  }

  const triangulation = o.kind === 'swap' ? (o.triangles ? 'mediapipe-mesh' : 'delaunay') : null;
  const manifestPath = join(classDir, 'manifest.json');
  const previous = readManifest(manifestPath);
  const sbi = o.kind === 'sbi' && o.sbi && Object.keys(o.sbi).length ? { ...o.sbi } : undefined;
  if (previous && !sameRun(previous, { generator: o.kind, seed, perImage, pairs, triangulation, sbi }))
    throw new FakesInputError(
      `${classDir} holds fakes made with other options (seed ${previous.seed}, ${previous.perImage} per image${previous.pairs ? `, pairs ${previous.pairs}, ${previous.triangulation} triangles` : ''}${previous.sbi ? `, SBI ranges ${JSON.stringify(previous.sbi)}` : ''}); re-run with those options to resume, or choose another --out`,
    );
  const recorded = new Map<string, FakeSample>();
  for (const s of previous?.samples ?? [])
    if (existsSync(join(classDir, s.output))) recorded.set(s.output, s);

  const samples: FakeSample[] = [];
  let reused = 0;
  let interrupted = false;
  const byRel = new Map(images.map((f) => [f.relPath, f]));
  // x.png and x.jpg would write the same names: the first in listing order keeps them
  const stemOwner = new Map<string, string>();
  for (const f of images)
    if (!stemOwner.has(fakeStem(f.relPath))) stemOwner.set(fakeStem(f.relPath), f.relPath);
  const cache = new FaceCache(o.detector, o.kind === 'swap' ? 64 : 1);

  const manifest = (): FakesManifest => ({
    tool: 'fsvfm fakes',
    generator: o.kind,
    input: inputDir,
    seed,
    perImage,
    pairs,
    triangulation,
    ...(sbi ? { sbi } : {}),
    counts: {
      inputs: files.length,
      samples: samples.length,
      skipped: problems.filter((p) => p.status === 'skipped').length,
      errors: problems.filter((p) => p.status === 'error').length,
      reused,
    },
    interrupted,
    samples,
    problems,
  });
  const save = () => writeFileAtomic(manifestPath, `${JSON.stringify(manifest(), null, 1)}\n`);

  for (let t = 0; t < images.length; t++) {
    if (o.signal?.aborted) {
      interrupted = true;
      break;
    }
    const target = images[t]!;
    const clash = stemOwner.get(fakeStem(target.relPath));
    if (clash !== target.relPath) {
      problems.push({
        input: target.relPath,
        status: 'skipped',
        reason: `its fakes would overwrite those of ${clash}`,
      });
      continue;
    }
    for (let k = 0; k < perImage; k++) {
      const output = fakeFileName(target.relPath, o.kind, k);
      const done = recorded.get(output);
      if (done) {
        samples.push(done);
        reused++;
        continue;
      }
      const tgt = await cache.load(target);
      if ('reason' in tgt) {
        problems.push(tgt);
        break;
      }
      const sampleSeedK = sampleSeed(seed, o.kind, target.relPath, k);
      const rng = new SeededRng(sampleSeedK);
      try {
        if (o.kind === 'sbi') {
          const r = selfBlendedImage(tgt.image, tgt.landmarks, rng, o.sbi);
          await writeFileAtomic(join(classDir, output), await encodePng(r.image));
          samples.push({
            output,
            generator: 'sbi',
            sources: [target.relPath],
            landmarks: [tgt.origin],
            seed: sampleSeedK,
            params: r.params,
          });
        } else {
          let srcRel = '';
          let src: Loaded | undefined;
          for (let attempt = 0; attempt < SOURCE_ATTEMPTS; attempt++) {
            srcRel = pairing!.sourceFor(target.relPath, k, attempt);
            src = await cache.load(byRel.get(srcRel)!);
            if (!('reason' in src)) break;
          }
          if (!src || 'reason' in src) {
            problems.push({
              input: target.relPath,
              status: 'skipped',
              reason: `${output}: no usable source face in ${SOURCE_ATTEMPTS} tries (last ${srcRel}: ${src?.reason})`,
            });
            continue;
          }
          const r = landmarkFaceSwap(src.image, src.landmarks, tgt.image, tgt.landmarks, rng, {
            ...o.swap,
            ...(o.triangles ? { triangles: o.triangles, triangulation: 'mediapipe-mesh' as const } : {}),
          });
          await writeFileAtomic(join(classDir, output), await encodePng(r.image));
          samples.push({
            output,
            generator: 'swap',
            sources: [target.relPath, srcRel],
            landmarks: [tgt.origin, src.origin],
            seed: sampleSeedK,
            params: r.params,
          });
        }
      } catch (err) {
        problems.push({
          input: target.relPath,
          status: 'error',
          reason: `${output}: ${(err as Error).message}`,
        });
      }
    }
    o.onProgress?.({ done: t + 1, total: images.length, samples: samples.length, problems: problems.length });
    if ((t + 1) % MANIFEST_EVERY === 0) await save();
  }
  await save();
  return manifest();
}

function readManifest(p: string): FakesManifest | null {
  // a damaged manifest is rebuilt; its samples are regenerated (same seeds, same bytes)
  return existsSync(p) ? parseFakesManifest(readFileSync(p, 'utf8')) : null;
}

/** Decoded images with their landmarks, the most recent few kept (swap sources repeat). */
class FaceCache {
  private readonly entries = new Map<string, Loaded>();
  constructor(
    private readonly detector: FaceDetectorLike,
    private readonly capacity: number,
  ) {}

  async load(file: InputFile): Promise<Loaded> {
    const hit = this.entries.get(file.relPath);
    if (hit) {
      this.entries.delete(file.relPath);
      this.entries.set(file.relPath, hit);
      return hit;
    }
    const loaded = await this.read(file);
    this.entries.set(file.relPath, loaded);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return loaded;
  }

  private async read(file: InputFile): Promise<Loaded> {
    let image: RgbImage;
    try {
      image = (await decodeImage(file.path)).image;
    } catch (err) {
      return { input: file.relPath, status: 'error', reason: (err as Error).message };
    }
    try {
      const side = readLandmarkSidecar(file.path);
      if (side) return { image, landmarks: side, origin: 'sidecar' };
      const best = bestMeshFace(await this.detector.detect(image));
      if (!best)
        return { input: file.relPath, status: 'skipped', reason: 'no face with a landmark mesh detected' };
      return { image, landmarks: best.landmarks, origin: 'detected' };
    } catch (err) {
      return { input: file.relPath, status: 'error', reason: (err as Error).message };
    }
  }
}
