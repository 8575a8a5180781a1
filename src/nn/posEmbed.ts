// Fixed 2-D sine-cosine positional tables (SPEC §1.3) and PyTorch-compatible bicubic resizing of learned
// tables to another patch grid (SPEC §2.5, util/pos_embed.py interpolate_pos_embed).

/**
 * sincos2d(Dp, G): [G·G + 1, Dp] with a zero CLS row; computed in float64 and rounded to float32.
 * The first Dp/2 channels encode the column (x) index, the last Dp/2 the row (y) index.
 */
export function sincos2d(dim: number, grid: number, clsToken = true): Float32Array {
  if (dim % 4 !== 0) throw new Error(`sin-cos table width must be a multiple of 4, got ${dim}`);
  const quarter = dim / 4;
  const omega = Array.from({ length: quarter }, (_, d) => 1 / 10000 ** (d / quarter));
  const offset = clsToken ? 1 : 0;
  const out = new Float32Array((grid * grid + offset) * dim);
  for (let row = 0; row < grid; row++) {
    for (let col = 0; col < grid; col++) {
      const base = (offset + row * grid + col) * dim;
      for (let d = 0; d < quarter; d++) {
        const a = col * omega[d]!;
        const b = row * omega[d]!;
        out[base + d] = Math.sin(a);
        out[base + quarter + d] = Math.cos(a);
        out[base + 2 * quarter + d] = Math.sin(b);
        out[base + 3 * quarter + d] = Math.cos(b);
      }
    }
  }
  return out;
}

const A = -0.75; // PyTorch's bicubic kernel parameter

function cubic1(x: number): number {
  return ((A + 2) * x - (A + 3)) * x * x + 1;
}

function cubic2(x: number): number {
  return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
}

function cubicWeights(t: number): [number, number, number, number] {
  return [cubic2(t + 1), cubic1(t), cubic1(1 - t), cubic2(2 - t)];
}

/**
 * F.interpolate(mode='bicubic', align_corners=False) of a [C, gIn, gIn] channel-first grid to [C, gOut, gOut],
 * with PyTorch's source-index rule and border replication.
 */
export function bicubicResizeGrid(
  src: Float32Array,
  channels: number,
  gIn: number,
  gOut: number,
): Float32Array {
  const scale = gIn / gOut;
  const out = new Float32Array(channels * gOut * gOut);
  const taps = (o: number) => {
    const real = (o + 0.5) * scale - 0.5;
    const i0 = Math.floor(real);
    const w = cubicWeights(real - i0);
    const idx = [-1, 0, 1, 2].map((k) => Math.min(Math.max(i0 + k, 0), gIn - 1));
    return { idx, w };
  };
  const tapsOut = Array.from({ length: gOut }, (_, o) => taps(o));
  for (let c = 0; c < channels; c++) {
    const plane = c * gIn * gIn;
    for (let oy = 0; oy < gOut; oy++) {
      const ty = tapsOut[oy]!;
      for (let ox = 0; ox < gOut; ox++) {
        const tx = tapsOut[ox]!;
        let acc = 0;
        for (let ky = 0; ky < 4; ky++) {
          const rowBase = plane + ty.idx[ky]! * gIn;
          let r = 0;
          for (let kx = 0; kx < 4; kx++) r += src[rowBase + tx.idx[kx]!]! * tx.w[kx]!;
          acc += r * ty.w[ky]!;
        }
        out[c * gOut * gOut + oy * gOut + ox] = acc;
      }
    }
  }
  return out;
}

/**
 * interpolate_pos_embed: a [1, extra + gIn², D] table resized to [1, extra + gOut², D]; the first `extra` rows
 * (the CLS row) are copied unchanged. Returns the input when the grid already matches.
 */
export function interpolatePosEmbed(
  table: Float32Array,
  dim: number,
  extra: number,
  gOut: number,
): Float32Array {
  const rows = table.length / dim;
  const gIn = Math.round(Math.sqrt(rows - extra));
  if (gIn * gIn !== rows - extra)
    throw new Error(`positional table with ${rows - extra} patch rows is not a square grid`);
  if (gIn === gOut) return table;
  // [gIn², D] row-major → [D, gIn, gIn]
  const chw = new Float32Array(dim * gIn * gIn);
  for (let k = 0; k < gIn * gIn; k++)
    for (let d = 0; d < dim; d++) chw[d * gIn * gIn + k] = table[(extra + k) * dim + d]!;
  const resized = bicubicResizeGrid(chw, dim, gIn, gOut);
  const out = new Float32Array((extra + gOut * gOut) * dim);
  out.set(table.subarray(0, extra * dim));
  for (let k = 0; k < gOut * gOut; k++)
    for (let d = 0; d < dim; d++) out[(extra + k) * dim + d] = resized[d * gOut * gOut + k]!;
  return out;
}
