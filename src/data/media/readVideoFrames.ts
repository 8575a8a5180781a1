// Decodes chosen frames of a video through an ffmpeg pipe of raw rgb24 frames. ffmpeg's `select`
// filter drops the unwanted frames before colour conversion, so 32 frames of a long video cost one
// decode pass and 32 conversions.
import { spawn } from 'node:child_process';
import { createRgbImage, type RgbImage } from '../image/rgbImage.js';
import { ffmpegBinary } from './ffmpegBinary.js';
import type { FrameSampler } from './frameSamplers.js';
import { probeVideo, TruncatedVideoError, type VideoInfo } from './probeVideo.js';
import { ffmpegErrorTail } from './runFfmpeg.js';

export interface VideoFrame {
  /** 0-based index of the frame in the video's decode order. */
  index: number;
  image: RgbImage;
}

/** Above this many wanted frames the select expression gets long; decode everything and pick in JS. */
const MAX_SELECT_TERMS = 400;

/**
 * Yields the frames `sampler` picks, in order. Throws `TruncatedVideoError` after the last decodable frame
 * when the video ends before a wanted index (damaged or cut-off file).
 */
export async function* readVideoFrames(
  path: string,
  sampler: FrameSampler,
  probed?: VideoInfo,
): AsyncGenerator<VideoFrame> {
  const info = probed ?? (await probeVideo(path));
  const wanted = sampler(info);
  if (wanted.length === 0) return;
  const filter = wanted.length <= MAX_SELECT_TERMS;
  const args = ['-hide_banner', '-nostdin', '-nostats', '-v', 'error', '-i', path, '-map', '0:v:0'];
  if (filter) args.push('-vf', `select='${wanted.map((i) => `eq(n\\,${i})`).join('+')}'`);
  args.push('-vsync', '0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1');
  const child = spawn(ffmpegBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => {
    if (stderr.length < 16384) stderr += b.toString('utf8');
  });
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  const frameBytes = info.width * info.height * 3;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let decoded = 0; // frames out of ffmpeg
  let emitted = 0; // frames yielded
  const wantedSet = filter ? undefined : new Set(wanted);
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      while (pendingBytes >= frameBytes) {
        const all = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
        const frame = new Uint8Array(frameBytes);
        frame.set(all.subarray(0, frameBytes));
        const rest = all.subarray(frameBytes);
        pending = rest.length > 0 ? [rest] : [];
        pendingBytes = rest.length;
        const index = filter ? wanted[decoded]! : decoded;
        decoded++;
        if (wantedSet && !wantedSet.has(index)) continue;
        emitted++;
        yield { index, image: createRgbImage(info.width, info.height, frame) };
        if (emitted === wanted.length) break;
      }
      if (emitted === wanted.length) break;
    }
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  const code = await exited;
  if (emitted < wanted.length) {
    const why = code !== 0 ? `: ${ffmpegErrorTail(stderr)}` : '';
    throw new TruncatedVideoError(
      `${path}: video is truncated or damaged: decoded ${emitted} of ${wanted.length} wanted frames (header says ${info.frameCount} frames)${why}`,
    );
  }
}
