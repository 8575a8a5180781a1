// Where the time of a video scan goes: the stages of scanning the bench minute (`fsvfm bench scan` makes it: 60 s
// of 1280×720 H.264 at 25 fps, one face) at 32 frames, each timed alone, one after the other, in one run:
// decoding (ffmpeg's select filter over one decode pass, against one seeking ffmpeg per frame and one per keyframe
// interval), face detection +
// mesh, dlib's window search, the crop, and scoring the 32 crops with a random ViT-B/16 in fp32 and int8.
//   node --import tsx bench/scanStages.ts [--cache .cache/bench-scan] [--json]
// Last line: {"decode_select_s":…, "decode_seek_s":…, "face_detect_s":…, "dlib_rect_s":…, ...}
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { benchStills } from '../src/benchmarks/benchMedia.js';
import { minuteOf720p, randomVitB16 } from '../src/benchmarks/scanBench.js';
import { locateFaceRect } from '../src/data/crops/faceRect.js';
import { cropRecipe } from '../src/data/crops/index.js';
import { FaceDetector } from '../src/data/faces/index.js';
import type { RgbImage } from '../src/data/image/rgbImage.js';
import { ffmpegBinary, probeVideo, readVideoFrames, uniform } from '../src/data/media/index.js';
import { toTensorNormalized } from '../src/data/transforms/normalize.js';
import { ScoringModel } from '../src/detect/scoringModel.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const at = args.indexOf('--cache');
const cache = resolve(at >= 0 ? args[at + 1]! : '.cache/bench-scan');
const log = json ? () => {} : (l: string) => console.log(l);
const load = (): number => Math.round(loadavg()[0]! * 100) / 100;
const seconds = (t: number): number => Math.round(performance.now() - t) / 1000;

const ckpt = join(cache, 'random-vit-b16.safetensors');
const video = join(cache, 'minute-720p.mp4');
await randomVitB16(ckpt);
minuteOf720p(benchStills()[0]!, video);
const loadStart = load();

let t = performance.now();
const info = await probeVideo(video);
const probeS = seconds(t);
const wanted = uniform(32)(info);

t = performance.now();
const frames: RgbImage[] = [];
for await (const f of readVideoFrames(video, uniform(32), info, 'pass')) frames.push(f.image);
const selectS = seconds(t);

/** One ffmpeg per frame, seeking to its time (accurate seek: decodes from the keyframe before it). */
function seekFrame(index: number): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(ffmpegBinary(), [
      '-hide_banner',
      '-nostdin',
      '-v',
      'error',
      '-ss',
      (index / info.fps).toFixed(6),
      '-i',
      video,
      '-map',
      '0:v:0',
      '-frames:v',
      '1',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      'pipe:1',
    ]);
    let bytes = 0;
    child.stdout.on('data', (b: Buffer) => {
      bytes += b.length;
    });
    child.on('error', fail);
    child.on('close', () => done(bytes));
  });
}
t = performance.now();
for (const i of wanted) await seekFrame(i);
const seekS = seconds(t);
// one ffmpeg per keyframe interval holding wanted frames (what readVideoFrames does where it decodes less)
t = performance.now();
for await (const _ of readVideoFrames(video, uniform(32), info, 'seek'));
const keySeekS = seconds(t);
log(
  `decode 32 of ${info.frameCount} frames: one pass with select ${selectS} s, a seek per frame ${seekS} s, ` +
    `a seek per keyframe interval ${keySeekS} s (probe ${probeS} s)`,
);

const faces = await FaceDetector.create({ maxFaces: 10 });
const recipe = cropRecipe('fsfm-dlib-1.3');
const model = await ScoringModel.load(ckpt, { batch: 8 });
let detectMs = 0;
let rectMs = 0;
let cropMs = 0;
const tensors: Float32Array[] = [];
for (const img of frames) {
  t = performance.now();
  const found = await faces.detect(img);
  detectMs += performance.now() - t;
  for (const d of found) {
    // the crop runs the window search itself (a scan does it once, there): the search is timed on a copy of the
    // frame (its own pyramid, as the crop's), and the crop's own cost is the crop's time less the search's
    t = performance.now();
    locateFaceRect({ ...img }, d);
    const rect = performance.now() - t;
    rectMs += rect;
    t = performance.now();
    const c = recipe.crop(img, d);
    tensors.push(toTensorNormalized(c.image, model.stats));
    cropMs += performance.now() - t - rect;
  }
}
faces.dispose();
log(
  `${frames.length} frames, ${tensors.length} faces: face detection + mesh ${(detectMs / 1000).toFixed(2)} s, ` +
    `dlib window search ${(rectMs / 1000).toFixed(2)} s, crop + normalise (beyond the search) ${(cropMs / 1000).toFixed(2)} s (load ${load()})`,
);

const score: Record<string, number> = {};
for (const precision of ['fp32', 'int8'] as const) {
  const m = await ScoringModel.load(ckpt, { batch: 8, precision });
  await m.scoreBatch(tensors.slice(0, 8));
  t = performance.now();
  for (let i = 0; i < tensors.length; i += 8) await m.scoreBatch(tensors.slice(i, i + 8));
  score[precision] = seconds(t);
  log(
    `scoring ${tensors.length} crops, ViT-B/16 ${precision} batch 8: ${score[precision]} s (load ${load()})`,
  );
}
console.log(
  JSON.stringify({
    probe_s: probeS,
    decode_select_s: selectS,
    decode_seek_s: seekS,
    decode_keyframe_seek_s: keySeekS,
    face_detect_s: Math.round(detectMs) / 1000,
    dlib_rect_s: Math.round(rectMs) / 1000,
    crop_s: Math.round(cropMs) / 1000,
    score_fp32_s: score.fp32,
    score_int8_s: score.int8,
    frames: frames.length,
    faces: tensors.length,
    load_avg_start: loadStart,
    load_avg_end: load(),
  }),
);
