// `fsvfm faces`: media files → detected faces → recipe crops (+ parsing maps) in the pre-training layout
// (`images/<name>.png`, `parsing_maps/<name>.npy`, SPEC §6.2) or the fine-tuning imagefolder layout
// (`<class>/<name>.png`, SPEC §6.4). One bad input never stops the run: it becomes an error entry.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import { encodeNpy } from '../../io/npy.js';
import { mapLandmarks } from '../crops/affine2d.js';
import { CROP_SIZE, cropRecipe, type FaceCrop } from '../crops/cropRecipes.js';
import type { FaceDetection } from '../faces/faceDetection.js';
import type { RgbImage } from '../image/rgbImage.js';
import { decodeImage } from '../media/decodeImage.js';
import { fps as fpsSampler, uniform } from '../media/frameSamplers.js';
import { isImage } from '../media/mediaKind.js';
import { NotAVideoError, probeVideo } from '../media/probeVideo.js';
import { readVideoFrames } from '../media/readVideoFrames.js';
import { cacheKey, hashFile, readCached, writeCached } from './faceDatasetCache.js';
import {
  CROP_PLACEMENT,
  type DatasetLayout,
  type FaceDatasetManifest,
  type ManifestEntry,
  parseFaceDatasetManifest,
  summarise,
} from './faceDatasetManifest.js';
import type { FaceDetectorLike, FaceParserLike } from './faceTools.js';
import { type InputFile, listInputFiles } from './listInputFiles.js';
import { classOf, cropStem, stemOf } from './outputNaming.js';

export interface BuildFaceDatasetOptions {
  inputs: string[];
  outDir: string;
  layout: DatasetLayout;
  /** frames per video, uniformly sampled (SPEC §6.1); default 32 */
  frames?: number;
  /** sample this many frames per second of video instead of a fixed count */
  fps?: number;
  recipe?: string;
  /** imagefolder class folder; default: each file's parent folder name */
  className?: string;
  /** keep every detected face instead of the first (SPEC §9 #21: the first) */
  allFaces?: boolean;
  /** imagefolder crops at source resolution (official DfD preparation, default) or resized to 224² */
  cropSize?: 'native' | 224;
  /**
   * Input files in flight at once (default 1). sharp and ffmpeg already decode off the main thread, and
   * detection + parsing (≈85% of the time, one wasm engine) run one at a time, so more jobs only overlap
   * decode/encode with inference; bench/faces.ts compares 1 and 2 jobs (no consistent gain on 2 busy cores).
   */
  jobs?: number;
  detector: FaceDetectorLike;
  /** required for the pretrain layout */
  parser?: FaceParserLike;
  onProgress?: (p: { done: number; total: number; input: string; entry: ManifestEntry }) => void;
  signal?: AbortSignal;
}

/** A problem with the options or the output folder (not with an input file): nothing was processed. */
export class DatasetConfigError extends Error {}

/** Bumped when the output of a given input and options changes, so old cache records are not reused. */
const OUTPUT_VERSION = 2;

export async function buildFaceDataset(opts: BuildFaceDatasetOptions): Promise<FaceDatasetManifest> {
  const recipe = configured(() => cropRecipe(opts.recipe ?? 'fsfm-dlib-1.3'));
  const frames = opts.frames ?? 32;
  if (!Number.isInteger(frames) || frames < 1)
    throw new DatasetConfigError(`frames per video must be a positive integer, got ${frames}`);
  if (opts.layout === 'pretrain' && !opts.parser)
    throw new DatasetConfigError('the pretrain layout needs a face parser for the parsing maps');
  const cropSize = opts.layout === 'pretrain' ? 224 : (opts.cropSize ?? 'native');
  const files = configured(() => listInputFiles(opts.inputs, opts.outDir));
  if (opts.fps !== undefined && !(opts.fps > 0))
    throw new DatasetConfigError(`fps must be positive, got ${opts.fps}`);
  const sampler = opts.fps !== undefined ? fpsSampler(opts.fps) : uniform(frames);
  const previous = readPreviousManifest(opts.outDir);
  if (previous && previous.recipe !== recipe.name) {
    throw new DatasetConfigError(
      `${opts.outDir} holds crops made with recipe ${previous.recipe}; mixing recipes in one dataset is not allowed: use another --out`,
    );
  }
  if (previous && previous.placement !== CROP_PLACEMENT) {
    throw new DatasetConfigError(
      `${opts.outDir} holds crops placed by ${previous.placement ? `rule ${previous.placement}` : 'an older version of fsvfm'}, not ${CROP_PLACEMENT}; its crops would not match new ones: use another --out or delete it`,
    );
  }
  const settings = {
    fps: opts.fps ?? null,
    v: OUTPUT_VERSION,
    recipe: recipe.name,
    layout: opts.layout,
    frames,
    allFaces: !!opts.allFaces,
    className: opts.className ?? null,
    cropSize,
  };
  const stems = uniqueStems(files);
  const entries: ManifestEntry[] = new Array(files.length);
  const detectLock = new Mutex();
  let next = 0;
  let done = 0;

  const worker = async (): Promise<void> => {
    while (next < files.length && !opts.signal?.aborted) {
      const i = next++;
      const file = files[i]!;
      const entry = await processFile(file, stems[i]!);
      entries[i] = entry;
      done++;
      opts.onProgress?.({ done, total: files.length, input: file.path, entry });
    }
  };

  const processFile = async (file: InputFile, stem: string): Promise<ManifestEntry> => {
    const entry: ManifestEntry = {
      input: file.path,
      kind: 'other',
      status: 'ok',
      error: null,
      faces: 0,
      crops: 0,
      frames: 0,
      outputs: [],
      crop_boxes: [],
      warnings: [],
      cached: false,
    };
    let key: string | undefined;
    try {
      key = cacheKey(await hashFile(file.path), stem, settings);
      const hit = await readCached(opts.outDir, key);
      if (hit) return { ...hit, input: file.path, cached: true };
      entry.kind = (await isImage(file.path)) ? 'image' : 'video';
      const cls = opts.layout === 'imagefolder' ? classOf(file.relPath, opts.className) : null;
      if (opts.layout === 'imagefolder' && !cls) {
        throw new Error('no class folder: the file is not inside a class folder; pass --class <name>');
      }
      const emit = async (img: RgbImage, frameIndex: number | null): Promise<void> => {
        entry.frames++;
        const faces = await detectLock.run(() => opts.detector.detect(img));
        entry.faces += faces.length;
        const kept = opts.allFaces ? faces : faces.slice(0, 1);
        for (let k = 0; k < kept.length; k++) {
          const name = cropStem(stem, frameIndex, k);
          const crop = recipe.crop(img, kept[k]!);
          const written = await writeCrop(crop, kept[k]!, name, cls);
          entry.outputs.push(...written);
          entry.crop_boxes.push({ frame: frameIndex, crop_box: crop.box, outputs: written });
          entry.crops++;
        }
      };
      if (entry.kind === 'image') {
        const { image, warnings } = await decodeImage(file.path);
        entry.warnings.push(...warnings);
        await emit(image, null);
      } else {
        const info = await probeVideo(file.path).catch((err: Error) => {
          if (!(err instanceof NotAVideoError)) throw err;
          entry.kind = 'other';
          throw new Error(`not an image or video: ${err.message}`);
        });
        let noFace = 0;
        for await (const f of readVideoFrames(file.path, sampler, info)) {
          const before = entry.crops;
          await emit(f.image, f.index);
          if (entry.crops === before) noFace++;
          if (opts.signal?.aborted) throw new Error('interrupted');
        }
        if (noFace > 0 && entry.crops > 0)
          entry.warnings.push(`${noFace} of ${entry.frames} sampled frames had no face`);
      }
      if (entry.crops === 0) {
        const what = entry.kind === 'video' ? `any of the ${entry.frames} sampled frames` : 'the image';
        const why = entry.warnings.length > 0 ? ` (${entry.warnings.join('; ')})` : '';
        throw new Error(`no face detected in ${what}${why}`);
      }
    } catch (err) {
      entry.status = 'error';
      const msg = err instanceof Error ? err.message : String(err);
      // the entry names the input already; drop the path prefix of media errors
      entry.error = msg.split(`${file.path}: `).join('');
    }
    if (key && !opts.signal?.aborted) await writeCached(opts.outDir, key, entry);
    return entry;
  };

  const writeCrop = async (
    crop: FaceCrop,
    face: FaceDetection,
    name: string,
    cls: string | null,
  ): Promise<string[]> => {
    if (opts.layout === 'imagefolder') {
      const img = cropSize === 'native' ? crop.native : crop.image;
      const rel = `${cls}/${name}.png`;
      await writeFileAtomic(join(opts.outDir, rel), await encodePng(img));
      return [rel];
    }
    const mesh = mapLandmarks(crop.transform, face.landmarks);
    const labels = await opts.parser!.parse(crop.image, mesh);
    if (labels.length !== CROP_SIZE * CROP_SIZE) {
      throw new Error(`face parser returned ${labels.length} labels, expected ${CROP_SIZE * CROP_SIZE}`);
    }
    const img = `images/${name}.png`;
    const map = `parsing_maps/${name}.npy`;
    await writeFileAtomic(join(opts.outDir, img), await encodePng(crop.image));
    await writeFileAtomic(
      join(opts.outDir, map),
      encodeNpy({ dtype: 'int8', shape: [1, CROP_SIZE, CROP_SIZE], data: labels }),
    );
    return [img, map];
  };

  const jobs = Math.max(1, Math.min(opts.jobs ?? 1, files.length || 1));
  await Promise.all(Array.from({ length: jobs }, worker));
  const finished = entries.filter((e) => e !== undefined);
  // inputs of earlier runs into the same folder stay listed
  const thisRun = new Set(finished.map((e) => e.input));
  const kept = (previous?.entries ?? []).filter((e) => !thisRun.has(e.input));
  const all = [...kept, ...finished];
  const manifest: FaceDatasetManifest = {
    tool: 'fsvfm faces',
    recipe: recipe.name,
    placement: CROP_PLACEMENT,
    layout: opts.layout,
    options: {
      frames,
      fps: opts.fps ?? null,
      allFaces: !!opts.allFaces,
      className: opts.className ?? null,
      cropSize,
    },
    counts: summarise(all),
    interrupted: finished.length < files.length,
    entries: all,
  };
  await writeFileAtomic(join(opts.outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

export async function encodePng(img: RgbImage): Promise<Buffer> {
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .png()
    .toBuffer();
}

/** Output stems, made unique when two inputs would write the same names (e.g. a/x.mp4 and a/x.avi). */
function uniqueStems(files: InputFile[]): string[] {
  const seen = new Map<string, number>();
  return files.map((f) => {
    const stem = stemOf(f.relPath);
    const n = seen.get(stem) ?? 0;
    seen.set(stem, n + 1);
    return n === 0 ? stem : `${stem}_${n + 1}`;
  });
}

/** Serialises async sections (the face detector's wasm engine runs one inference at a time). */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

function readPreviousManifest(outDir: string): FaceDatasetManifest | null {
  const p = join(outDir, 'manifest.json');
  // a damaged manifest (unreadable, or not a faces manifest) is rebuilt from this run
  return existsSync(p) ? parseFaceDatasetManifest(readFileSync(p, 'utf8')) : null;
}

function configured<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new DatasetConfigError((err as Error).message);
  }
}
