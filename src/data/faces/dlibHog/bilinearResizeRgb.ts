import type { PixelRegion, Span } from './pixelRegion.js';

const f32 = Math.fround;

/**
 * dlib's `resize_image(rgb in, rgb out, interpolate_bilinear)` (image_transforms/interpolation.h), the resampler
 * behind both `pyramid_up` and `pyramid_down<6>`, reproduced bit for bit: most columns go through its SSE path
 * (float32 arithmetic, sample positions accumulated in float32 four columns at a time, truncation to uint8),
 * the last few through its scalar tail (float64, truncation). The plan holds the per-row and per-column
 * sampling of one (input size → output size) pair so any output region can be computed on its own.
 */
export class BilinearResizePlan {
  readonly rowTop: Int32Array;
  readonly rowBottom: Int32Array;
  readonly rowFrac: Float64Array;
  readonly colLeft: Int32Array;
  readonly colRight: Int32Array;
  /** float32 fraction for SSE columns, float64 for tail columns */
  readonly colFrac: Float64Array;
  readonly colIsSimd: Uint8Array;

  constructor(
    readonly inWidth: number,
    readonly inHeight: number,
    readonly outWidth: number,
    readonly outHeight: number,
  ) {
    const xScale = (inWidth - 1) / Math.max(outWidth - 1, 1);
    const yScale = (inHeight - 1) / Math.max(outHeight - 1, 1);
    this.rowTop = new Int32Array(outHeight);
    this.rowBottom = new Int32Array(outHeight);
    this.rowFrac = new Float64Array(outHeight);
    let y = -yScale;
    for (let r = 0; r < outHeight; r++) {
      y += yScale;
      const top = Math.floor(y);
      this.rowTop[r] = top;
      this.rowBottom[r] = Math.min(top + 1, inHeight - 1);
      this.rowFrac[r] = y - top;
    }
    this.colLeft = new Int32Array(outWidth);
    this.colRight = new Int32Array(outWidth);
    this.colFrac = new Float64Array(outWidth);
    this.colIsSimd = new Uint8Array(outWidth);
    // The SSE loop: simd4f _x(x, x+s, x+2s, x+3s) from x = -4s, then _x += 4s per block; it stops at the first
    // block whose last lane would read past the input's last column.
    const lanes = [0, 1, 2, 3].map((k) => f32(-4 * xScale + k * xScale));
    const step = f32(4 * xScale);
    let c = 0;
    for (;;) {
      for (let k = 0; k < 4; k++) lanes[k] = f32(lanes[k] + step);
      const left = lanes.map((v) => Math.trunc(v));
      if (left[3] + 1 >= inWidth) break;
      for (let k = 0; k < 4; k++) {
        if (c + k >= outWidth) continue;
        this.colLeft[c + k] = left[k];
        this.colRight[c + k] = left[k] + 1;
        this.colFrac[c + k] = f32(lanes[k] - left[k]);
        this.colIsSimd[c + k] = 1;
      }
      c += 4;
    }
    let x = -xScale + c * xScale;
    for (; c < outWidth; c++) {
      x += xScale;
      const left = Math.floor(x);
      this.colLeft[c] = left;
      this.colRight[c] = Math.min(left + 1, inWidth - 1);
      this.colFrac[c] = x - left;
    }
  }

  /** Input rows and columns that the output rows `rows` and columns `cols` read. */
  inputSpans(rows: Span, cols: Span): { rows: Span; cols: Span } {
    let r0 = Infinity;
    let r1 = -Infinity;
    for (let r = rows.start; r < rows.end; r++) {
      r0 = Math.min(r0, this.rowTop[r]);
      r1 = Math.max(r1, this.rowBottom[r]);
    }
    let c0 = Infinity;
    let c1 = -Infinity;
    for (let c = cols.start; c < cols.end; c++) {
      c0 = Math.min(c0, this.colLeft[c]);
      c1 = Math.max(c1, this.colRight[c]);
    }
    return { rows: { start: r0, end: r1 + 1 }, cols: { start: c0, end: c1 + 1 } };
  }

  /** Output pixels rows × cols, reading `input` (which must cover `inputSpans(rows, cols)`). */
  resize(input: PixelRegion, rows: Span, cols: Span): PixelRegion {
    const width = cols.end - cols.start;
    const height = rows.end - rows.start;
    const out = new Uint8Array(width * height * 3);
    const inData = input.data;
    const inStride = input.width * 3;
    for (let r = rows.start; r < rows.end; r++) {
      const tb = this.rowFrac[r];
      const topBase = (this.rowTop[r] - input.y0) * inStride - input.x0 * 3;
      const bottomBase = (this.rowBottom[r] - input.y0) * inStride - input.x0 * 3;
      const tbF = f32(tb);
      const invTbF = f32(1 - tb);
      let o = (r - rows.start) * width * 3;
      for (let c = cols.start; c < cols.end; c++, o += 3) {
        const tl = topBase + this.colLeft[c] * 3;
        const tr = topBase + this.colRight[c] * 3;
        const bl = bottomBase + this.colLeft[c] * 3;
        const br = bottomBase + this.colRight[c] * 3;
        const lr = this.colFrac[c];
        if (this.colIsSimd[c]) {
          const invLr = f32(1 - lr);
          const wtl = f32(invTbF * invLr);
          const wtr = f32(invTbF * lr);
          const wbl = f32(tbF * invLr);
          const wbr = f32(tbF * lr);
          for (let ch = 0; ch < 3; ch++) {
            const v = f32(
              f32(f32(f32(wtl * inData[tl + ch]) + f32(wtr * inData[tr + ch])) + f32(wbl * inData[bl + ch])) +
                f32(wbr * inData[br + ch]),
            );
            out[o + ch] = Math.trunc(v);
          }
        } else {
          for (let ch = 0; ch < 3; ch++) {
            const v =
              (1 - tb) * ((1 - lr) * inData[tl + ch] + lr * inData[tr + ch]) +
              tb * ((1 - lr) * inData[bl + ch] + lr * inData[br + ch]);
            out[o + ch] = Math.trunc(v);
          }
        }
      }
    }
    return {
      fullWidth: this.outWidth,
      fullHeight: this.outHeight,
      x0: cols.start,
      y0: rows.start,
      width,
      height,
      data: out,
    };
  }
}
