// Locates the ffmpeg executable: `ffmpeg` on PATH first (usually newer, system codecs), else the static
// binary shipped in @ffmpeg-installer/ffmpeg.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

let cached: string | undefined;

/** Path (or bare name) of an ffmpeg executable that runs; throws with install advice if there is none. */
export function ffmpegBinary(): string {
  if (cached) return cached;
  const fromEnv = process.env.FSVFM_FFMPEG;
  const candidates: string[] = [];
  if (fromEnv) candidates.push(fromEnv);
  candidates.push('ffmpeg');
  try {
    const require = createRequire(import.meta.url);
    const pkg = require('@ffmpeg-installer/ffmpeg') as { path: string };
    candidates.push(pkg.path);
  } catch {
    // package missing or unsupported platform: only PATH is left
  }
  for (const bin of candidates) {
    const r = spawnSync(bin, ['-hide_banner', '-version'], { stdio: 'ignore' });
    if (r.status === 0) {
      cached = bin;
      return bin;
    }
  }
  throw new Error(
    'ffmpeg not found: install ffmpeg on PATH, set FSVFM_FFMPEG to its path, or reinstall @ffmpeg-installer/ffmpeg',
  );
}
