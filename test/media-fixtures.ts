// Generates small media files for the media, crops and datasets tests (nothing binary is committed).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { ffmpegBinary } from '../src/data/media/ffmpegBinary.js';
import { scratchDir } from './scratchDir.js';

export function tempDir(prefix = 'fsvfm-media-'): string {
  return scratchDir(prefix);
}

function ffmpeg(args: string[]): void {
  execFileSync(ffmpegBinary(), ['-hide_banner', '-nostdin', '-y', '-v', 'error', ...args]);
}

/**
 * A video whose frame i has red = 4·i (mod 256) everywhere, so tests can read back which frame came out.
 * MJPEG at top quality keeps the colour within a few levels.
 */
export function indexedVideo(path: string, frames: number, width = 64, height = 48, rate = 25): string {
  ffmpeg([
    '-f',
    'lavfi',
    '-i',
    `color=c=black:s=${width}x${height}:r=${rate}:d=${frames / rate}`,
    '-vf',
    "geq=r='mod(4*N\\,256)':g=128:b=64",
    '-frames:v',
    String(frames),
    '-c:v',
    'mjpeg',
    '-q:v',
    '1',
    '-pix_fmt',
    'yuvj444p',
    '-f',
    'avi',
    path,
  ]);
  return path;
}

/** An H.264 MP4 of a test pattern. */
export function testPatternMp4(path: string, seconds = 2, faststart = true): string {
  ffmpeg([
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=96x64:rate=25`,
    '-t',
    String(seconds),
    '-pix_fmt',
    'yuv420p',
    ...(faststart ? ['-movflags', '+faststart'] : []),
    path,
  ]);
  return path;
}

/** An audio-only .mp4 (no video stream). */
export function audioOnlyMp4(path: string): string {
  ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', path]);
  return path;
}

/** Keeps the first `fraction` of a file's bytes. */
export function truncateFile(src: string, dst: string, fraction = 0.5): string {
  const bytes = readFileSync(src);
  writeFileSync(dst, bytes.subarray(0, Math.floor(bytes.length * fraction)));
  return dst;
}

export async function solidImage(
  path: string,
  width: number,
  height: number,
  rgb = { r: 200, g: 120, b: 90 },
) {
  writeFileSync(
    path,
    await sharp({ create: { width, height, channels: 3, background: rgb } })
      .png()
      .toBuffer(),
  );
  return path;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A valid PNG header claiming width×height, with a single (short) row of data: tests size limits cheaply. */
export function hugePngHeader(path: string, width: number, height: number): string {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const row = Buffer.alloc(1 + width * 3);
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(row)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
  writeFileSync(path, png);
  return path;
}

/** A video of a grey field with a filled green square (the "face" of `greenSquareDetector`). */
export function greenSquareVideo(path: string, frames: number, width = 96, height = 64): string {
  ffmpeg([
    '-f',
    'lavfi',
    '-i',
    `color=c=gray:s=${width}x${height}:r=25:d=${frames / 25}`,
    '-vf',
    'drawbox=x=30:y=12:w=32:h=32:color=0x00FF00:t=fill',
    '-frames:v',
    String(frames),
    '-c:v',
    'mjpeg',
    '-q:v',
    '1',
    '-pix_fmt',
    'yuvj444p',
    '-f',
    'avi',
    path,
  ]);
  return path;
}

/** A PNG of a grey field with a filled green square at (x, y) of side s, or none when s = 0. */
export async function greenSquareImage(path: string, width: number, height: number, x = 0, y = 0, s = 0) {
  const img = sharp({ create: { width, height, channels: 3, background: { r: 128, g: 128, b: 128 } } });
  const layers =
    s > 0
      ? [
          {
            input: {
              create: { width: s, height: s, channels: 3 as const, background: { r: 0, g: 255, b: 0 } },
            },
            left: x,
            top: y,
          },
        ]
      : [];
  writeFileSync(path, await img.composite(layers).png().toBuffer());
  return path;
}
