// dlib's HOG frontal face detector re-implemented in TypeScript (src/data/faces/dlibHog) against real dlib: the
// committed reference rectangles (test/fixtures/crops/dlib-reference.json, made by scripts/reference/
// makeDlibReference.ts with Debian's libdlib) must come back exactly from perturbed guesses.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { assemble, moduleSource } from '../scripts/buildWasm.mjs';
import { fhogFeatures, fhogGrid, fhogPixelSpans } from '../src/data/faces/dlibHog/fhogFeatures.js';
import { filterScores, saliencyGrid } from '../src/data/faces/dlibHog/filterScores.js';
import { frontalFaceModel } from '../src/data/faces/dlibHog/frontalFaceModel.js';
import { DlibFaceScanner, type DlibRect, rectIou } from '../src/data/faces/dlibHog/index.js';
import { LocalPyramid } from '../src/data/faces/dlibHog/localPyramid.js';
import type { RgbImage } from '../src/data/image/rgbImage.js';
import { decodeImage, readVideoFrames, uniform } from '../src/data/media/index.js';

const repoRoot = path.resolve(import.meta.dirname, '..');
const demoDir = path.join(repoRoot, '.cache/demo');

interface ReferenceImage {
  source: string;
  frame: number | null;
  width: number;
  height: number;
  faces: { rect: [number, number, number, number] }[];
}

const reference = JSON.parse(
  readFileSync(path.join(repoRoot, 'test/fixtures/crops/dlib-reference.json'), 'utf8'),
) as { framesPerVideo: number; images: ReferenceImage[] };

const missing = [...new Set(reference.images.map((i) => i.source))].filter(
  (s) => !existsSync(path.join(demoDir, s)),
);
const skip =
  missing.length > 0
    ? `demo media missing under .cache/demo (${missing.length} files, e.g. ${missing[0]}); run \`node --import tsx src/cli/main.ts demo fetch\``
    : false;

/** The reference images decoded as makeDlibReference.ts decoded them (the pixels dlib saw). */
async function* referencePixels(): AsyncGenerator<{ image: ReferenceImage; pixels: RgbImage }> {
  const videos = new Map<string, Map<number, RgbImage>>();
  for (const image of reference.images) {
    const file = path.join(demoDir, image.source);
    let pixels: RgbImage | undefined;
    if (image.frame === null) pixels = (await decodeImage(file)).image;
    else {
      let frames = videos.get(file);
      if (!frames) {
        frames = new Map();
        for await (const f of readVideoFrames(file, uniform(reference.framesPerVideo)))
          frames.set(f.index, f.image);
        videos.set(file, frames);
      }
      pixels = frames.get(image.frame);
    }
    assert.ok(pixels, `${image.source} frame ${image.frame} not decoded`);
    assert.equal(pixels.width, image.width, `${image.source} width`);
    assert.equal(pixels.height, image.height, `${image.source} height`);
    yield { image, pixels };
  }
}

/** Guesses a face detector might give: shifted by 6% of the side, or scaled by 1.1 about the centre. */
function perturbations(r: DlibRect): DlibRect[] {
  const w = r.right - r.left;
  const h = r.bottom - r.top;
  const cx = (r.left + r.right) / 2;
  const cy = (r.top + r.bottom) / 2;
  const at = (dx: number, dy: number, scale: number): DlibRect => ({
    left: Math.round(cx + dx * w - (w * scale) / 2),
    right: Math.round(cx + dx * w + (w * scale) / 2),
    top: Math.round(cy + dy * h - (h * scale) / 2),
    bottom: Math.round(cy + dy * h + (h * scale) / 2),
  });
  return [at(0.06, -0.06, 1), at(-0.06, 0.06, 1), at(0, 0, 1.1), at(0.03, 0.03, 1 / 1.1)];
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

test('the committed row-kernel module is the assembly of its .wat source', async () => {
  const wat = path.join(repoRoot, 'src/data/faces/dlibHog/bilinearRowKernel.wat');
  assert.equal(
    readFileSync(path.join(repoRoot, 'src/data/faces/dlibHog/bilinearRowKernelWasm.ts'), 'utf8'),
    moduleSource(wat, await assemble(wat)),
    'bilinearRowKernelWasm.ts is stale: run node scripts/buildDlibHogWasm.mjs',
  );
});

// Digests of whole pyramid levels (pixels), their fHOG features and both filters' scores, as the first complete
// implementation (commit d44e584, before the speed-ups) computed them: any change of a single bit fails here,
// before it could move a rectangle in the reference tests.
const LEVEL_DIGESTS: Record<string, string> = {
  'astronaut.png level 0': '86f9692129e0b66ea99267b0b6a041b4',
  'astronaut.png level 5': '0c6bdaeae9f8b9c78846c6b9243db729',
  'grace_hopper.jpg level 0': 'a3aa356216ffbc82040c8f3c5ed629d3',
  'grace_hopper.jpg level 5': 'b7b3c2f3d5103d9a21a66279ce6a118e',
};

test('pyramid pixels, fHOG features and filter scores are bit-identical to the reference implementation', async () => {
  const model = frontalFaceModel();
  for (const [key, expected] of Object.entries(LEVEL_DIGESTS)) {
    const [name, , levelText] = key.split(' ');
    const level = Number(levelText);
    const { image } = await decodeImage(path.join(repoRoot, 'test/fixtures/media', name!));
    const pyramid = new LocalPyramid(image, 80, 80, 1000);
    const size = pyramid.sizes[level]!;
    const region = pyramid
      .regions([{ level, rows: { start: 0, end: size.height }, cols: { start: 0, end: size.width } }])
      .get(level)!;
    const grid = fhogGrid(size.width, size.height, model.cellSize);
    const feats = fhogFeatures(
      region,
      grid,
      { start: 0, end: grid.hogRows },
      { start: 0, end: grid.hogCols },
    );
    const sal = saliencyGrid(grid.hogRows, grid.hogCols, model.fhogPadding, model.filters[0]);
    const all = { start: 0, end: 100000 };
    const hash = createHash('sha256');
    hash.update(region.data);
    hash.update(new Uint8Array(feats.data.buffer));
    for (const f of model.filters)
      hash.update(new Uint8Array(filterScores(f, feats, sal, all, all).scores.buffer));
    assert.equal(hash.digest('hex').slice(0, 32), expected, key);
  }
});

test('features computed on a region equal those of the whole pyramid level', async () => {
  const { image } = await decodeImage(path.join(repoRoot, 'test/fixtures/media/astronaut.png'));
  const model = frontalFaceModel();
  const pyramid = new LocalPyramid(image, 64, 64, 1000);
  for (const level of [0, 3]) {
    const size = pyramid.sizes[level];
    const grid = fhogGrid(size.width, size.height, model.cellSize);
    const whole = pyramid.regions([
      { level, rows: { start: 0, end: size.height }, cols: { start: 0, end: size.width } },
    ]);
    const full = fhogFeatures(
      whole.get(level)!,
      grid,
      { start: 0, end: grid.hogRows },
      { start: 0, end: grid.hogCols },
    );
    // a block touching the image's left edge and one in the middle
    for (const [y0, x0] of [
      [3, 0],
      [Math.floor(grid.hogRows / 2), Math.floor(grid.hogCols / 2)],
    ]) {
      const rows = { start: y0, end: y0 + 6 };
      const cols = { start: x0, end: x0 + 5 };
      const pixels = fhogPixelSpans(grid, rows, cols);
      const local = new LocalPyramid(image, 64, 64, 1000).regions([
        { level, rows: pixels.rows, cols: pixels.cols },
      ]);
      const block = fhogFeatures(local.get(level)!, grid, rows, cols);
      for (let p = 0; p < 31; p++)
        for (let y = 0; y < block.rows; y++)
          for (let x = 0; x < block.cols; x++) {
            const a = block.data[(p * block.rows + y) * block.cols + x];
            const b = full.data[(p * full.rows + y + block.y0) * full.cols + x + block.x0];
            assert.equal(a, b, `level ${level} plane ${p} cell (${y + block.y0}, ${x + block.x0})`);
          }
    }
  }
});

test('grace_hopper.jpg: the rect real dlib finds, from a shifted guess', async () => {
  const { image } = await decodeImage(path.join(repoRoot, 'test/fixtures/media/grace_hopper.jpg'));
  const ref = reference.images.find((i) => i.source === 'stills/grace_hopper.jpg');
  assert.ok(ref, 'grace_hopper.jpg is in the dlib reference');
  const [left, top, right, bottom] = ref.faces[0].rect;
  const truth = { left, top, right, bottom };
  for (const guess of perturbations(truth)) {
    const found = new DlibFaceScanner(image).faceRect(guess);
    assert.deepEqual(found?.rect, truth);
    assert.ok(found && found.score > 0);
  }
});

test('dlibFaceRect returns real dlib rectangles from perturbed guesses', { skip }, async () => {
  const ious: number[] = [];
  const bySource = new Map<string, { exact: number; total: number; ms: number }>();
  let exact = 0;
  let total = 0;
  let ms = 0;
  const misses: string[] = [];
  for await (const { image, pixels } of referencePixels()) {
    const scanner = new DlibFaceScanner(pixels);
    for (const face of image.faces) {
      const [left, top, right, bottom] = face.rect;
      const truth = { left, top, right, bottom };
      for (const guess of perturbations(truth)) {
        const t0 = performance.now();
        const found = scanner.faceRect(guess);
        const took = performance.now() - t0;
        ms += took;
        const iou = found ? rectIou(found.rect, truth) : 0;
        const hit = found !== null && iou === 1;
        ious.push(iou);
        total++;
        if (hit) exact++;
        else if (misses.length < 12)
          misses.push(`${image.source}#${image.frame}: dlib ${face.rect} ours ${JSON.stringify(found)}`);
        const key = image.source.split('/')[0] === 'videos' ? image.source : image.source.split('/')[0];
        const s = bySource.get(key) ?? { exact: 0, total: 0, ms: 0 };
        s.exact += hit ? 1 : 0;
        s.total++;
        s.ms += took;
        bySource.set(key, s);
      }
    }
  }
  const rate = exact / total;
  console.log(
    `dlib HOG re-implementation: ${exact}/${total} guesses give dlib's exact rect (${(100 * rate).toFixed(1)}%), ` +
      `median IoU ${median(ious).toFixed(3)}, ${(ms / total).toFixed(1)} ms per face`,
  );
  for (const [k, s] of bySource)
    console.log(`  ${k}: ${s.exact}/${s.total} exact, ${(s.ms / s.total).toFixed(1)} ms per face`);
  for (const m of misses) console.log(`  miss ${m}`);
  assert.ok(rate >= 0.9, `exact-match rate ${rate.toFixed(3)} below 0.9`);
});
