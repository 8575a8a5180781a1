import type { PixelRegion, Span } from './pixelRegion.js';

const f32 = Math.fround;

/** fHOG's 31 planes: 18 contrast-sensitive orientations, 9 contrast-insensitive, 4 texture (gradient energy). */
export const FHOG_PLANES = 31;

/** The unit vectors dlib snaps gradients to (fhog.h, `directions`), as the float32 values it stores. */
const DIR_X = new Float32Array([1.0, 0.9397, 0.766, 0.5, 0.1736, -0.1736, -0.5, -0.766, -0.9397]);
const DIR_Y = new Float32Array([0.0, 0.342, 0.6428, 0.866, 0.9848, 0.9848, 0.866, 0.6428, 0.342]);
const EPS = f32(0.0001);
const F02 = f32(0.2);
const F01 = f32(0.1);
const TEXTURE_SCALE = f32(2 * 0.2357);

/** One lane's normaliser: 0.2 · sqrt(sum of the four cell energies + eps), in dlib's float32 order. */
function laneNorm(a: number, b: number, c: number, d: number): number {
  return f32(F02 * f32(Math.sqrt(f32(f32(f32(f32(a + b) + c) + d) + EPS))));
}

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
  // histogram cells (unpadded indices) cy0-1 .. cy0+hr and cx0-1 .. cx0+hc: the block's hr × hc cells plus a border
  // of one that catches the votes of the outermost pixels (dlib drops them too), so votes need no bounds checks
  const cy0 = fy0;
  const cx0 = fx0;
  const hr = outRows + 2;
  const hc = outCols + 2;
  const bw = hc + 2;
  const hist = new Float32Array((hr + 2) * bw * 18);
  const pix = fhogPixelSpans(grid, { start: fy0, end: fy1 }, { start: fx0, end: fx1 });
  const yStart = Math.max(1, pix.rows.start + 1);
  const yEnd = Math.min(grid.visibleRows, pix.rows.end - 1);
  const xStart = Math.max(1, pix.cols.start + 1);
  const xEnd = Math.min(grid.visibleCols, pix.cols.end - 1);
  const simdEnd = Math.max(xStart, Math.min(xEnd, grid.simdEnd));
  const data = img.data;
  const stride = img.width * 3;
  // per column: the left one of the two cells it votes into (bordered local index) and its two bilinear weights,
  // as dlib's SIMD loop (weights x magnitude first) or scalar tail (weights alone) computes them
  const nx = Math.max(0, xEnd - xStart);
  const colCell = new Int32Array(nx);
  const colW0 = new Float32Array(nx);
  const colW1 = new Float32Array(nx);
  for (let x = xStart; x < xEnd; x++) {
    const k = x - xStart;
    if (x < simdEnd) {
      const xp = f32(f32(f32(x + 0.5) / s) + 0.5);
      const ixp = Math.trunc(xp);
      colCell[k] = ixp - 1 - cx0 + 1;
      colW0[k] = f32(xp - ixp);
      colW1[k] = f32(1 - f32(xp - ixp));
    } else {
      const xp = f32((x + 0.5) / s - 0.5);
      const ixp = Math.floor(xp);
      colCell[k] = ixp - cx0 + 1;
      colW0[k] = f32(xp - ixp);
      colW1[k] = f32(1 - colW0[k]);
    }
  }
  for (let y = yStart; y < yEnd; y++) {
    const yp = f32((y + 0.5) / s - 0.5);
    const iyp = Math.floor(yp);
    const vy0 = f32(yp - iyp);
    const vy1 = f32(1 - vy0);
    // bordered local offset of cell row iyp
    const rowTop = (iyp - cy0 + 1) * bw;
    const rowBase = (y - img.y0) * stride - img.x0 * 3;
    const below = bw * 18;
    for (let x = xStart; x < xEnd; x++) {
      const p = rowBase + x * 3;
      const simd = x < simdEnd;
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
      // (dlib's SIMD and scalar versions multiply in opposite operand order: the same float32 products)
      for (let o = 0; o < 9; o++) {
        const dot = f32(f32(gx * DIR_X[o]) + f32(gy * DIR_Y[o]));
        if (dot > best) {
          best = dot;
          bin = o;
        } else if (-dot > best) {
          best = -dot;
          bin = o + 9;
        }
      }
      const v = f32(Math.sqrt(len));
      const k = x - xStart;
      const left = (rowTop + colCell[k]) * 18 + bin;
      if (simd) {
        const vx0 = f32(colW0[k] * v);
        const vx1 = f32(colW1[k] * v);
        hist[left] += f32(vy1 * vx1);
        hist[left + below] += f32(vy0 * vx1);
        hist[left + 18] += f32(vy1 * vx0);
        hist[left + below + 18] += f32(vy0 * vx0);
      } else {
        const vx0 = colW0[k];
        const vx1 = colW1[k];
        hist[left] += f32(f32(vy1 * vx1) * v);
        hist[left + below] += f32(f32(vy0 * vx1) * v);
        hist[left + 18] += f32(f32(vy1 * vx0) * v);
        hist[left + below + 18] += f32(f32(vy0 * vx0) * v);
      }
    }
  }
  // energy of each of the block's hr × hc cells
  const norm = new Float32Array(hr * hc);
  for (let ly = 0; ly < hr; ly++) {
    for (let lx = 0; lx < hc; lx++) {
      const at = ((ly + 1) * bw + lx + 1) * 18;
      let n = 0;
      for (let o = 0; o < 9; o++) {
        const e = f32(hist[at + o] + hist[at + o + 9]);
        n = f32(n + f32(e * e));
      }
      norm[ly * hc + lx] = n;
    }
  }
  const planeSize = outRows * outCols;
  const out = block.data;
  for (let y = 0; y < outRows; y++) {
    for (let x = 0; x < outCols; x++) {
      // the four 2×2 blocks around cell (y+1, x+1): lane k of dlib's z1..z4 reads the cells (y+a, x+b) below,
      // lanes in its order (1,1) (0,1) (1,0) (0,0) relative to the block's top-left
      const r0 = y * hc + x;
      const r1 = r0 + hc;
      const r2 = r1 + hc;
      const nn0 = laneNorm(norm[r1 + 1], norm[r1 + 2], norm[r2 + 1], norm[r2 + 2]);
      const nn1 = laneNorm(norm[r0 + 1], norm[r0 + 2], norm[r1 + 1], norm[r1 + 2]);
      const nn2 = laneNorm(norm[r1], norm[r1 + 1], norm[r2], norm[r2 + 1]);
      const nn3 = laneNorm(norm[r0], norm[r0 + 1], norm[r1], norm[r1 + 1]);
      const n0 = f32(F01 / nn0);
      const n1 = f32(F01 / nn1);
      const n2 = f32(F01 / nn2);
      const n3 = f32(F01 / nn3);
      const cell = ((y + 2) * bw + (x + 2)) * 18;
      const at = y * outCols + x;
      let t0 = 0;
      let t1 = 0;
      let t2 = 0;
      let t3 = 0;
      // contrast-sensitive features, h = min(bin, nn) * n in each of the 4 normalisation lanes, summed over the
      // lanes as simd4f sum does: (h0+h2)+(h1+h3); the texture sums gather 3 bins at a time before adding to t
      for (let o = 0; o < 18; o += 3) {
        let g0 = 0;
        let g1 = 0;
        let g2 = 0;
        let g3 = 0;
        for (let j = 0; j < 3; j++) {
          const b = hist[cell + o + j];
          const h0 = f32(Math.min(b, nn0) * n0);
          const h1 = f32(Math.min(b, nn1) * n1);
          const h2 = f32(Math.min(b, nn2) * n2);
          const h3 = f32(Math.min(b, nn3) * n3);
          out[(o + j) * planeSize + at] = f32(f32(h0 + h2) + f32(h1 + h3));
          if (j === 0) {
            g0 = h0;
            g1 = h1;
            g2 = h2;
            g3 = h3;
          } else {
            g0 = f32(g0 + h0);
            g1 = f32(g1 + h1);
            g2 = f32(g2 + h2);
            g3 = f32(g3 + h3);
          }
        }
        t0 = f32(t0 + g0);
        t1 = f32(t1 + g1);
        t2 = f32(t2 + g2);
        t3 = f32(t3 + g3);
      }
      // contrast-insensitive features
      for (let o = 0; o < 9; o++) {
        const b = f32(hist[cell + o] + hist[cell + o + 9]);
        const h0 = f32(Math.min(b, nn0) * n0);
        const h1 = f32(Math.min(b, nn1) * n1);
        const h2 = f32(Math.min(b, nn2) * n2);
        const h3 = f32(Math.min(b, nn3) * n3);
        out[(18 + o) * planeSize + at] = f32(f32(h0 + h2) + f32(h1 + h3));
      }
      // texture features: the energy under each normalisation
      out[27 * planeSize + at] = f32(t0 * TEXTURE_SCALE);
      out[28 * planeSize + at] = f32(t1 * TEXTURE_SCALE);
      out[29 * planeSize + at] = f32(t2 * TEXTURE_SCALE);
      out[30 * planeSize + at] = f32(t3 * TEXTURE_SCALE);
    }
  }
  return block;
}
