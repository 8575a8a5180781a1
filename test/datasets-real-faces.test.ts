// End to end on the committed public-domain stills with the production detector and parser.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildFaceDataset } from '../src/data/datasets/buildFaceDataset.js';
import { doctorDataset, formatDoctorReport } from '../src/data/datasets/doctorDataset.js';
import { readNpy } from '../src/io/npy.js';
import { tempDir } from './media-fixtures.js';

test('stills → pretrain layout with real faces: one crop and a plausible LaPa map each', async () => {
  const { createFaceDetector, createFaceParser } = await import('../src/data/datasets/realFaceTools.js');
  const detector = await createFaceDetector();
  const parser = await createFaceParser();
  try {
    const out = join(tempDir(), 'ds');
    const m = await buildFaceDataset({
      inputs: ['test/fixtures/media'],
      outDir: out,
      layout: 'pretrain',
      detector,
      parser,
    });
    assert.deepEqual([m.counts.ok, m.counts.crops], [2, 2], JSON.stringify(m.entries));
    for (const name of ['astronaut', 'grace_hopper']) {
      const map = readNpy(join(out, 'parsing_maps', `${name}.npy`));
      const hist = new Array(11).fill(0);
      for (const v of map.data as Int8Array) hist[v]++;
      // the face fills the middle of a 1.3× crop: skin is a large share, both eyes and the nose are present
      assert.ok(hist[1] > 0.1 * 224 * 224, `${name}: skin ${hist[1]}`);
      for (const label of [4, 5, 6])
        assert.ok(hist[label] > 20, `${name}: label ${label} has ${hist[label]} pixels`);
      // the crop centre is on the face (skin or nose)
      assert.ok([1, 6].includes(map.data[112 * 224 + 112] as number));
    }
    const report = await doctorDataset(out);
    assert.equal(report.errors, 0, formatDoctorReport(report));
  } finally {
    await detector.dispose?.();
    await parser.dispose?.();
  }
});
