// Makes test/fixtures/crops/dlib-reference.json: the face rectangles and 68-point landmarks that real dlib (the
// official FS-VFM face detector, SPEC §6.1) finds on the demo media. Needs Debian's libdlib-dev and libdlib-data:
//   apt-get install -y libdlib-dev libdlib-data
//   node --import tsx scripts/reference/makeDlibReference.ts
// Every image is decoded by fsvfm's own decoders and handed to dlib as a lossless PNG, so both see the same pixels.
// `split` says which images the crop mapping was fitted on (fit) and which only test it (heldout).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import sharp from 'sharp';
import { demoMediaPaths, fetchDemoMedia } from '../../src/data/demo/index.js';
import type { RgbImage } from '../../src/data/image/rgbImage.js';
import { decodeImage, readVideoFrames, uniform } from '../../src/data/media/index.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const predictor = '/usr/share/dlib/shape_predictor_68_face_landmarks.dat';
const out = join(repoRoot, 'test/fixtures/crops/dlib-reference.json');
const FRAMES_PER_VIDEO = 32;

export interface ReferenceImage {
  /** path under the demo media folder */
  source: string;
  /** frame index for videos, null for stills */
  frame: number | null;
  split: 'fit' | 'heldout';
  width: number;
  height: number;
  /** dlib detections in dlib's order: rect = [left, top, right, bottom], landmarks = 68 × [x, y] */
  faces: { rect: [number, number, number, number]; landmarks: [number, number][] }[];
}

const media = await fetchDemoMedia(join(repoRoot, '.cache/demo'), repoRoot, console.log);
const paths = demoMediaPaths(media.dir);
const heldoutVideo = 'franck.mp4';
const heldoutGroups = new Set(['sample4.jpg', 'sample5.jpg', 'sample6.jpg']);

const work = mkdtempSync(join(tmpdir(), 'dlib-ref-'));
try {
  const binary = join(work, 'dlibFaces');
  execFileSync('g++', [
    '-O2',
    '-std=c++17',
    '-o',
    binary,
    join(import.meta.dirname, 'dlibFaces.cpp'),
    '-ldlib',
    '-lpthread',
    '-lpng',
    '-ljpeg',
    '-lz',
    '-l:libblas.so.3',
    '-l:liblapack.so.3',
  ]);
  const items: Omit<ReferenceImage, 'faces'>[] = [];
  const pngs: string[] = [];
  const add = async (img: RgbImage, source: string, frame: number | null, split: 'fit' | 'heldout') => {
    const png = join(work, `${items.length}.png`);
    await sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: 3 } })
      .png()
      .toFile(png);
    items.push({ source, frame, split, width: img.width, height: img.height });
    pngs.push(png);
  };
  const source = (p: string) => relative(media.dir, p);
  for (const video of paths.videos) {
    const split = basename(video) === heldoutVideo ? 'heldout' : 'fit';
    for await (const f of readVideoFrames(video, uniform(FRAMES_PER_VIDEO))) {
      await add(f.image, source(video), f.index, split);
    }
  }
  const stills: [string, 'fit' | 'heldout'][] = [
    ...paths.photos.train.map((p): [string, 'fit'] => [p, 'fit']),
    ...paths.photos.heldout.map((p): [string, 'heldout'] => [p, 'heldout']),
    ...paths.photos.groups.map((p): [string, 'fit' | 'heldout'] => [
      p,
      heldoutGroups.has(basename(p)) ? 'heldout' : 'fit',
    ]),
    ...paths.stills.map((p): [string, 'heldout'] => [p, 'heldout']),
  ];
  for (const [p, split] of stills) await add((await decodeImage(p)).image, source(p), null, split);

  const lines = execFileSync(binary, [predictor, ...pngs], { encoding: 'utf8', maxBuffer: 1 << 28 })
    .trim()
    .split('\n');
  const images: ReferenceImage[] = lines.map((line, i) => {
    const r = JSON.parse(line) as Pick<ReferenceImage, 'width' | 'height' | 'faces'>;
    const item = items[i]!;
    if (r.width !== item.width || r.height !== item.height)
      throw new Error(`size mismatch on ${item.source}`);
    return { ...item, faces: r.faces };
  });
  const dlibVersion = execFileSync('dpkg-query', ['-W', '-f=\x24{Version}', 'libdlib-dev'], {
    encoding: 'utf8',
  });
  const record = {
    generator: 'scripts/reference/makeDlibReference.ts + dlibFaces.cpp',
    dlib: `Debian libdlib-dev ${dlibVersion}: get_frontal_face_detector(), 1 upsampling pass; shape_predictor_68_face_landmarks.dat`,
    rect: '[left, top, right, bottom] as dlib.rectangle gives them (right/bottom inclusive)',
    framesPerVideo: FRAMES_PER_VIDEO,
    images,
  };
  writeFileSync(out, `${JSON.stringify(record)}\n`);
  const faces = images.reduce((n, im) => n + im.faces.length, 0);
  console.log(`${images.length} images, ${faces} dlib faces → ${relative(repoRoot, out)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
