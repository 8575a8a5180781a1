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

  /**
   * Output pixels rows × cols into the kernel's memory at `dstPtr` (row stride width × 3), reading `src` there
   * (which must cover `inputSpans(rows, cols)`); `colsPtr` has room for 16 bytes per output column.
   */
  resizeInKernel(
    kernel: RowKernel,
    src: KernelRegion,
    rows: Span,
    cols: Span,
    dstPtr: number,
    colsPtr: number,
  ) {
    const width = cols.end - cols.start;
    // The SSE columns are a prefix of every row: the WebAssembly kernel does those (same float32 operations),
    // the scalar tail is done here in float64 as dlib's tail loop does.
    let simdCount = 0;
    while (simdCount < width && this.colIsSimd[cols.start + simdCount] === 1) simdCount++;
    const colInts = new Int32Array(kernel.memory.buffer, colsPtr, simdCount * 4);
    const colFloats = new Float32Array(kernel.memory.buffer, colsPtr, simdCount * 4);
    for (let k = 0; k < simdCount; k++) {
      const c = cols.start + k;
      colInts[k * 4] = (this.colLeft[c] - src.x0) * 3;
      colInts[k * 4 + 1] = (this.colRight[c] - src.x0) * 3;
      colFloats[k * 4 + 2] = this.colFrac[c];
      colFloats[k * 4 + 3] = 1 - this.colFrac[c];
    }
    const mem = new Uint8Array(kernel.memory.buffer);
    for (let r = rows.start; r < rows.end; r++) {
      const tb = this.rowFrac[r];
      const top = (this.rowTop[r] - src.y0) * src.stride;
      const bottom = (this.rowBottom[r] - src.y0) * src.stride;
      const rowOut = dstPtr + (r - rows.start) * width * 3;
      if (simdCount > 0) kernel.resizeRow(src.ptr, rowOut, colsPtr, simdCount, top, bottom, tb, 1 - tb);
      // Storing into the Uint8Array truncates, as dlib's unsigned char cast does.
      for (let k = simdCount; k < width; k++) {
        const c = cols.start + k;
        const lr = this.colFrac[c];
        const tl = src.ptr + top + (this.colLeft[c] - src.x0) * 3;
        const tr = src.ptr + top + (this.colRight[c] - src.x0) * 3;
        const bl = src.ptr + bottom + (this.colLeft[c] - src.x0) * 3;
        const br = src.ptr + bottom + (this.colRight[c] - src.x0) * 3;
        const o = rowOut + k * 3;
        for (let ch = 0; ch < 3; ch++) {
          mem[o + ch] =
            (1 - tb) * ((1 - lr) * mem[tl + ch] + lr * mem[tr + ch]) +
            tb * ((1 - lr) * mem[bl + ch] + lr * mem[br + ch]);
        }
      }
    }
  }
}

/** A region of an image held in the kernel's memory: pixel (x, y) at `ptr + (y - y0) * stride + (x - x0) * 3`. */
export interface KernelRegion {
  ptr: number;
  x0: number;
  y0: number;
  stride: number;
}

/** One resampling of a chain: output rows × cols of `plan`, read from the previous step's output (or the image). */
export interface ResizeStep {
  plan: BilinearResizePlan;
  rows: Span;
  cols: Span;
  /** return this step's output (the others are only read by the next step) */
  keep: boolean;
}

/**
 * Runs resamplings one after the other, each reading the previous one's output (the first reads `image`), all in
 * the kernel's memory: the image region the first step needs is copied in once, the steps write alternately into
 * two output slots (each step reads only the one before), and the kept outputs are copied out as they are made.
 * Each step's region must cover what the next one reads.
 */
export function resizeChain(image: PixelRegion, steps: readonly ResizeStep[]): (PixelRegion | undefined)[] {
  if (steps.length === 0) return [];
  const first = steps[0]!;
  const need = first.plan.inputSpans(first.rows, first.cols);
  const inStride = (need.cols.end - need.cols.start) * 3;
  const inRows = need.rows.end - need.rows.start;
  // layout: column records, the image region, then the two output slots; 16 bytes of slack after each (the kernel
  // reads and writes 4 bytes a pixel)
  let colsBytes = 0;
  const slotBytes = [0, 0];
  steps.forEach((st, i) => {
    const width = st.cols.end - st.cols.start;
    colsBytes = Math.max(colsBytes, width * 16);
    slotBytes[i % 2] = Math.max(slotBytes[i % 2]!, (st.rows.end - st.rows.start) * width * 3);
  });
  const colsPtr = 0;
  const imagePtr = colsPtr + colsBytes + 16;
  const slotPtrs = [imagePtr + inStride * inRows + 16];
  slotPtrs.push(slotPtrs[0]! + slotBytes[0]! + 16);
  const kernel = rowKernel(slotPtrs[1]! + slotBytes[1]! + 16);
  const mem = new Uint8Array(kernel.memory.buffer);
  const srcStride = image.width * 3;
  for (let y = 0; y < inRows; y++) {
    const from = (y + need.rows.start - image.y0) * srcStride + (need.cols.start - image.x0) * 3;
    mem.set(image.data.subarray(from, from + inStride), imagePtr + y * inStride);
  }
  let src: KernelRegion = { ptr: imagePtr, x0: need.cols.start, y0: need.rows.start, stride: inStride };
  const out = steps.map((st, i) => {
    const width = st.cols.end - st.cols.start;
    const height = st.rows.end - st.rows.start;
    const dst = slotPtrs[i % 2]!;
    st.plan.resizeInKernel(kernel, src, st.rows, st.cols, dst, colsPtr);
    src = { ptr: dst, x0: st.cols.start, y0: st.rows.start, stride: width * 3 };
    if (!st.keep) return undefined;
    return {
      fullWidth: st.plan.outWidth,
      fullHeight: st.plan.outHeight,
      x0: st.cols.start,
      y0: st.rows.start,
      width,
      height,
      data: mem.slice(dst, dst + width * height * 3),
    };
  });
  releaseLargeKernel();
  return out;
}

export interface RowKernel {
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

let kernelModule: WebAssembly.Module | undefined;
let kernel: RowKernel | undefined;

/**
 * WebAssembly memory only grows: past this size the instance is dropped after its chain, so one huge face (a
 * 2000-px face in a 12 MP photo needs ~200 MB) does not stay allocated for the rest of the process.
 */
const KEEP_KERNEL_BYTES = 64 * 2 ** 20;

/** The bilinearRowKernel.wat instance, its memory grown to at least `bytes`. */
function rowKernel(bytes: number): RowKernel {
  if (!kernel) {
    kernelModule ??= new WebAssembly.Module(Buffer.from(WASM_BASE64, 'base64'));
    kernel = new WebAssembly.Instance(kernelModule).exports as unknown as RowKernel;
  }
  const have = kernel.memory.buffer.byteLength;
  if (have < bytes) kernel.memory.grow(Math.ceil((bytes - have) / 65536));
  return kernel;
}

function releaseLargeKernel(): void {
  if (kernel && kernel.memory.buffer.byteLength > KEEP_KERNEL_BYTES) kernel = undefined;
}
