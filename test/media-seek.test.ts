// Decoding sampled frames by seeking to their keyframes gives exactly the frames one decoding pass gives, and the
// plan seeks only where that decodes less.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { before, test } from 'node:test';
import {
  type FrameDecoding,
  type FrameSampler,
  ffmpegBinary,
  fps,
  probeVideo,
  readVideoFrames,
  uniform,
} from '../src/data/media/index.js';
import { parsePacketIndex } from '../src/data/media/packetIndex.js';
import { planSeeks } from '../src/data/media/seekPlan.js';
import { tempDir } from './media-fixtures.js';

let dir: string;
before(() => {
  dir = tempDir('fsvfm-seek-');
});

/** H.264 with B-frames (presentation order differs from decode order) and a keyframe every `gop` frames. */
function h264(path: string, seconds: number, gop: number): string {
  execFileSync(ffmpegBinary(), [
    ...['-hide_banner', '-nostdin', '-y', '-v', 'error', '-f', 'lavfi'],
    ...['-i', `testsrc=size=160x96:rate=25:duration=${seconds}`],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-bf', '3', '-g', String(gop), '-pix_fmt', 'yuv420p', path],
  ]);
  return path;
}

async function frames(path: string, sampler: FrameSampler, decoding: FrameDecoding): Promise<string[]> {
  const out: string[] = [];
  for await (const f of readVideoFrames(path, sampler, undefined, decoding)) {
    out.push(`${f.index}:${createHash('sha1').update(f.image.data).digest('hex')}`);
  }
  return out;
}

test('parsePacketIndex: presentation order, keyframes from the flags, refusal of unusable listings', () => {
  const listing = [
    '#tb 0: 1/12800',
    '0,      -1024,          0,      512,    43550, 0xbcfb53b4',
    '0,       -512,       2048,      512,      468, 0x31bde344, F=0x0',
    '0,          0,        512,      512,       76, 0xb3c1212c, F=0x0',
    '0,        512,       1024,      512,       27, 0x7a1f0bd1, F=0x0',
    '0,       1024,       1536,      512,     3000, 0x86ec0b08',
    '',
  ].join('\n');
  assert.deepEqual(parsePacketIndex(listing), {
    timeBase: { num: 1, den: 12800 },
    pts: [0, 512, 1024, 1536, 2048],
    keyframes: [0, 3],
  });
  assert.equal(parsePacketIndex(listing.replace('#tb 0: 1/12800', '')), null, 'no time base');
  assert.equal(parsePacketIndex(listing.replace('2048', '1024')), null, 'two frames, one timestamp');
  assert.equal(parsePacketIndex(listing.replace('2048', 'NOPTS')), null, 'a packet without timestamp');
});

test('planSeeks: one segment per keyframe interval with wanted frames; none when one pass decodes less', () => {
  const index = {
    timeBase: { num: 1, den: 25 },
    pts: Array.from({ length: 10_000 }, (_, i) => i),
    keyframes: Array.from({ length: 100 }, (_, i) => i * 100),
  };
  const plan = planSeeks(index, [0, 50, 5000, 9999], 1280 * 720)!;
  assert.deepEqual(
    plan.map((s) => s.frames),
    [[0, 50], [5000], [9999]],
  );
  // the seek lands on the keyframe: its time plus ffmpeg's 3/23 s B-frame margin, under half the interval
  assert.ok(Math.abs(plan[1]!.seekS - (200 + 3 / 23)) < 1e-9);
  // 32 of 1800 frames with a keyframe every 250: every interval holds wanted frames, one pass is cheaper
  const long = {
    ...index,
    pts: index.pts.slice(0, 1800),
    keyframes: [0, 250, 500, 750, 1000, 1250, 1500, 1750],
  };
  assert.equal(planSeeks(long, uniform(32)({ frameCount: 1800, fps: 25 }), 1280 * 720), null);
  assert.equal(planSeeks({ ...index, keyframes: [0] }, [5000], 1280 * 720), null, 'a single keyframe');
});

for (const [name, sampler] of [
  ['uniform(7)', uniform(7)],
  ['uniform(32)', uniform(32)],
  ['fps(1)', fps(1)],
] as const) {
  test(`readVideoFrames: seeking gives the frames one pass gives (${name}, B-frames, keyframe every 20)`, async () => {
    const v = h264(join(dir, 'gop20.mp4'), 16, 20);
    const info = await probeVideo(v);
    assert.equal(info.frameCount, 400);
    assert.equal(info.packets?.keyframes.length, 20);
    const pass = await frames(v, sampler, 'pass');
    assert.equal(pass.length, sampler(info).length);
    assert.deepEqual(await frames(v, sampler, 'seek'), pass);
    assert.deepEqual(await frames(v, sampler, 'auto'), pass);
  });
}
