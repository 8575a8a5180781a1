import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { decodeImage } from '../src/data/media/decodeImage.js';
import { isImage, isVideo, mediaKind } from '../src/data/media/mediaKind.js';
import { hugePngHeader, indexedVideo, solidImage, tempDir } from './media-fixtures.js';

const dir = tempDir();

test('decodes JPEG, PNG, WebP and TIFF to 8-bit RGB of the right size', async () => {
  for (const fmt of ['jpeg', 'png', 'webp', 'tiff'] as const) {
    const buf = await sharp({
      create: { width: 20, height: 10, channels: 3, background: { r: 250, g: 10, b: 10 } },
    })
      .toFormat(fmt, fmt === 'jpeg' || fmt === 'webp' ? { quality: 100 } : {})
      .toBuffer();
    const { image, format } = await decodeImage(buf);
    assert.equal(format, fmt);
    assert.equal(image.width, 20);
    assert.equal(image.height, 10);
    assert.equal(image.data.length, 20 * 10 * 3);
    assert.ok(
      image.data[0]! > 230 && image.data[1]! < 30,
      `${fmt}: red pixel, got ${image.data.subarray(0, 3)}`,
    );
  }
});

test('applies EXIF orientation (rotate 90° tag swaps width and height)', async () => {
  const buf = await sharp({ create: { width: 30, height: 10, channels: 3, background: '#808080' } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .toBuffer();
  const { image } = await decodeImage(buf);
  assert.deepEqual([image.width, image.height], [10, 30]);
});

test('drops alpha and converts grayscale and CMYK to RGB', async () => {
  const rgba = await sharp({
    create: { width: 4, height: 4, channels: 4, background: { r: 10, g: 200, b: 30, alpha: 0.5 } },
  })
    .png()
    .toBuffer();
  const a = await decodeImage(rgba);
  assert.equal(a.image.data.length, 4 * 4 * 3);
  assert.deepEqual([...a.image.data.subarray(0, 3)], [10, 200, 30]);
  const grey = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#646464' } })
    .toColourspace('b-w')
    .png()
    .toBuffer();
  const g = await decodeImage(grey);
  assert.deepEqual([...g.image.data.subarray(0, 3)], [100, 100, 100]);
  const cmyk = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#ff0000' } })
    .toColourspace('cmyk')
    .jpeg({ quality: 100 })
    .toBuffer();
  const c = await decodeImage(cmyk);
  assert.equal(c.image.data.length, 4 * 4 * 3);
  assert.ok(
    c.image.data[0]! > 200 && c.image.data[1]! < 80,
    `CMYK red decodes reddish, got ${c.image.data.subarray(0, 3)}`,
  );
});

test('refuses a 30000×30000 image from its header, with the size in the message', async () => {
  const p = hugePngHeader(join(dir, 'huge.png'), 30000, 30000);
  await assert.rejects(decodeImage(p), /30000x30000 .*over the 100 MP limit/);
});

test('accepts a 1-pixel image but flags it', async () => {
  const p = await solidImage(join(dir, 'one.png'), 1, 1);
  const { image, warnings } = await decodeImage(p);
  assert.equal(image.width * image.height, 1);
  assert.match(warnings.join(), /tiny image \(1x1\)/);
});

test('a non-image file gives a clear error', async () => {
  const p = join(dir, 'notes.jpg');
  writeFileSync(p, 'this is text, not a JPEG');
  await assert.rejects(decodeImage(p), /notes\.jpg: not an image sharp can read/);
});

test('media kind comes from the content, not the extension', async () => {
  const png = await solidImage(join(dir, 'really-png.mp4'), 8, 8);
  const vid = indexedVideo(join(dir, 'clip.jpg'), 5);
  const txt = join(dir, 'text.png');
  writeFileSync(txt, 'hello');
  assert.equal(await mediaKind(png), 'image');
  assert.equal(await mediaKind(vid), 'video');
  assert.equal(await mediaKind(txt), 'other');
  assert.equal(await isImage(vid), false);
  assert.equal(await isVideo(png), false);
});
