// Scanning speed with a ViT-B/16-sized detector (random weights: speed does not depend on their values):
// seconds to scan one minute of 720p video at 32 frames, and still images per second with face detection, each
// next to a decode-only baseline measured in the same run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage, ffmpegBinary, readVideoFrames, uniform } from '../data/media/index.js';
import { Detector } from '../detect/detector.js';
import { Graph } from '../graph/index.js';
import { writeSafetensors } from '../io/safetensors.js';
import { encoderConfig } from '../models/encoderConfig.js';
import { VIT_SIZES } from '../models/sizes.js';
import { vitClassifier } from '../models/vitClassifier.js';
import { seededRandom } from '../nn/random.js';
import { Scope } from '../nn/scope.js';
import { initStateDict } from '../nn/stateDict.js';

export interface ScanBenchResult {
  vit_b16_video_s: number;
  vit_b16_images_per_s: number;
  decode_only_video_s: number;
  decode_only_images_per_s: number;
  video_frames: number;
  images: number;
  model_runs: number;
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

export async function benchScan(o: ScanBenchOptions): Promise<ScanBenchResult> {
  const log = o.log ?? (() => {});
  mkdirSync(o.cacheDir, { recursive: true });
  const ckpt = join(o.cacheDir, 'random-vit-b16.safetensors');
  const video = join(o.cacheDir, 'minute-720p.mp4');
  let t = performance.now();
  await randomVitB16(ckpt);
  minuteOf720p(o.stills[0]!, video);
  log(`inputs ready in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  t = performance.now();
  const detector = await Detector.create({ model: ckpt, threads: o.threads });
  log(`detector start-up ${((performance.now() - t) / 1000).toFixed(1)} s`);
  try {
    const repeats = o.repeats ?? 4;
    // warm-up: first runs allocate and load the batch-1 program
    await detector.scanImage(o.stills[0]!);
    t = performance.now();
    let frames = 0;
    for await (const _ of readVideoFrames(video, uniform(32))) frames++;
    const decodeVideo = (performance.now() - t) / 1000;
    t = performance.now();
    const item = await detector.scanVideo(video, { frames: 32 });
    const scanVideo = (performance.now() - t) / 1000;
    if (item.status !== 'ok') throw new Error(`benchmark video scan ended ${item.status}: ${item.reason}`);
    log(`video: decode-only ${decodeVideo.toFixed(2)} s, scan ${scanVideo.toFixed(2)} s (${frames} frames)`);
    const list = Array.from({ length: repeats }, () => o.stills).flat();
    t = performance.now();
    for (const p of list) await decodeImage(p);
    const decodeImages = list.length / ((performance.now() - t) / 1000);
    const runsBefore = detector.modelRuns;
    t = performance.now();
    for (const p of list) await detector.scanImage(p);
    const scanImages = list.length / ((performance.now() - t) / 1000);
    log(`stills: decode-only ${decodeImages.toFixed(1)}/s, scan ${scanImages.toFixed(2)}/s`);
    return {
      vit_b16_video_s: scanVideo,
      vit_b16_images_per_s: scanImages,
      decode_only_video_s: decodeVideo,
      decode_only_images_per_s: decodeImages,
      video_frames: frames,
      images: list.length,
      model_runs: detector.modelRuns - runsBefore,
    };
  } finally {
    detector.dispose();
  }
}
