// The held-out fake video: the frames of franck's clip that the demo scan samples, each self-blended with the SBI
// generator the detectors' fakes come from, encoded to mp4. The scan of this video and of the real one then look at
// the same moments of the same person, and only the blend differs. One seed for every frame: the same blend parameters
// (and mask deformation) throughout the clip, as a manipulated video keeps its manipulation from frame to frame.
import { cropRecipe } from '../data/crops/index.js';
import type { FaceDetectorLike } from '../data/datasets/faceTools.js';
import { createRgbImage, type RgbImage } from '../data/image/rgbImage.js';
import { probeVideo, readVideoFrames, uniform } from '../data/media/index.js';
import { writeVideo } from '../data/media/writeVideo.js';
import { SeededRng } from '../data/random/seededRng.js';
import { bestMeshFace, SBI_STRENGTHS, selfBlendedImage } from '../data/synthetic/index.js';
import type { QuickstartConfig } from './quickstartConfig.js';
import { type QuickstartHooks, QuickstartInterrupted } from './quickstartHooks.js';

export interface FakeVideoRecord {
  /** the real video the frames come from */
  source: string;
  video: string;
  /** frames in the fake video (the ones the scan of the real video samples) */
  frames: number;
  /** frames with a face that were self-blended; the others are kept as they were */
  blended: number;
  skipped: { frame: number; reason: string }[];
  seed: number;
  sbiStrength: string;
}

export const FAKE_VIDEO_SEED = 15;

/** The crop the detectors' training faces were cut with: the blend sees the face at the same framing. */
const BLEND_RECIPE = 'fsfm-dlib-1.3';

function cut(img: RgbImage, x0: number, y0: number, w: number, h: number): RgbImage {
  const out = createRgbImage(w, h);
  for (let y = 0; y < h; y++)
    out.data.set(
      img.data.subarray(((y0 + y) * img.width + x0) * 3, ((y0 + y) * img.width + x0 + w) * 3),
      y * w * 3,
    );
  return out;
}

function paste(img: RgbImage, part: RgbImage, x0: number, y0: number): void {
  for (let y = 0; y < part.height; y++)
    img.data.set(
      part.data.subarray(y * part.width * 3, (y + 1) * part.width * 3),
      ((y0 + y) * img.width + x0) * 3,
    );
}

/** Self-blends the most confident face of `frame` in place; returns why not when it cannot. */
async function blendFrame(
  frame: RgbImage,
  detector: FaceDetectorLike,
  cfg: QuickstartConfig,
): Promise<string | null> {
  const best = bestMeshFace(await detector.detect(frame));
  if (!best) return 'no face with a landmark mesh';
  const box = cropRecipe(BLEND_RECIPE).crop(frame, best).box;
  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(frame.width, Math.ceil(box.x + box.width));
  const y1 = Math.min(frame.height, Math.ceil(box.y + box.height));
  if (x1 - x0 < 16 || y1 - y0 < 16) return 'face region too small';
  const region = cut(frame, x0, y0, x1 - x0, y1 - y0);
  const lm = best.landmarks.map(([x, y, z]) => [x - x0, y - y0, z] as [number, number, number]);
  // the change goes on the face copy: put on the region around it, it would end in a visible edge where the region
  // is pasted back into the untouched frame
  const sbi = { ...SBI_STRENGTHS[cfg.sbiStrength], targetProbability: 0 };
  paste(frame, selfBlendedImage(region, lm, new SeededRng(FAKE_VIDEO_SEED), sbi).image, x0, y0);
  return null;
}

export async function buildDemoFakeVideo(
  cfg: QuickstartConfig,
  source: string,
  out: string,
  detector: FaceDetectorLike,
  hooks: QuickstartHooks,
): Promise<FakeVideoRecord> {
  const info = await probeVideo(source);
  const frames: RgbImage[] = [];
  const skipped: FakeVideoRecord['skipped'] = [];
  const sampler = uniform(cfg.scanFrames);
  const total = sampler(info).length;
  for await (const fr of readVideoFrames(source, sampler, info)) {
    if (hooks.signal?.aborted) throw new QuickstartInterrupted('the fake video');
    const why = await blendFrame(fr.image, detector, cfg);
    if (why) skipped.push({ frame: fr.index, reason: why });
    frames.push(fr.image);
    hooks.progress?.({ stage: 'fake video', done: frames.length, total });
  }
  if (frames.length === skipped.length)
    throw new Error(
      `no frame of ${source} could be self-blended: ${skipped[0]?.reason ?? 'no frames decoded'}`,
    );
  // the frames span the real video's duration, so the two scans' timelines line up
  const seconds = Math.max(1, Math.round(info.durationS));
  await writeVideo(out, frames, { fps: `${frames.length}/${seconds}` });
  hooks.log?.(
    `fake video: ${frames.length - skipped.length} of ${frames.length} sampled frames of ${source} self-blended → ${out}`,
  );
  return {
    source,
    video: out,
    frames: frames.length,
    blended: frames.length - skipped.length,
    skipped,
    seed: FAKE_VIDEO_SEED,
    sbiStrength: cfg.sbiStrength,
  };
}
