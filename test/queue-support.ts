// Real components for the queue tests: a Redis server of their own on a free loopback port, `fsvfm` processes
// whose output lines can be awaited, and 50 distinct inputs (images, videos, unreadable files).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import sharp from 'sharp';
import { ffmpegBinary } from '../src/data/media/ffmpegBinary.js';
import { repoRoot } from './faces-media.js';

export function hasRedisServer(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

export async function until(what: string, test: () => boolean | Promise<boolean>, timeoutMs: number) {
  const end = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A child process whose stdout/stderr lines are collected as they come. */
export class Proc {
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  stdout = '';

  constructor(readonly child: ChildProcess) {
    let partial = '';
    child.stdout?.on('data', (d: Buffer) => {
      this.stdout += d.toString();
      partial += d.toString();
      const parts = partial.split('\n');
      partial = parts.pop()!;
      this.lines.push(...parts);
    });
    child.stderr?.on('data', (d: Buffer) => this.lines.push(...d.toString().split('\n').filter(Boolean)));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

export function fsvfm(args: string[]): Proc {
  return new Proc(
    spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}

/** `redis-server` without persistence on 127.0.0.1:port; a restart starts it empty. */
export async function startRedis(port: number): Promise<Proc> {
  const p = new Proc(
    spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    ),
  );
  await until(
    'redis-server to accept connections',
    () => p.lines.some((l) => /Ready to accept/.test(l)),
    10_000,
  );
  return p;
}

function ffmpeg(args: string[]): void {
  execFileSync(ffmpegBinary(), ['-hide_banner', '-nostdin', '-y', '-v', 'error', ...args]);
}

/**
 * 50 inputs with distinct bytes: 34 resized copies of the two committed face stills, 3 faceless images,
 * 8 short videos of a face, 5 unreadable files. Returns the folder.
 */
export async function fiftyInputs(dir: string): Promise<string> {
  const root = join(dir, 'inputs');
  mkdirSync(root, { recursive: true });
  const media = join(repoRoot, 'test/fixtures/media');
  const jobs: Promise<unknown>[] = [];
  for (let k = 0; k < 17; k++) {
    const w = 220 + 12 * k;
    jobs.push(
      sharp(join(media, 'astronaut.png'))
        .resize({ width: w })
        .jpeg({ quality: 90 })
        .toFile(join(root, `astronaut-${w}.jpg`)),
      sharp(join(media, 'grace_hopper.jpg'))
        .resize({ width: w })
        .png()
        .toFile(join(root, `hopper-${w}.png`)),
    );
  }
  for (const [i, grey] of [60, 130, 200].entries()) {
    jobs.push(
      sharp({ create: { width: 96, height: 96, channels: 3, background: { r: grey, g: grey, b: grey } } })
        .png()
        .toFile(join(root, `blank-${i}.png`)),
    );
  }
  await Promise.all(jobs);
  for (let k = 0; k < 8; k++) {
    ffmpeg([
      '-loop',
      '1',
      '-i',
      join(media, 'grace_hopper.jpg'),
      '-t',
      '1',
      '-r',
      '5',
      '-vf',
      `scale=${160 + 8 * k}:-2`,
      '-pix_fmt',
      'yuv420p',
      join(root, `clip-${k}.mp4`),
    ]);
  }
  for (let k = 0; k < 4; k++) writeFileSync(join(root, `broken-${k}.jpg`), Buffer.alloc(200 + k, 7 + k));
  writeFileSync(join(root, 'notes.txt'), 'not media\n');
  return root;
}
