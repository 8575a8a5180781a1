// Runs ffmpeg to completion, collecting stdout bytes and stderr text.
import { spawn } from 'node:child_process';
import { ffmpegBinary } from './ffmpegBinary.js';

export interface FfmpegResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export function runFfmpeg(args: string[]): Promise<FfmpegResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegBinary(), ['-hide_banner', '-nostdin', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }),
    );
  });
}

/** The last few meaningful lines of ffmpeg's stderr, for error messages. */
export function ffmpegErrorTail(stderr: string, lines = 2): string {
  const kept = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('At least one output file') && !/^(frame=|video:)/.test(l));
  return kept.slice(-lines).join(' | ');
}
