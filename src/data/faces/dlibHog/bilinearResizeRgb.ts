import { WASM_BASE64 } from './bilinearRowKernelWasm.js';
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
    const src = input.data;
    // only the input rows/cols this output reads go to the kernel's memory (the input may be a whole image)
    const need = this.inputSpans(rows, cols);
    const x0 = need.cols.start;
    const y0 = need.rows.start;
    const inStride = (need.cols.end - x0) * 3;
    const inRows = need.rows.end - y0;
    // The SSE columns are a prefix of every row: the WebAssembly kernel does those (same float32 operations),
    // the scalar tail is done here in float64 as dlib's tail loop does.
    let simdCount = 0;
    while (simdCount < width && this.colIsSimd[cols.start + simdCount] === 1) simdCount++;
    const colsPtr = 0;
    const srcPtr = colsPtr + simdCount * 16;
    const dstPtr = srcPtr + inStride * inRows + 16;
    const kernel = rowKernel(dstPtr + width * height * 3 + 16);
    const colInts = new Int32Array(kernel.memory.buffer, colsPtr, simdCount * 4);
    const colFloats = new Float32Array(kernel.memory.buffer, colsPtr, simdCount * 4);
    for (let k = 0; k < simdCount; k++) {
      const c = cols.start + k;
      colInts[k * 4] = (this.colLeft[c] - x0) * 3;
      colInts[k * 4 + 1] = (this.colRight[c] - x0) * 3;
      colFloats[k * 4 + 2] = this.colFrac[c];
      colFloats[k * 4 + 3] = 1 - this.colFrac[c];
    }
    const mem = new Uint8Array(kernel.memory.buffer);
    const srcStride = input.width * 3;
    for (let y = 0; y < inRows; y++) {
      const from = (y + y0 - input.y0) * srcStride + (x0 - input.x0) * 3;
      mem.set(src.subarray(from, from + inStride), srcPtr + y * inStride);
    }
    for (let r = rows.start; r < rows.end; r++) {
      const tb = this.rowFrac[r];
      const top = (this.rowTop[r] - y0) * inStride;
      const bottom = (this.rowBottom[r] - y0) * inStride;
      const rowOut = dstPtr + (r - rows.start) * width * 3;
      if (simdCount > 0) kernel.resizeRow(srcPtr, rowOut, colsPtr, simdCount, top, bottom, tb, 1 - tb);
      // Storing into the Uint8Array truncates, as dlib's unsigned char cast does.
      for (let k = simdCount; k < width; k++) {
        const c = cols.start + k;
        const lr = this.colFrac[c];
        const tl = srcPtr + top + (this.colLeft[c] - x0) * 3;
        const tr = srcPtr + top + (this.colRight[c] - x0) * 3;
        const bl = srcPtr + bottom + (this.colLeft[c] - x0) * 3;
        const br = srcPtr + bottom + (this.colRight[c] - x0) * 3;
        const o = rowOut + k * 3;
        for (let ch = 0; ch < 3; ch++) {
          mem[o + ch] =
            (1 - tb) * ((1 - lr) * mem[tl + ch] + lr * mem[tr + ch]) +
            tb * ((1 - lr) * mem[bl + ch] + lr * mem[br + ch]);
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
      data: mem.slice(dstPtr, dstPtr + width * height * 3),
    };
  }
}

interface RowKernel {
  memory: WebAssembly.Memory;
  resizeRow(
    src: number,
    dst: number,
    cols: number,
    count: number,
    top: number,
    bottom: number,
    tb: number,
    invTb: number,
  ): void;
}

let kernel: RowKernel | undefined;

/** The bilinearRowKernel.wat instance, its memory grown to at least `bytes`. */
function rowKernel(bytes: number): RowKernel {
  if (!kernel) {
    const module = new WebAssembly.Module(Buffer.from(WASM_BASE64, 'base64'));
    kernel = new WebAssembly.Instance(module).exports as unknown as RowKernel;
  }
  const have = kernel.memory.buffer.byteLength;
  if (have < bytes) kernel.memory.grow(Math.ceil((bytes - have) / 65536));
  return kernel;
}
