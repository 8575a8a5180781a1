// Encodes RGB frames to an H.264 mp4 through an ffmpeg pipe of raw rgb24 frames (the reverse of readVideoFrames), with
// the same ffmpeg the decoders use. The file is written under a temporary name, read back, and only then renamed, so
// a killed encode never leaves a half video that a later run would take for a finished one, and an encode that ends
// well but cannot be read back (seen once under heavy disk load: an unreadable moov header) is not handed on.
import { spawn } from 'node:child_process';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RgbImage } from '../image/rgbImage.js';
import { ffmpegBinary } from './ffmpegBinary.js';
import { probeVideo } from './probeVideo.js';
import { ffmpegErrorTail } from './runFfmpeg.js';

export interface WriteVideoOptions {
  /** frames per second, a rational `num/den` string or a number */
  fps: string | number;
  /** x264 constant rate factor (0 lossless … 51; default 20: compressed like ordinary footage, not heavily) */
  crf?: number;
}

export async function writeVideo(
  path: string,
  frames: readonly RgbImage[],
  o: WriteVideoOptions,
): Promise<void> {
  const first = frames[0];
  if (!first) throw new Error('writeVideo: no frames');
  const { width, height } = first;
  for (const f of frames)
    if (f.width !== width || f.height !== height)
      throw new Error(`writeVideo: frames of ${f.width}x${f.height} and ${width}x${height} in one video`);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.partial.mp4`;
  // one more encode when the first does not read back; a second failure is not a passing fluke
  let problem = '';
  for (let attempt = 0; attempt < 2; attempt++) {
    await encode(path, tmp, frames, o);
    problem = await readBackProblem(tmp, frames.length);
    if (!problem) {
      renameSync(tmp, path);
      return;
    }
  }
  rmSync(tmp, { force: true });
  throw new Error(`ffmpeg encoded ${path} without an error, but the file does not read back: ${problem}`);
}

/** Why the encoded file at `file` is not a video of `frames` frames, or '' when it is. */
export async function readBackProblem(file: string, frames: number): Promise<string> {
  try {
    const info = await probeVideo(file);
    return info.frameCount === frames ? '' : `${info.frameCount} frames instead of ${frames}`;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Encodes `frames` for `path` into `tmp`. */
async function encode(
  path: string,
  tmp: string,
  frames: readonly RgbImage[],
  o: WriteVideoOptions,
): Promise<void> {
  const { width, height } = frames[0]!;
  // yuv420p (what every player reads) needs even sides: crop the odd row/column
  const even = `crop=${width - (width % 2)}:${height - (height % 2)}:0:0`;
  const args = [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    '-y',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-s',
    `${width}x${height}`,
    '-framerate',
    String(o.fps),
    '-i',
    'pipe:0',
    '-vf',
    even,
    '-c:v',
    'libx264',
    '-crf',
    String(o.crf ?? 20),
    '-pix_fmt',
    'yuv420p',
    '-movflags',
    '+faststart',
    tmp,
  ];
  const child = spawn(ffmpegBinary(), args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => {
    if (stderr.length < 16384) stderr += b.toString('utf8');
  });
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? -1));
  });
  // a broken pipe (ffmpeg stopped early) shows as ffmpeg's exit code and stderr below; stop feeding it then, or the
  // wait for 'drain' would never end
  let broken = false;
  child.stdin.on('error', () => {
    broken = true;
  });
  for (const f of frames) {
    if (broken) break;
    if (!child.stdin.write(f.data))
      await new Promise<void>((r) => {
        const go = (): void => {
          child.stdin.off('drain', go);
          child.stdin.off('close', go);
          r();
        };
        child.stdin.on('drain', go);
        child.stdin.on('close', go);
      });
  }
  child.stdin.end();
  const code = await exited;
  if (code !== 0) {
    rmSync(tmp, { force: true });
    throw new Error(`ffmpeg could not encode ${path}: ${ffmpegErrorTail(stderr) || `exit code ${code}`}`);
  }
}
