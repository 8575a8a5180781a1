// Development check: compares src/data/faces/dlibHog number by number with dlib's own intermediate values
// (scripts/reference/dlibHogProbe.cpp) on one image: pyramid level pixels, fHOG features, filter scores.
//   g++ -O2 -std=c++17 -o /tmp/dlibHogProbe scripts/reference/dlibHogProbe.cpp -ldlib -lpthread -lpng -ljpeg \
//       -lz -l:libblas.so.3 -l:liblapack.so.3
//   node --import tsx scripts/reference/compareDlibHog.ts <image.png> [levels]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FHOG_PLANES, fhogFeatures, fhogGrid } from '../../src/data/faces/dlibHog/fhogFeatures.js';
import { filterScores, saliencyGrid } from '../../src/data/faces/dlibHog/filterScores.js';
import { frontalFaceModel } from '../../src/data/faces/dlibHog/frontalFaceModel.js';
import { LocalPyramid } from '../../src/data/faces/dlibHog/localPyramid.js';
import { decodeImage } from '../../src/data/media/index.js';

interface ProbeMeta {
  width: number;
  height: number;
  levels: { width: number; height: number; featRows: number; featCols: number }[];
  detections: { rect: number[]; upRect: number[]; score: number; detector: number }[];
}

const [imagePath, levelsArg] = process.argv.slice(2);
if (!imagePath) throw new Error('usage: compareDlibHog.ts <image.png> [levels]');
const levels = Number(levelsArg ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'dlib-hog-probe-'));
try {
  execFileSync('/tmp/dlibHogProbe', [imagePath, dir, String(levels)]);
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as ProbeMeta;
  const { image } = await decodeImage(imagePath);
  const model = frontalFaceModel();
  const pyramid = new LocalPyramid(
    image,
    model.minPyramidLayerWidth,
    model.minPyramidLayerHeight,
    model.maxPyramidLevels,
  );
  console.log('detections', JSON.stringify(meta.detections), 'levels here', pyramid.levelCount);
  for (let l = 0; l < Math.min(levels, pyramid.levelCount); l++) {
    const size = pyramid.sizes[l];
    const ref = meta.levels[l];
    if (size.width !== ref.width || size.height !== ref.height) {
      console.log(`level ${l}: size ${size.width}x${size.height} vs dlib ${ref.width}x${ref.height}`);
      break;
    }
    const region = pyramid
      .regions([{ level: l, rows: { start: 0, end: size.height }, cols: { start: 0, end: size.width } }])
      .get(l);
    if (!region) throw new Error('no region');
    const refPixels = readFileSync(join(dir, `level${l}.rgb`));
    let pixelDiff = 0;
    let maxPixelDiff = 0;
    for (let i = 0; i < refPixels.length; i++) {
      const d = Math.abs(refPixels[i] - region.data[i]);
      if (d) pixelDiff++;
      maxPixelDiff = Math.max(maxPixelDiff, d);
    }
    const grid = fhogGrid(size.width, size.height, model.cellSize);
    const feats = fhogFeatures(
      region,
      grid,
      { start: 0, end: grid.hogRows },
      { start: 0, end: grid.hogCols },
    );
    const refFeats = new Float32Array(readFileSync(join(dir, `feats${l}.f32`)).buffer.slice(0));
    const pr = ref.featRows;
    const pc = ref.featCols;
    const pad = Math.trunc((model.fhogPadding.rows - 1) / 2);
    let featDiff = 0;
    let maxFeatDiff = 0;
    for (let p = 0; p < FHOG_PLANES; p++)
      for (let y = 0; y < grid.hogRows; y++)
        for (let x = 0; x < grid.hogCols; x++) {
          const a = feats.data[(p * feats.rows + y) * feats.cols + x];
          const b = refFeats[(p * pr + y + pad) * pc + x + pad];
          if (a !== b) featDiff++;
          maxFeatDiff = Math.max(maxFeatDiff, Math.abs(a - b));
        }
    let scoreDiff = 0;
    let maxScoreDiff = 0;
    model.filters.forEach((filter, d) => {
      const sg = saliencyGrid(grid.hogRows, grid.hogCols, model.fhogPadding, filter);
      const s = filterScores(
        filter,
        feats,
        sg,
        { start: 0, end: sg.paddedRows },
        { start: 0, end: sg.paddedCols },
      );
      const refScores = new Float32Array(readFileSync(join(dir, `scores${l}_${d}.f32`)).buffer.slice(0));
      const w = s.cols.end - s.cols.start;
      for (let r = s.rows.start; r < s.rows.end; r++)
        for (let c = s.cols.start; c < s.cols.end; c++) {
          const a = Math.fround(s.scores[(r - s.rows.start) * w + c - s.cols.start]);
          const b = refScores[r * pc + c];
          if (a !== b) scoreDiff++;
          maxScoreDiff = Math.max(maxScoreDiff, Math.abs(a - b));
        }
    });
    console.log(
      `level ${l} ${size.width}x${size.height}: pixels differing ${pixelDiff} (max ${maxPixelDiff}); features ` +
        `${grid.hogRows}x${grid.hogCols} differing ${featDiff} (max ${maxFeatDiff.toExponential(2)}); scores differing ${scoreDiff} (max ${maxScoreDiff.toExponential(2)})`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
