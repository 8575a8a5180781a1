// Scanning speed with a ViT-B/16-sized detector (random weights: speed does not depend on their values):
// seconds to scan one minute of 720p video at 32 frames, and still images per second with face detection (one at a
// time, and a folder of them scanned STILL_JOBS at a time as `scan --jobs`), in fp32 and int8, next to a decode-only
// baseline and the sequential (face detection in-thread) video scan measured in the
// same run, with the machine's load average (other work slows every figure).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { decodeImage, ffmpegBinary, readVideoFrames, uniform } from '../data/media/index.js';
import { Detector } from '../detect/detector.js';
import { Graph } from '../graph/index.js';
import { writeSafetensors } from '../io/safetensors.js';
import { encoderConfig } from '../models/encoderConfig.js';
import type { Precision } from '../models/precision.js';
import { VIT_SIZES } from '../models/sizes.js';
import { vitClassifier } from '../models/vitClassifier.js';
import { seededRandom } from '../nn/random.js';
import { Scope } from '../nn/scope.js';
import { initStateDict } from '../nn/stateDict.js';

export interface ScanBenchResult {
  /** fp32 (the default precision), the overlapped video scan */
  vit_b16_video_s: number;
  vit_b16_images_per_s: number;
  /** the same detector with int8 transformer blocks */
  vit_b16_int8_video_s: number;
  vit_b16_int8_images_per_s: number;
  /** the stills (3 copies of the list) as one folder scanned STILL_JOBS at a time (`scan --jobs`), fp32 and int8 */
  vit_b16_images_jobs_per_s: number;
  vit_b16_int8_images_jobs_per_s: number;
  /** files scanned at once for the *_images_jobs_per_s figures */
  still_jobs: number;
  /** fp32 with face detection in the scanning thread (videoFaceThread: false): the sequential baseline */
  vit_b16_video_sequential_s: number;
  decode_only_video_s: number;
  decode_only_images_per_s: number;
  video_frames: number;
  images: number;
  /** fp32 model runs of the stills */
  model_runs: number;
  /** model runs of one video scan (its crops in groups of one batch) */
  video_model_runs: number;
  /** 1-minute load average when the run started and ended: other work on the machine slows every figure */
  load_avg_start: number;
  load_avg_end: number;
}

export interface ScanBenchOptions {
  /** folder for the generated checkpoint and video (kept between runs) */
  cacheDir: string;
  /** still images (faces) to scan */
  stills: string[];
  /** times each still is scanned */
  repeats?: number;
  threads?: number;
  log?: (line: string) => void;
}

/** A random-weight ViT-B/16 fine-tuning checkpoint (global pool, 2 classes) as safetensors. */
export async function randomVitB16(path: string): Promise<void> {
  if (existsSync(path)) return;
  const size = VIT_SIZES.B;
  const enc = encoderConfig(size, { posEmbedTrainable: true });
  const g = new Graph();
  const s = Scope.root(g);
  vitClassifier(s, g.input('images', 'float32', [1, 3, 224, 224]), {
    ...enc,
    numClasses: 2,
    globalPool: true,
  });
  const sd = initStateDict(s.registry.list(), seededRandom(0));
  await writeSafetensors(
    path,
    [...sd].map(([name, t]) => [name, { dtype: 'float32' as const, shape: t.shape, data: t.data }]),
  );
}

/** A 60 s 1280×720 25 fps H.264 video of a still face, slowly zooming so frames differ. */
export function minuteOf720p(still: string, path: string): void {
  if (existsSync(path)) return;
  execFileSync(ffmpegBinary(), [
    '-v',
    'error',
    '-y',
    '-loop',
    '1',
    '-i',
    still,
    '-t',
    '60',
    '-r',
    '25',
    '-vf',
    "scale=1280:720:force_original_aspect_ratio=decrease,pad=1280:720:(ow-iw)/2:(oh-ih)/2,zoompan=z='1+0.0004*on':d=1:s=1280x720:fps=25",
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-pix_fmt',
    'yuv420p',
    path,
  ]);
}

/** Stills in flight for the concurrent figure: enough to keep the face thread and the model busy on 2 cores. */
export const STILL_JOBS = 3;

interface DetectorFigures {
  videoS: number;
  sequentialVideoS?: number;
  imagesPerS: number;
  /** the stills as one folder, STILL_JOBS at a time */
  jobsImagesPerS: number;
  stillRuns: number;
  videoRuns: number;
}

/** One detector's figures: a warm-up, the video (overlapped, and sequential when asked), then the stills. */
async function measureDetector(
  o: ScanBenchOptions,
  ckpt: string,
  video: string,
  precision: Precision,
  sequential: boolean,
  log: (line: string) => void,
): Promise<DetectorFigures> {
  let t = performance.now();
  const detector = await Detector.create({ model: ckpt, threads: o.threads, precision });
  log(`${precision} detector start-up ${((performance.now() - t) / 1000).toFixed(1)} s`);
  try {
    // warm-up: first runs allocate and load the batch-1 program; the face thread starts before the timing
    await detector.scanImage(o.stills[0]!);
    await detector.prepareVideo();
    const scanVideo = async (d: Detector): Promise<number> => {
      const start = performance.now();
      const item = await d.scanVideo(video, { frames: 32 });
      if (item.status !== 'ok') throw new Error(`benchmark video scan ended ${item.status}: ${item.reason}`);
      return (performance.now() - start) / 1000;
    };
    let runs = detector.modelRuns;
    const videoS = await scanVideo(detector);
    const videoRuns = detector.modelRuns - runs;
    let sequentialVideoS: number | undefined;
    if (sequential) {
      const inThread = await Detector.create({
        model: ckpt,
        threads: o.threads,
        precision,
        videoFaceThread: false,
      });
      try {
        await inThread.scanImage(o.stills[0]!);
        sequentialVideoS = await scanVideo(inThread);
      } finally {
        inThread.dispose();
      }
    }
    const list = Array.from({ length: o.repeats ?? 4 }, () => o.stills).flat();
    runs = detector.modelRuns;
    t = performance.now();
    for (const p of list) await detector.scanImage(p);
    const imagesPerS = list.length / ((performance.now() - t) / 1000);
    const stillRuns = detector.modelRuns - runs;
    const jobsImagesPerS = await stillsAtOnce(detector, list);
    const seq = sequentialVideoS === undefined ? '' : `, sequential ${sequentialVideoS.toFixed(2)} s`;
    log(
      `${precision}: video ${videoS.toFixed(2)} s (${videoRuns} model runs${seq}), stills ${imagesPerS.toFixed(2)}/s, ` +
        `${STILL_JOBS} at a time ${jobsImagesPerS.toFixed(2)}/s (load ${loadNow()})`,
    );
    return { videoS, sequentialVideoS, imagesPerS, jobsImagesPerS, stillRuns, videoRuns };
  } finally {
    detector.dispose();
  }
}

/** Copies of the stills in the folder of the concurrent figure, so that filling and draining the pipeline (the
 * first still's face stage, the last one's scoring, which nothing overlaps) weigh little in it. */
const STILL_FOLDER_COPIES = 3;

/**
 * Stills per second of `scanPath` over a folder holding STILL_FOLDER_COPIES copies of `list`, STILL_JOBS at a
 * time, after a warm-up.
 */
async function stillsAtOnce(detector: Detector, list: string[]): Promise<number> {
  const folder = mkdtempSync(join(tmpdir(), 'fsvfm-bench-stills-'));
  const files = Array.from({ length: STILL_FOLDER_COPIES }, () => list).flat();
  try {
    files.forEach((p, i) => {
      copyFileSync(p, join(folder, `${i}-${basename(p)}`));
    });
    // the face thread starts and its code warms up before the timing
    await detector.prepareStills();
    await detector.scanPath(folder, { jobs: STILL_JOBS });
    const t = performance.now();
    const items = await detector.scanPath(folder, { jobs: STILL_JOBS });
    const perS = files.length / ((performance.now() - t) / 1000);
    const bad = items.find((it) => it.status !== 'ok');
    if (bad) throw new Error(`benchmark still scan ended ${bad.status}: ${bad.reason}`);
    return perS;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const loadNow = (): number => Math.round(loadavg()[0]! * 100) / 100;

export async function benchScan(o: ScanBenchOptions): Promise<ScanBenchResult> {
  const log = o.log ?? (() => {});
  const loadStart = loadNow();
  mkdirSync(o.cacheDir, { recursive: true });
  const ckpt = join(o.cacheDir, 'random-vit-b16.safetensors');
  const video = join(o.cacheDir, 'minute-720p.mp4');
  let t = performance.now();
  await randomVitB16(ckpt);
  minuteOf720p(o.stills[0]!, video);
  log(`inputs ready in ${((performance.now() - t) / 1000).toFixed(1)} s (load ${loadStart})`);
  t = performance.now();
  let frames = 0;
  for await (const _ of readVideoFrames(video, uniform(32))) frames++;
  const decodeVideo = (performance.now() - t) / 1000;
  const list = Array.from({ length: o.repeats ?? 4 }, () => o.stills).flat();
  t = performance.now();
  for (const p of list) await decodeImage(p);
  const decodeImages = list.length / ((performance.now() - t) / 1000);
  log(
    `decode only: video ${decodeVideo.toFixed(2)} s (${frames} frames), stills ${decodeImages.toFixed(1)}/s`,
  );
  const fp32 = await measureDetector(o, ckpt, video, 'fp32', true, log);
  const int8 = await measureDetector(o, ckpt, video, 'int8', false, log);
  return {
    vit_b16_video_s: fp32.videoS,
    vit_b16_images_per_s: fp32.imagesPerS,
    vit_b16_int8_video_s: int8.videoS,
    vit_b16_int8_images_per_s: int8.imagesPerS,
    vit_b16_images_jobs_per_s: fp32.jobsImagesPerS,
    vit_b16_int8_images_jobs_per_s: int8.jobsImagesPerS,
    still_jobs: STILL_JOBS,
    vit_b16_video_sequential_s: fp32.sequentialVideoS!,
    decode_only_video_s: decodeVideo,
    decode_only_images_per_s: decodeImages,
    video_frames: frames,
    images: list.length,
    model_runs: fp32.stillRuns,
    video_model_runs: fp32.videoRuns,
    load_avg_start: loadStart,
    load_avg_end: loadNow(),
  };
}
