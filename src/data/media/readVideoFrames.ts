// Decodes chosen frames of a video through ffmpeg pipes of raw rgb24 frames. Two ways, whichever decodes less
// (seekPlan.ts): for each keyframe interval holding wanted frames, an ffmpeg that seeks to its keyframe and picks
// the wanted frames by timestamp; or one pass whose `select` filter drops the unwanted frames before colour
// conversion (32 frames of a long video then cost one decode pass and 32 conversions). Both give the same pixels.
import { spawn } from 'node:child_process';
import { createRgbImage, type RgbImage } from '../image/rgbImage.js';
import { ffmpegBinary } from './ffmpegBinary.js';
import type { FrameSampler } from './frameSamplers.js';
import { probeVideo, TruncatedVideoError, type VideoInfo } from './probeVideo.js';
import { ffmpegErrorTail } from './runFfmpeg.js';
import { planSeeks, type SeekSegment } from './seekPlan.js';

export interface VideoFrame {
  /** 0-based index of the frame in the video's decode order. */
  index: number;
  image: RgbImage;
}

/** Above this many wanted frames the select expression gets long; decode everything and pick in JS. */
const MAX_SELECT_TERMS = 400;

/** The frames of one ffmpeg run, as raw rgb24 buffers, up to `count`; then the exit code and stderr. */
async function* ffmpegFrames(
  args: string[],
  frameBytes: number,
  count: number,
  end: { code: number; stderr: string },
): AsyncGenerator<Uint8Array> {
  const child = spawn(ffmpegBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => {
    if (stderr.length < 16384) stderr += b.toString('utf8');
  });
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  // pipe chunks (64 KiB) are copied straight into the frame they belong to: one copy per byte, no concatenation
  let frame = new Uint8Array(frameBytes);
  let filled = 0;
  let out = 0;
  try {
    read: for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      let at = 0;
      while (at < chunk.length) {
        const n = Math.min(frameBytes - filled, chunk.length - at);
        frame.set(chunk.subarray(at, at + n), filled);
        filled += n;
        at += n;
        if (filled < frameBytes) continue;
        out++;
        // the last wanted frame: stop ffmpeg now, not when the consumer asks again (it would decode on meanwhile)
        if (out === count) child.kill('SIGKILL');
        yield frame;
        if (out === count) break read;
        frame = new Uint8Array(frameBytes);
        filled = 0;
      }
    }
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  end.code = await exited;
  end.stderr = stderr;
}

const BASE_ARGS = ['-hide_banner', '-nostdin', '-nostats', '-v', 'error'];
const RAW_OUT = ['-vsync', '0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];

/** One keyframe interval: seek to its keyframe, keep the frames whose timestamps are wanted (-copyts keeps them). */
function segmentArgs(path: string, seg: SeekSegment): string[] {
  const select = seg.pts.map((p) => `eq(pts\\,${p})`).join('+');
  return [
    ...BASE_ARGS,
    '-ss',
    seg.seekS.toFixed(6),
    '-noaccurate_seek',
    '-copyts',
    '-i',
    path,
    '-map',
    '0:v:0',
    '-vf',
    `select='${select}'`,
    ...RAW_OUT,
  ];
}

/** 'auto': seek or one pass, whichever decodes less (seekPlan.ts); 'seek' / 'pass': that way (tests, benchmarks). */
export type FrameDecoding = 'auto' | 'seek' | 'pass';

/**
 * Yields the frames `sampler` picks, in order. Throws `TruncatedVideoError` after the last decodable frame
 * when the video ends before a wanted index (damaged or cut-off file).
 */
export async function* readVideoFrames(
  path: string,
  sampler: FrameSampler,
  probed?: VideoInfo,
  decoding: FrameDecoding = 'auto',
): AsyncGenerator<VideoFrame> {
  const info = probed ?? (await probeVideo(path));
  const wanted = sampler(info);
  if (wanted.length === 0) return;
  const frameBytes = info.width * info.height * 3;
  let emitted = 0; // frames yielded
  const plan =
    info.packets && decoding !== 'pass'
      ? planSeeks(info.packets, wanted, info.width * info.height, decoding === 'seek')
      : null;
  for (const seg of plan ?? []) {
    const end = { code: 0, stderr: '' };
    let got = 0;
    for await (const frame of ffmpegFrames(segmentArgs(path, seg), frameBytes, seg.frames.length, end)) {
      yield { index: seg.frames[got++]!, image: createRgbImage(info.width, info.height, frame) };
      emitted++;
    }
    // a seek that missed frames (timestamps not as listed): one pass decodes the rest
    if (got < seg.frames.length) break;
  }
  if (emitted === wanted.length) return;
  const rest = wanted.slice(emitted);
  const filter = rest.length <= MAX_SELECT_TERMS;
  const args = [...BASE_ARGS, '-i', path, '-map', '0:v:0'];
  if (filter) args.push('-vf', `select='${rest.map((i) => `eq(n\\,${i})`).join('+')}'`);
  args.push(...RAW_OUT);
  const wantedSet = filter ? undefined : new Set(rest);
  const end = { code: 0, stderr: '' };
  let decoded = 0; // frames out of ffmpeg
  const count = filter ? rest.length : Number.POSITIVE_INFINITY;
  for await (const frame of ffmpegFrames(args, frameBytes, count, end)) {
    const index = filter ? rest[decoded]! : decoded;
    decoded++;
    if (wantedSet && !wantedSet.has(index)) continue;
    emitted++;
    yield { index, image: createRgbImage(info.width, info.height, frame) };
    if (emitted === wanted.length) return;
  }
  if (emitted < wanted.length) {
    const why = end.code !== 0 ? `: ${ffmpegErrorTail(end.stderr)}` : '';
    throw new TruncatedVideoError(
      `${path}: video is truncated or damaged: decoded ${emitted} of ${wanted.length} wanted frames (header says ${info.frameCount} frames)${why}`,
    );
  }
}
