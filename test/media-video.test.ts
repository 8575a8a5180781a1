import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createRgbImage } from '../src/data/image/rgbImage.js';
import { allFrames, fps, uniform } from '../src/data/media/frameSamplers.js';
import { NotAVideoError, probeVideo, TruncatedVideoError } from '../src/data/media/probeVideo.js';
import { readVideoFrames } from '../src/data/media/readVideoFrames.js';
import { readBackProblem, writeVideo } from '../src/data/media/writeVideo.js';
import {
  audioOnlyMp4,
  indexedVideo,
  solidImage,
  tempDir,
  testPatternMp4,
  truncateFile,
} from './media-fixtures.js';

const dir = tempDir();

test('uniform(n) = trunc(linspace(0, total-1, n)), first and last frame included', () => {
  // numpy: np.linspace(0, 99, 32).astype(int)
  assert.deepEqual(
    uniform(32)({ frameCount: 100, fps: 25 }),
    [
      0, 3, 6, 9, 12, 15, 19, 22, 25, 28, 31, 35, 38, 41, 44, 47, 51, 54, 57, 60, 63, 67, 70, 73, 76, 79, 83,
      86, 89, 92, 95, 99,
    ],
  );
  assert.deepEqual(uniform(4)({ frameCount: 10, fps: 25 }), [0, 3, 6, 9]);
  assert.deepEqual(uniform(1)({ frameCount: 10, fps: 25 }), [0]);
  // more wanted than available: duplicates collapse (the official code overwrites the same file)
  assert.deepEqual(uniform(5)({ frameCount: 3, fps: 25 }), [0, 1, 2]);
  assert.deepEqual(uniform(5)({ frameCount: 0, fps: 25 }), []);
  assert.throws(() => uniform(0), /positive integer/);
});

test('fps(k) picks the frame shown at every 1/k second', () => {
  assert.deepEqual(fps(5)({ frameCount: 50, fps: 25 }), [0, 5, 10, 15, 20, 25, 30, 35, 40, 45]);
  assert.deepEqual(fps(2)({ frameCount: 30, fps: 30 }), [0, 15]);
  assert.deepEqual(allFrames()({ frameCount: 3, fps: 1 }), [0, 1, 2]);
});

test('probeVideo reads size, rate and counts frames', async () => {
  const v = indexedVideo(join(dir, 'idx.avi'), 40, 64, 48, 20);
  const info = await probeVideo(v);
  assert.equal(info.width, 64);
  assert.equal(info.height, 48);
  assert.equal(info.fps, 20);
  assert.equal(info.frameCount, 40);
  assert.equal(info.codec, 'mjpeg');
});

test('readVideoFrames returns exactly the sampled frames, in order, with their pixels', async () => {
  const v = indexedVideo(join(dir, 'idx2.avi'), 50);
  const frames = [];
  for await (const f of readVideoFrames(v, uniform(6))) frames.push(f);
  assert.deepEqual(
    frames.map((f) => f.index),
    [0, 9, 19, 29, 39, 49],
  );
  for (const f of frames) {
    assert.equal(f.image.width, 64);
    const red = f.image.data[3 * (10 * 64 + 10)]!;
    assert.ok(
      Math.abs(red - ((4 * f.index) % 256)) <= 4,
      `frame ${f.index} has red ${red}, expected ${4 * f.index}`,
    );
  }
});

test('stopping early ends the ffmpeg pipe without error', async () => {
  const v = testPatternMp4(join(dir, 'pattern.mp4'), 2);
  let n = 0;
  for await (const _ of readVideoFrames(v, allFrames())) if (++n === 3) break;
  assert.equal(n, 3);
});

test('truncated videos give a clear error (moov at the end, and cut mid-data)', async () => {
  const tail = testPatternMp4(join(dir, 'tail.mp4'), 2, false);
  await assert.rejects(probeVideo(truncateFile(tail, join(dir, 'tail-cut.mp4'))), (e: Error) => {
    assert.ok(e instanceof TruncatedVideoError);
    assert.match(e.message, /moov atom not found/);
    return true;
  });
  const head = testPatternMp4(join(dir, 'head.mp4'), 4, true);
  const cut = truncateFile(head, join(dir, 'head-cut.mp4'), 0.5);
  await assert.rejects(probeVideo(cut), /truncated or damaged: only \d+ frames readable/);
  const lenient = await probeVideo(cut, { allowTruncated: true });
  assert.ok(lenient.frameCount > 0 && lenient.frameCount < 100);
});

test('files without a video stream, non-media files and stills are refused by probeVideo', async () => {
  await assert.rejects(probeVideo(audioOnlyMp4(join(dir, 'audio.mp4'))), (e: Error) => {
    assert.ok(e instanceof NotAVideoError);
    assert.match(e.message, /has no video stream/);
    return true;
  });
  await assert.rejects(probeVideo('package.json'), /not a media file ffmpeg can read/);
  await assert.rejects(probeVideo(await solidImage(join(dir, 's.png'), 8, 8)), /still image/);
});

test('writeVideo encodes frames that read back (odd sides cropped to even) and leaves no partial file', async () => {
  const frames = [0, 1, 2, 3, 4].map((k) => {
    const img = createRgbImage(33, 21);
    img.data.fill(40 * k);
    return img;
  });
  const out = join(dir, 'written', 'clip.mp4');
  await writeVideo(out, frames, { fps: 5 });
  const info = await probeVideo(out);
  assert.deepEqual([info.frameCount, info.width, info.height], [5, 32, 20]);
  assert.deepEqual(readdirSync(join(dir, 'written')), ['clip.mp4']);
  // the read-back check that gates the rename: a frame count or a file that does not match is named
  assert.equal(await readBackProblem(out, 5), '');
  assert.equal(await readBackProblem(out, 6), '5 frames instead of 6');
  const cut = truncateFile(out, join(dir, 'written-cut.mp4'), 0.5);
  assert.match(await readBackProblem(cut, 5), /truncated|damaged|moov/);
  assert.ok(!existsSync(`${out}.partial.mp4`));
});
