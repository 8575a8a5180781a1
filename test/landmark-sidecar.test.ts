// Landmarks stored beside face crops (what online SBI blends the faces without parsing maps from), with the
// production face detector on the committed stills.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import {
  landmarkSidecarPath,
  readLandmarkSidecar,
  storeLandmarkSidecars,
} from '../src/data/synthetic/landmarkSidecar.js';
import { tempDir } from './media-fixtures.js';

test('storeLandmarkSidecars: a mesh per face beside its image, kept on re-runs; a faceless image gets none', async () => {
  const dir = tempDir();
  const face = join(dir, 'astronaut.png');
  copyFileSync('test/fixtures/media/astronaut.png', face);
  const blank = join(dir, 'blank.png');
  await sharp({ create: { width: 224, height: 224, channels: 3, background: { r: 90, g: 120, b: 200 } } })
    .png()
    .toFile(blank);
  const { createFaceDetector } = await import('../src/data/datasets/realFaceTools.js');
  const detector = await createFaceDetector();
  try {
    const first = await storeLandmarkSidecars([face, blank], detector);
    assert.equal(first.stored, 1);
    assert.deepEqual(first.without, [blank]);
    assert.ok(!existsSync(landmarkSidecarPath(blank)));
    const lm = readLandmarkSidecar(face);
    assert.ok(lm && lm.length >= 468, `mesh of ${lm?.length} points`);
    // an existing sidecar is kept, not re-detected
    writeFileSync(
      landmarkSidecarPath(face),
      JSON.stringify({ landmarks: lm!.map(([x, y]) => [x! + 1, y!]) }),
    );
    const again = await storeLandmarkSidecars([face], detector);
    assert.equal(again.stored, 1);
    assert.equal(readLandmarkSidecar(face)![0]![0], lm![0]![0]! + 1);
  } finally {
    await detector.dispose?.();
  }
});

test('readLandmarkSidecar: a damaged sidecar is a clear error naming the file', () => {
  const dir = tempDir();
  const img = join(dir, 'x.png');
  writeFileSync(landmarkSidecarPath(img), '{"landmarks": [[1, "a"]]}');
  assert.throws(() => readLandmarkSidecar(img), /landmark sidecar .*x\.landmarks\.json must hold/);
  writeFileSync(landmarkSidecarPath(img), 'not json');
  assert.throws(() => readLandmarkSidecar(img), /not valid JSON/);
  assert.equal(readLandmarkSidecar(join(dir, 'none.png')), null);
});
