// Video probing without ffprobe: stream facts from `ffmpeg -i` stderr, the frame count from a
// stream-copy pass (`-c copy -f framecrc`), which counts packets without decoding them and lists their timestamps
// and keyframe flags for seeking decoders.
import { type PacketIndex, parsePacketIndex } from './packetIndex.js';
import { ffmpegErrorTail, runFfmpeg } from './runFfmpeg.js';

export interface VideoInfo {
  /** ffmpeg's demuxer name, e.g. "mov,mp4,m4a,3gp,3g2,mj2", "avi", "image2". */
  container: string;
  codec: string;
  /** Size of the frames ffmpeg outputs (after its automatic rotation). */
  width: number;
  height: number;
  fps: number;
  durationS: number;
  frameCount: number;
  /** Clockwise display rotation in degrees from the container metadata (0, 90, 180, 270). */
  rotation: number;
  /** frame timestamps and keyframes, when the packet listing indexes frames exactly (readVideoFrames seeks with it) */
  packets?: PacketIndex;
}

/** Demuxers that hold a single still picture rather than a video. */
const STILL_CONTAINERS = /^(image2|[a-z0-9]+_pipe|png|mjpeg)$/;

export class NotAVideoError extends Error {}
export class TruncatedVideoError extends Error {}

export interface ProbeVideoOptions {
  /** Accept a cut-off file and report only its readable frames (default: throw TruncatedVideoError). */
  allowTruncated?: boolean;
}

/** Stream facts from `ffmpeg -i` stderr; the frame count is not there (see `probeVideo`). */
export interface StreamHeader extends Omit<VideoInfo, 'frameCount'> {
  isStill: boolean;
}

export function parseStreamHeader(stderr: string, path: string): StreamHeader {
  const input = /Input #0, ([^\s]+), from/.exec(stderr);
  if (!input) {
    if (/moov atom not found/.test(stderr)) {
      throw new TruncatedVideoError(
        `${path}: incomplete MP4/MOV (moov atom not found): truncated or still being written`,
      );
    }
    throw new NotAVideoError(`${path}: not a media file ffmpeg can read (${ffmpegErrorTail(stderr, 1)})`);
  }
  const container = input[1]!.replace(/,$/, '');
  // ffmpeg renders any text file as ANSI art through its "tty" demuxer; that is not a video.
  if (container === 'tty') throw new NotAVideoError(`${path}: not a media file (ffmpeg sees plain text)`);
  const video = /Stream #0:\d+[^:]*: Video: ([^\s,]+)[^\n]*?, (\d+)x(\d+)[^\n]*/.exec(stderr);
  if (!video) throw new NotAVideoError(`${path}: has no video stream (audio-only or data file)`);
  const line = video[0];
  const rate = /([\d.]+) fps/.exec(line) ?? /([\d.]+k?) tbr/.exec(line);
  let fpsValue = rate ? Number.parseFloat(rate[1]!) : 0;
  if (rate?.[1]?.endsWith('k')) fpsValue *= 1000;
  const dur = /Duration: (\d+):(\d+):([\d.]+)/.exec(stderr);
  const durationS = dur ? Number(dur[1]) * 3600 + Number(dur[2]) * 60 + Number(dur[3]) : 0;
  const rotateTag = /rotate\s*:\s*(-?\d+)/.exec(stderr);
  const matrix = /rotation of (-?[\d.]+) degrees/.exec(stderr);
  let rotation = rotateTag ? Number(rotateTag[1]) : matrix ? -Number(matrix[1]) : 0;
  rotation = (((Math.round(rotation / 90) * 90) % 360) + 360) % 360;
  let width = Number(video[2]);
  let height = Number(video[3]);
  if (rotation === 90 || rotation === 270) [width, height] = [height, width];
  return {
    container,
    codec: video[1]!,
    width,
    height,
    fps: fpsValue,
    durationS,
    rotation,
    isStill: STILL_CONTAINERS.test(container),
  };
}

export async function probeStreamHeader(path: string): Promise<StreamHeader> {
  const { stderr } = await runFfmpeg(['-i', path]);
  return parseStreamHeader(stderr, path);
}

/**
 * Probes a video file; throws a clear error for non-media files, stills, files without a video stream, and
 * (unless allowed) truncated files.
 */
export async function probeVideo(path: string, opts: ProbeVideoOptions = {}): Promise<VideoInfo> {
  const header = await probeStreamHeader(path);
  if (header.isStill)
    throw new NotAVideoError(`${path}: is a still image (${header.container}), not a video`);
  const counted = await runFfmpeg([
    '-nostats',
    '-i',
    path,
    '-map',
    '0:v:0',
    '-c',
    'copy',
    '-f',
    'framecrc',
    'pipe:1',
  ]);
  const frames = [...counted.stderr.matchAll(/frame=\s*(\d+)/g)].map((m) => Number(m[1]));
  const frameCount = frames.length > 0 ? frames[frames.length - 1]! : 0;
  if (counted.code !== 0 && frameCount === 0) {
    throw new Error(`${path}: video stream cannot be read (${ffmpegErrorTail(counted.stderr)})`);
  }
  if (frameCount === 0)
    throw new TruncatedVideoError(`${path}: video stream has no frames (empty or truncated file)`);
  if (!opts.allowTruncated && /partial file|corrupt input packet|Invalid data found/.test(counted.stderr)) {
    throw new TruncatedVideoError(
      `${path}: video is truncated or damaged: only ${frameCount} frames readable (${ffmpegErrorTail(counted.stderr, 1)})`,
    );
  }
  const { isStill: _still, ...info } = header;
  const packets = parsePacketIndex(counted.stdout.toString('latin1'));
  // an index that does not count the same frames is not trusted
  return packets && packets.pts.length === frameCount
    ? { ...info, frameCount, packets }
    : { ...info, frameCount };
}
