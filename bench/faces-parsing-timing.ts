/**
 * Face detection and parsing speed on this machine (tfjs wasm backend, single thread):
 * `node --import tsx bench/faces-parsing-timing.ts [--overlay out.png]`
 * Prints start-up times, ms per detect (BlazeFace only = baseline, + mesh + iris) and ms per parse
 * (mesh rasterisation only = baseline, + selfie segmentation + hair heuristic), with ratios to the baselines.
 * --overlay writes the astronaut parsing overlay (docs/images/parsing-overlay-astronaut.png is made this way).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { FaceDetector } from '../src/data/faces/index.js';
import type { RgbImage } from '../src/data/image/rgbImage.js';
import {
  FaceParser,
  landmarksInCrop,
  parsingOverlayPng,
  rasterizeFaceParsing,
} from '../src/data/parsing/index.js';
import { clmtrackrVideos, cropFace, loadStill, sampleVideoFrames } from '../test/faces-media.js';

const REPEATS = 5;

async function msPer(images: RgbImage[], run: (img: RgbImage, k: number) => unknown): Promise<number> {
  const started = performance.now();
  for (let r = 0; r < REPEATS; r++) for (const [k, img] of images.entries()) await run(img, k);
  return (performance.now() - started) / (REPEATS * images.length);
}

const t0 = performance.now();
const full = await FaceDetector.create();
console.log(
  `FaceDetector.create: ${full.createMs.toFixed(0)} ms (runtime start ${full.runtimeStartupMs.toFixed(0)} ms)`,
);
const boxesOnly = await FaceDetector.create({ mesh: false });
const t1 = performance.now();
const parser = await FaceParser.create();
console.log(`FaceParser.create: ${(performance.now() - t1).toFixed(0)} ms`);

const images: RgbImage[] = [await loadStill('astronaut.png'), await loadStill('grace_hopper.jpg')];
const videos = clmtrackrVideos();
if ('dir' in videos) images.push(...sampleVideoFrames(path.join(videos.dir, 'franck.mp4'), 4));
const sizes = [...new Set(images.map((i) => `${i.width}x${i.height}`))].join(', ');

const baseDetect = await msPer(images, (img) => boxesOnly.detect(img));
const fullDetect = await msPer(images, (img) => full.detect(img));
console.log(`detect (${images.length} images: ${sizes}), ${REPEATS} passes:`);
console.log(`  boxes only (baseline)  ${baseDetect.toFixed(1)} ms/image`);
console.log(
  `  boxes + mesh + iris    ${fullDetect.toFixed(1)} ms/image  (${(fullDetect / baseDetect).toFixed(2)}x baseline)`,
);

const crops: Array<{ crop: RgbImage; landmarks: Array<[number, number, number]> }> = [];
for (const img of images) {
  const [face] = await full.detect(img);
  const { crop, region } = await cropFace(img, face.box);
  crops.push({ crop, landmarks: landmarksInCrop(face.landmarks, region, 224, 224) });
}
const cropImages = crops.map((c) => c.crop);
const baseParse = await msPer(cropImages, (_, k) => rasterizeFaceParsing(crops[k].crop, crops[k].landmarks));
const fullParse = await msPer(cropImages, (_, k) => parser.parse(crops[k].crop, crops[k].landmarks));
console.log('parse (224x224 crops):');
console.log(`  mesh polygons only (baseline)    ${baseParse.toFixed(1)} ms/crop`);
console.log(
  `  + selfie segmentation + hair     ${fullParse.toFixed(1)} ms/crop  (${(fullParse / baseParse).toFixed(1)}x baseline)`,
);

const at = process.argv.indexOf('--overlay');
if (at > 0 && process.argv[at + 1]) {
  const { crop, landmarks } = crops[0];
  writeFileSync(
    process.argv[at + 1],
    await parsingOverlayPng(crop, (await parser.parse(crop, landmarks)).map),
  );
  console.log(`wrote ${process.argv[at + 1]}`);
}
console.log(`total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
full.dispose();
boxesOnly.dispose();
parser.dispose();
