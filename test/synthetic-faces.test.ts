// End-to-end on real faces: the committed stills, cropped as the dataset tools crop them, through `fsvfm fakes`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { cropRecipe } from '../src/data/crops/index.js';
import { FaceDetector } from '../src/data/faces/index.js';
import { videoIdFromFrameName } from '../src/data/folders/videoId.js';
import type { RgbImage } from '../src/data/image/rgbImage.js';
import { decodeImage } from '../src/data/media/decodeImage.js';
import { SeededRng } from '../src/data/random/seededRng.js';
import {
  type FakesManifest,
  hullBinary,
  meshTriangulation,
  sbiMaskReach,
  selfBlendedImage,
  toPoints,
} from '../src/data/synthetic/index.js';
import { dilateBinary } from '../src/data/synthetic/morphology.js';
import { tempDir } from './media-fixtures.js';

const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8' });

let detector: FaceDetector;
let realDir: string;
const crops: Array<{ name: string; image: RgbImage }> = [];

before(async () => {
  detector = await FaceDetector.create();
  realDir = join(tempDir('fsvfm-fakes-real-'), 'real');
  mkdirSync(realDir, { recursive: true });
  for (const still of ['astronaut.png', 'grace_hopper.jpg']) {
    const { image } = await decodeImage(join('test/fixtures/media', still));
    const [face] = await detector.detect(image);
    assert.ok(face, `a face in ${still}`);
    const crop = cropRecipe('fsfm-dlib-1.3').crop(image, face).image; // square 1.3× box, 224²
    const name = `${still.replace(/\.\w+$/, '')}_frame_0.png`;
    crops.push({ name, image: crop });
    await sharp(crop.data, { raw: { width: 224, height: 224, channels: 3 } })
      .png()
      .toFile(join(realDir, name));
  }
});

after(() => detector.dispose());

test('SBI of a real face crop changes only the face region', async () => {
  const { image } = crops[0]!;
  const [face] = await detector.detect(image);
  assert.ok(face && face.landmarks.length >= 468);
  const band = dilateBinary(hullBinary(toPoints(face.landmarks), 224, 224), 224, 224, sbiMaskReach(224));
  const r = selfBlendedImage(image, face.landmarks, new SeededRng(2));
  let changed = 0;
  for (let i = 0; i < 224 * 224; i++) {
    const same = [0, 1, 2].every((b) => r.image.data[i * 3 + b] === image.data[i * 3 + b]);
    if (!band[i]) assert.ok(same, `pixel ${i} outside the face changed`);
    else if (!same) changed++;
  }
  assert.ok(changed > 2000, `${changed} face pixels changed`);
});

test('the mesh triangulation has 880 triangles over the 468 mesh points', async () => {
  const tri = await meshTriangulation();
  assert.equal(tri.length, 880 * 3);
  assert.equal(Math.max(...tri), 467);
});

test('fsvfm fakes writes SBI and swap class folders with manifests', () => {
  const out = join(realDir, '..', 'dataset');
  const sbi = cli(
    'fakes',
    realDir,
    '--out',
    out,
    '--kind',
    'sbi',
    '--per-image',
    '2',
    '--seed',
    '3',
    '--json',
  );
  assert.equal(sbi.status, 0, sbi.stderr);
  const counts = JSON.parse(sbi.stdout.trim().split('\n').at(-1)!);
  assert.equal(counts.samples, 4);
  assert.deepEqual(readdirSync(join(out, 'fake_sbi')).sort(), [
    'astronaut_frame_0_sbi0.png',
    'astronaut_frame_0_sbi1.png',
    'grace_hopper_frame_0_sbi0.png',
    'grace_hopper_frame_0_sbi1.png',
    'manifest.json',
  ]);
  const m = JSON.parse(readFileSync(join(out, 'fake_sbi', 'manifest.json'), 'utf8')) as FakesManifest;
  assert.equal(m.seed, 3);
  assert.deepEqual(m.samples[0]!.landmarks, ['detected']);

  const swap = cli('fakes', realDir, '--out', out, '--kind', 'swap', '--seed', '3', '--json');
  assert.equal(swap.status, 0, swap.stderr);
  const sm = JSON.parse(readFileSync(join(out, 'fake_swap', 'manifest.json'), 'utf8')) as FakesManifest;
  assert.equal(sm.triangulation, 'mediapipe-mesh');
  assert.equal(sm.samples.length, 2);
  for (const s of sm.samples) {
    assert.notEqual(videoIdFromFrameName(s.sources[0]!), videoIdFromFrameName(s.sources[1]!));
    assert.equal(videoIdFromFrameName(s.output), videoIdFromFrameName(s.sources[0]!));
  }
});

test('fsvfm fakes: bad input is a one-line user error, not a stack trace', () => {
  const root = tempDir('fsvfm-fakes-cli-');
  mkdirSync(join(root, 'empty'));
  const empty = cli('fakes', join(root, 'empty'), '--out', join(root, 'o'), '--kind', 'sbi');
  assert.equal(empty.status, 2);
  assert.match(empty.stderr, /no images in .*empty/);
  mkdirSync(join(root, 'text'));
  writeFileSync(join(root, 'text', 'readme.md'), '# not a face');
  const text = cli('fakes', join(root, 'text'), '--out', join(root, 'o'), '--kind', 'swap');
  assert.equal(text.status, 2);
  assert.match(text.stderr, /no images in .*text .*found 1 other files/);
  const strength = cli(
    'fakes',
    join(root, 'empty'),
    '--out',
    join(root, 'o'),
    '--kind',
    'sbi',
    '--sbi_strength',
    'max',
  );
  assert.equal(strength.status, 2);
  assert.match(strength.stderr, /--sbi_strength must be one of default, strong, got "max"/);
  for (const r of [empty, text, strength]) assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
});
