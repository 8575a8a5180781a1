// Throughput of the face-dataset pipeline (decode → detect → crop → parse → write) against a decode-only
// baseline measured in the same run. Used by `bench/faces.ts` and `fsvfm bench faces`.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { buildFaceDataset } from '../data/datasets/buildFaceDataset.js';
import type { FaceDetectorLike, FaceParserLike } from '../data/datasets/faceTools.js';
import { decodeImage } from '../data/media/decodeImage.js';
import { uniform } from '../data/media/frameSamplers.js';
import { readVideoFrames } from '../data/media/readVideoFrames.js';

export interface FacePipelineBenchOptions {
  videos: string[];
  stills: string[];
  detector: FaceDetectorLike;
  parser: FaceParserLike;
  frames?: number;
  /** each still is processed this many times (as distinct files, so nothing is cached) */
  stillRepeats?: number;
  jobs?: number;
  log?: (line: string) => void;
}

export interface FacePipelineBenchResult {
  video_frames_per_s: number;
  stills_per_s: number;
  /** decode-only baselines of the same frames and stills */
  video_decode_frames_per_s: number;
  stills_decode_per_s: number;
  video_frames: number;
  stills: number;
  crops: number;
  jobs: number;
}

export async function benchFacePipeline(o: FacePipelineBenchOptions): Promise<FacePipelineBenchResult> {
  const frames = o.frames ?? 32;
  const repeats = o.stillRepeats ?? 4;
  const jobs = o.jobs ?? 1;
  const log = o.log ?? (() => {});
  const work = mkdtempSync(join(tmpdir(), 'fsvfm-bench-faces-'));
  try {
    // baseline: decoding the same 32 sampled frames per video
    let t = performance.now();
    let decoded = 0;
    for (const v of o.videos) for await (const _ of readVideoFrames(v, uniform(frames))) decoded++;
    const videoDecodeS = (performance.now() - t) / 1000;

    t = performance.now();
    const vm = await buildFaceDataset({
      inputs: o.videos,
      outDir: join(work, 'video'),
      layout: 'pretrain',
      frames,
      jobs,
      detector: o.detector,
      parser: o.parser,
    });
    const videoS = (performance.now() - t) / 1000;
    const videoFrames = vm.entries.reduce((a, e) => a + e.frames, 0);
    log(
      `videos: ${videoFrames} frames, ${vm.counts.crops} crops in ${videoS.toFixed(2)} s (decode only: ${decoded} frames in ${videoDecodeS.toFixed(2)} s)`,
    );

    const stillDir = join(work, 'stills-in');
    const copies: string[] = [];
    rmSync(stillDir, { recursive: true, force: true });
    mkdirSync(stillDir);
    for (let r = 0; r < repeats; r++)
      for (const s of o.stills) {
        const p = join(stillDir, `${basename(s, extname(s))}_${r}${extname(s)}`);
        copyFileSync(s, p);
        copies.push(p);
      }
    t = performance.now();
    for (const p of copies) await decodeImage(p);
    const stillDecodeS = (performance.now() - t) / 1000;
    t = performance.now();
    const sm = await buildFaceDataset({
      inputs: [stillDir],
      outDir: join(work, 'stills'),
      layout: 'pretrain',
      jobs,
      detector: o.detector,
      parser: o.parser,
    });
    const stillS = (performance.now() - t) / 1000;
    log(
      `stills: ${copies.length} images, ${sm.counts.crops} crops in ${stillS.toFixed(2)} s (decode only ${stillDecodeS.toFixed(2)} s)`,
    );
    const r2 = (x: number) => Math.round(x * 100) / 100;
    return {
      video_frames_per_s: r2(videoFrames / videoS),
      stills_per_s: r2(copies.length / stillS),
      video_decode_frames_per_s: r2(decoded / videoDecodeS),
      stills_decode_per_s: r2(copies.length / stillDecodeS),
      video_frames: videoFrames,
      stills: copies.length,
      crops: vm.counts.crops + sm.counts.crops,
      jobs,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Runs `bench` with the default face detector and parser, timing their start-up, and releases them after. */
export async function withFaceModels<T>(
  log: (line: string) => void,
  bench: (models: { detector: FaceDetectorLike; parser: FaceParserLike }) => Promise<T>,
): Promise<T> {
  const t = performance.now();
  const { createFaceDetector, createFaceParser } = await import('../data/datasets/realFaceTools.js');
  const detector = await createFaceDetector();
  const parser = await createFaceParser();
  log(`detector + parser start-up: ${((performance.now() - t) / 1000).toFixed(2)} s`);
  try {
    return await bench({ detector, parser });
  } finally {
    await detector.dispose?.();
    await parser.dispose?.();
  }
}
