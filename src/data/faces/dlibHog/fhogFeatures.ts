import type { PixelRegion, Span } from './pixelRegion.js';

const f32 = Math.fround;

/** fHOG's 31 planes: 18 contrast-sensitive orientations, 9 contrast-insensitive, 4 texture (gradient energy). */
export const FHOG_PLANES = 31;

/** The unit vectors dlib snaps gradients to (fhog.h, `directions`), as the float32 values it stores. */
const DIR_X = [1.0, 0.9397, 0.766, 0.5, 0.1736, -0.1736, -0.5, -0.766, -0.9397].map(f32);
const DIR_Y = [0.0, 0.342, 0.6428, 0.866, 0.9848, 0.9848, 0.866, 0.6428, 0.342].map(f32);
const EPS = f32(0.0001);
const F02 = f32(0.2);
const F01 = f32(0.1);
const TEXTURE_SCALE = f32(2 * 0.2357);

/** Global fHOG grid of one image size (`impl_extract_fhog_features`' cells_nr, hog_nr, visible_nr, ...). */
export interface FhogGrid {
  cellSize: number;
  cellsRows: number;
  cellsCols: number;
  /** feature rows/cols before the filter padding */
  hogRows: number;
  hogCols: number;
  visibleRows: number;
  visibleCols: number;
  /** pixel columns 1 .. simdEnd-1 go through the 8-wide SIMD loop, the rest through the scalar tail */
  simdEnd: number;
}

export function fhogGrid(width: number, height: number, cellSize: number): FhogGrid {
  const cellsRows = Math.trunc(f32(height / cellSize) + 0.5);
  const cellsCols = Math.trunc(f32(width / cellSize) + 0.5);
  const visibleCols = Math.min(cellsCols * cellSize, width) - 1;
  let simdEnd = 1;
  while (simdEnd < visibleCols - 7) simdEnd += 8;
  return {
    cellSize,
    cellsRows,
    cellsCols,
    hogRows: Math.max(cellsRows - 2, 0),
    hogCols: Math.max(cellsCols - 2, 0),
    visibleRows: Math.min(cellsRows * cellSize, height) - 1,
    visibleCols,
    simdEnd,
  };
}

/** Pixel rows/cols that feature rows `rows` and cols `cols` (unpadded) depend on. */
export function fhogPixelSpans(grid: FhogGrid, rows: Span, cols: Span): { rows: Span; cols: Span } {
  const s = grid.cellSize;
  // feature y reads histogram cells y .. y+2; cell i collects pixels 8i-4 .. 8i+11 (cell size 8), which read
  // their neighbours for the gradient.
  const span = (a: Span): Span => ({ start: s * a.start - s / 2 - 1, end: s * (a.end + 2) + s / 2 + 1 });
  return { rows: span(rows), cols: span(cols) };
}

/** A block of fHOG features: plane p, feature (y, x) at `data[(p * rows + (y - y0)) * cols + (x - x0)]`. */
export interface FhogBlock {
  y0: number;
  x0: number;
  rows: number;
  cols: number;
  data: Float32Array;
}

/**
 * dlib's `extract_fhog_features` (image_transforms/fhog.h, impl_extract_fhog_features, cell size > 1) for the
 * feature cells `rows` × `cols` of an RGB image of which `img` holds (at least) `fhogPixelSpans` of them.
 * Gradients take the colour channel of largest magnitude; each pixel votes its magnitude into one of 18
 * orientation bins of the 4 nearest cells (bilinear); features are the bins clipped at 0.2 of and normalised by
 * the energy of each of the 4 surrounding 2×2 cell blocks. All arithmetic reproduces dlib's float32 (SIMD and
 * scalar-tail) operation order, so values match dlib bit for bit.
 */
export function fhogFeatures(img: PixelRegion, grid: FhogGrid, rows: Span, cols: Span): FhogBlock {
  const fy0 = Math.max(0, rows.start);
  const fy1 = Math.min(grid.hogRows, rows.end);
  const fx0 = Math.max(0, cols.start);
  const fx1 = Math.min(grid.hogCols, cols.end);
  const outRows = Math.max(0, fy1 - fy0);
  const outCols = Math.max(0, fx1 - fx0);
  const block: FhogBlock = {
    y0: fy0,
    x0: fx0,
    rows: outRows,
    cols: outCols,
    data: new Float32Array(FHOG_PLANES * outRows * outCols),
  };
  if (outRows === 0 || outCols === 0) return block;
  const s = grid.cellSize;
  // histogram cells (unpadded indices) cy0 .. cy0+hr-1 and cx0 .. cx0+hc-1
  const cy0 = fy0;
  const cx0 = fx0;
  const hr = outRows + 2;
  const hc = outCols + 2;
  const hist = new Float32Array(hr * hc * 18);
  const pix = fhogPixelSpans(grid, { start: fy0, end: fy1 }, { start: fx0, end: fx1 });
  const yStart = Math.max(1, pix.rows.start + 1);
  const yEnd = Math.min(grid.visibleRows, pix.rows.end - 1);
  const xStart = Math.max(1, pix.cols.start + 1);
  const xEnd = Math.min(grid.visibleCols, pix.cols.end - 1);
  const data = img.data;
  const stride = img.width * 3;
  const vote = (cellY: number, cellX: number, bin: number, amount: number) => {
    const ly = cellY - cy0;
    const lx = cellX - cx0;
    if (ly < 0 || ly >= hr || lx < 0 || lx >= hc) return;
    hist[(ly * hc + lx) * 18 + bin] += amount;
  };
  for (let y = yStart; y < yEnd; y++) {
    const yp = f32((y + 0.5) / s - 0.5);
    const iyp = Math.floor(yp);
    const vy0 = f32(yp - iyp);
    const vy1 = f32(1 - vy0);
    const rowBase = (y - img.y0) * stride - img.x0 * 3;
    for (let x = xStart; x < xEnd; x++) {
      const p = rowBase + x * 3;
      const simd = x < grid.simdEnd;
      // get_gradient: per channel centred differences; the channel with the largest squared magnitude wins
      // (ties go to the later channel in the SIMD version, to the earlier one in the scalar version).
      let gx = data[p + 3] - data[p - 3];
      let gy = data[p + stride] - data[p - stride];
      let len = gx * gx + gy * gy;
      for (let ch = 1; ch < 3; ch++) {
        const cx = data[p + 3 + ch] - data[p - 3 + ch];
        const cy = data[p + stride + ch] - data[p - stride + ch];
        const l = cx * cx + cy * cy;
        if (simd ? !(len > l) : l > len) {
          gx = cx;
          gy = cy;
          len = l;
        }
      }
      let best = 0;
      let bin = 0;
      for (let o = 0; o < 9; o++) {
        const dot = simd
          ? f32(f32(gx * DIR_X[o]) + f32(gy * DIR_Y[o]))
          : f32(f32(DIR_X[o] * gx) + f32(DIR_Y[o] * gy));
        if (dot > best) {
          best = dot;
          bin = o;
        } else if (-dot > best) {
          best = -dot;
          bin = o + 9;
        }
      }
      const v = f32(Math.sqrt(len));
      if (simd) {
        const xp = f32(f32(f32(x + 0.5) / s) + 0.5);
        const ixp = Math.trunc(xp);
        const vx0 = f32(f32(xp - ixp) * v);
        const vx1 = f32(f32(1 - f32(xp - ixp)) * v);
        // padded hist[iyp+1][ixp] is unpadded cell (iyp, ixp-1)
        vote(iyp, ixp - 1, bin, f32(vy1 * vx1));
        vote(iyp + 1, ixp - 1, bin, f32(vy0 * vx1));
        vote(iyp, ixp, bin, f32(vy1 * vx0));
        vote(iyp + 1, ixp, bin, f32(vy0 * vx0));
      } else {
        const xp = f32((x + 0.5) / s - 0.5);
        const ixp = Math.floor(xp);
        const vx0 = f32(xp - ixp);
        const vx1 = f32(1 - vx0);
        vote(iyp, ixp, bin, f32(f32(vy1 * vx1) * v));
        vote(iyp + 1, ixp, bin, f32(f32(vy0 * vx1) * v));
        vote(iyp, ixp + 1, bin, f32(f32(vy1 * vx0) * v));
        vote(iyp + 1, ixp + 1, bin, f32(f32(vy0 * vx0) * v));
      }
    }
  }
  const norm = new Float32Array(hr * hc);
  for (let i = 0; i < hr * hc; i++) {
    let n = 0;
    for (let o = 0; o < 9; o++) {
      const e = f32(hist[i * 18 + o] + hist[i * 18 + o + 9]);
      n = f32(n + f32(e * e));
    }
    norm[i] = n;
  }
  const planeSize = outRows * outCols;
  const out = block.data;
  const N = (ly: number, lx: number) => norm[ly * hc + lx];
  const nn = [0, 0, 0, 0];
  const n = [0, 0, 0, 0];
  const h = [0, 0, 0, 0];
  const t = [0, 0, 0, 0];
  // h = min(bin, nn) * n in each of the 4 normalisation lanes
  const normalise = (bin: number) => {
    for (let k = 0; k < 4; k++) h[k] = f32(Math.min(bin, nn[k]) * n[k]);
  };
  for (let y = 0; y < outRows; y++) {
    for (let x = 0; x < outCols; x++) {
      // the four 2×2 blocks around cell (y+1, x+1), lanes in dlib's z1..z4 order
      const z1 = [N(y + 1, x + 1), N(y, x + 1), N(y + 1, x), N(y, x)];
      const z2 = [N(y + 1, x + 2), N(y, x + 2), N(y + 1, x + 1), N(y, x + 1)];
      const z3 = [N(y + 2, x + 1), N(y + 1, x + 1), N(y + 2, x), N(y + 1, x)];
      const z4 = [N(y + 2, x + 2), N(y + 1, x + 2), N(y + 2, x + 1), N(y + 1, x + 1)];
      for (let k = 0; k < 4; k++) {
        const sum = f32(f32(f32(f32(z1[k] + z2[k]) + z3[k]) + z4[k]) + EPS);
        nn[k] = f32(F02 * f32(Math.sqrt(sum)));
        n[k] = f32(F01 / nn[k]);
        t[k] = 0;
      }
      const cell = ((y + 1) * hc + (x + 1)) * 18;
      const at = y * outCols + x;
      // contrast-sensitive features, summed over the 4 normalisations (simd4f sum: (h0+h2)+(h1+h3))
      for (let o = 0; o < 18; o += 3) {
        const group = [0, 0, 0, 0];
        for (let j = 0; j < 3; j++) {
          normalise(hist[cell + o + j]);
          out[(o + j) * planeSize + at] = f32(f32(h[0] + h[2]) + f32(h[1] + h[3]));
          for (let k = 0; k < 4; k++) group[k] = j === 0 ? h[k] : f32(group[k] + h[k]);
        }
        for (let k = 0; k < 4; k++) t[k] = f32(t[k] + group[k]);
      }
      // contrast-insensitive features
      for (let o = 0; o < 9; o++) {
        normalise(f32(hist[cell + o] + hist[cell + o + 9]));
        out[(18 + o) * planeSize + at] = f32(f32(h[0] + h[2]) + f32(h[1] + h[3]));
      }
      // texture features: the energy under each normalisation
      for (let k = 0; k < 4; k++) out[(27 + k) * planeSize + at] = f32(t[k] * TEXTURE_SCALE);
    }
  }
  return block;
}
