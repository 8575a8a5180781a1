// Where the time of a still-image scan goes: the stages of `Detector.scanImage` on the bench stills (the two test
// stills of `fsvfm bench scan`), each timed alone, one after the other, in one run, as wall and CPU milliseconds
// per still (CPU: this process, every thread; onnxruntime scores on all cores, so its CPU exceeds its wall):
// decoding, face detection alone (BlazeFace), detection + 468-point mesh, detection + mesh + iris (what a scan runs),
// dlib's window search, the crop + normalisation beyond it, and int8 / fp32 scoring at batch 1 (one crop a run, as
// a still scan does) and batch 8.
//   node --import tsx bench/stillStages.ts [--repeats 8] [--cache .cache/bench-scan] [--json]
// Last line: {"decode":{"wall_ms":…,"cpu_ms":…}, "detect":…, "detect_mesh":…, …, "load_avg_start":…}
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { benchStills } from '../src/benchmarks/benchMedia.js';
import { randomVitB16 } from '../src/benchmarks/scanBench.js';
import { locateFaceRect } from '../src/data/crops/faceRect.js';
import { CROP_SIZE, cropRecipe, dlibSquareRegion, extractRegion } from '../src/data/crops/index.js';
import { FaceDetector } from '../src/data/faces/index.js';
import { resizeRgb } from '../src/data/image/resize.js';
import type { RgbImage } from '../src/data/image/rgbImage.js';
import { decodeImage } from '../src/data/media/index.js';
import { toTensorNormalized } from '../src/data/transforms/normalize.js';
import { ScoringModel } from '../src/detect/scoringModel.js';

const args = process.argv.slice(2);
const flag = (name: string, dflt: string): string => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1]! : dflt;
};
const json = args.includes('--json');
const repeats = Number(flag('--repeats', '8'));
if (!Number.isInteger(repeats) || repeats < 1) throw new Error('--repeats must be a positive integer');
const cache = resolve(flag('--cache', '.cache/bench-scan'));
const log = json ? () => {} : (l: string) => console.log(l);
const load = (): number => Math.round(loadavg()[0]! * 100) / 100;

interface Cost {
  wall_ms: number;
  cpu_ms: number;
}
const costs: Record<string, Cost> = {};
/** Adds the wall and process CPU time of `job` to stage `name`, per still (divided by `per` at the end). */
async function timed<T>(name: string, job: () => T | Promise<T>): Promise<T> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const out = await job();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  costs[name] ??= { wall_ms: 0, cpu_ms: 0 };
  const c = costs[name];
  c.wall_ms += wall;
  c.cpu_ms += (cpu.user + cpu.system) / 1000;
  return out;
}

const ckpt = join(cache, 'random-vit-b16.safetensors');
await randomVitB16(ckpt);
const stills = benchStills();
const loadStart = load();
const recipe = cropRecipe('fsfm-dlib-1.3');
const detectOnly = await FaceDetector.create({ maxFaces: 10, mesh: false });
const meshNoIris = await FaceDetector.create({ maxFaces: 10, iris: false });
const full = await FaceDetector.create({ maxFaces: 10 });
const models = {
  int8: await ScoringModel.load(ckpt, { batch: 8, precision: 'int8' }),
  fp32: await ScoringModel.load(ckpt, { batch: 8, precision: 'fp32' }),
};
const images: RgbImage[] = [];
for (const p of stills) images.push((await decodeImage(p)).image);
// warm-up: the batch-1 programs compile on first use, the detectors' first runs allocate
const warm = toTensorNormalized(
  recipe.crop(images[0]!, (await full.detect(images[0]!))[0]!).image,
  models.int8.stats,
);
for (const m of Object.values(models)) {
  await m.scoreBatch([warm]);
  await m.scoreBatch(Array.from({ length: 8 }, () => warm));
}
for (const img of images) for (const d of [detectOnly, meshNoIris, full]) await d.detect(img);

const tensors: Float32Array[] = [];
let faces = 0;
const n = repeats * stills.length;
for (let r = 0; r < repeats; r++) {
  for (const [i, path] of stills.entries()) {
    await timed('decode', () => decodeImage(path));
    const img = images[i]!;
    await timed('detect', () => detectOnly.detect(img));
    await timed('detect_mesh', () => meshNoIris.detect(img));
    const found = await timed('detect_mesh_iris', () => full.detect(img));
    for (const d of found) {
      faces++;
      // a fresh copy: the window search caches its pyramid per image object, as one scan would build it once
      const { rect } = await timed('dlib_window', () => locateFaceRect({ ...img }, d));
      // the rest of the fsfm-dlib-1.3 crop (cropRecipes.ts dlibCrop) and the scan's normalisation
      const tensor = await timed('crop_normalise', () => {
        const r = dlibSquareRegion(rect, img.width, img.height, 1.3);
        const native = extractRegion(img, r.x, r.y, r.size, r.size);
        const crop = native.width === CROP_SIZE ? native : resizeRgb(native, CROP_SIZE, CROP_SIZE, 'bicubic');
        return toTensorNormalized(crop, models.int8.stats);
      });
      tensors.push(tensor);
    }
  }
}
for (const [precision, m] of Object.entries(models)) {
  for (const t of tensors) await timed(`score_${precision}_b1`, () => m.scoreBatch([t]));
  for (let i = 0; i + 8 <= tensors.length; i += 8)
    await timed(`score_${precision}_b8`, () => m.scoreBatch(tensors.slice(i, i + 8)));
}
const perStill: Record<string, Cost> = {};
for (const [name, c] of Object.entries(costs)) {
  // batch-8 runs score 8 crops: their figure is per crop, as the others are per still (one face each)
  const per = name.endsWith('_b8') ? Math.floor(tensors.length / 8) * 8 : n;
  perStill[name] = { wall_ms: round(c.wall_ms / per), cpu_ms: round(c.cpu_ms / per) };
  log(
    `${name.padEnd(18)} ${perStill[name].wall_ms.toFixed(1).padStart(7)} ms wall ${perStill[name].cpu_ms.toFixed(1).padStart(7)} ms CPU`,
  );
}
log(`${n} stills, ${faces} faces (load ${loadStart} → ${load()})`);
console.log(
  JSON.stringify({ ...perStill, stills: n, faces, load_avg_start: loadStart, load_avg_end: load() }),
);
for (const d of [detectOnly, meshNoIris, full]) d.dispose();

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
