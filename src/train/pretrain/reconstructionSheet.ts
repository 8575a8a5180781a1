// The per-epoch picture of what the pixel decoder learned: for each fixed validation face, original | mask (covered
// region tinted) | reconstruction | reconstruction pasted into the masked patches, un-normalised to 8-bit RGB.
import { createRgbImage, type RgbImage } from '../../data/image/rgbImage.js';
import { maskOverlay } from '../../data/masking/maskOverlay.js';
import { patchGrid } from '../../data/masking/patchGrid.js';
import type { NormStats } from '../../io/normStats.js';

export interface SheetInputs {
  originals: readonly RgbImage[];
  /** [K,3,S,S] the normalised model inputs */
  inputs: Float32Array;
  /** [K,N] */
  masks: Uint8Array;
  sfr: Uint8Array;
  /** [K,N,p·p·3] pixel-decoder output; per patch ordered (row, col, channel) */
  pred: Float32Array;
  imgSize: number;
  patch: number;
  stats: NormStats;
  normPix: boolean;
}

/**
 * Un-normalised prediction of one sample, [S,S,3] in [0,255]. With norm_pix_loss the prediction lives in
 * per-patch normalised space: de-normalise with the patch's own target mean and (unbiased) variance, as MAE's
 * visualisation does, then undo the dataset normalisation.
 */
export function reconstructedImage(inp: SheetInputs, k: number): RgbImage {
  const { imgSize: S, patch: p, stats } = inp;
  const g = S / p;
  const N = g * g;
  const D = p * p * 3;
  const plane = S * S;
  const x = inp.inputs.subarray(k * 3 * plane, (k + 1) * 3 * plane);
  const out = new Uint8Array(plane * 3);
  const target = new Float64Array(D);
  for (let l = 0; l < N; l++) {
    const ph = Math.floor(l / g);
    const pw = l % g;
    for (let i = 0; i < p; i++)
      for (let j = 0; j < p; j++)
        for (let c = 0; c < 3; c++)
          target[(i * p + j) * 3 + c] = x[c * plane + (ph * p + i) * S + pw * p + j]!;
    let mu = 0;
    let sd = 1;
    if (inp.normPix) {
      for (const v of target) mu += v;
      mu /= D;
      let s2 = 0;
      for (const v of target) s2 += (v - mu) ** 2;
      sd = Math.sqrt(s2 / (D - 1) + 1e-6);
    }
    const pr = inp.pred.subarray((k * N + l) * D, (k * N + l + 1) * D);
    for (let i = 0; i < p; i++)
      for (let j = 0; j < p; j++)
        for (let c = 0; c < 3; c++) {
          const v = inp.normPix ? pr[(i * p + j) * 3 + c]! * sd + mu : pr[(i * p + j) * 3 + c]!;
          const px = (v * stats.std[c]! + stats.mean[c]!) * 255;
          out[((ph * p + i) * S + pw * p + j) * 3 + c] = Math.max(0, Math.min(255, Math.round(px)));
        }
  }
  return createRgbImage(S, S, out);
}

/** Visible patches from the original, masked patches from the reconstruction. */
function pasted(original: RgbImage, rec: RgbImage, mask: Uint8Array, patch: number): RgbImage {
  const out = new Uint8Array(original.data);
  const g = original.width / patch;
  for (let y = 0; y < original.height; y++)
    for (let x = 0; x < original.width; x++) {
      if (mask[Math.floor(y / patch) * g + Math.floor(x / patch)] !== 1) continue;
      const i = (y * original.width + x) * 3;
      out[i] = rec.data[i]!;
      out[i + 1] = rec.data[i + 1]!;
      out[i + 2] = rec.data[i + 2]!;
    }
  return createRgbImage(original.width, original.height, out);
}

const GAP = 4;

export function reconstructionSheet(inp: SheetInputs): RgbImage {
  const S = inp.imgSize;
  const K = inp.originals.length;
  const N = (S / inp.patch) ** 2;
  const cols = 4;
  const W = cols * S + (cols + 1) * GAP;
  const H = K * S + (K + 1) * GAP;
  const sheet = createRgbImage(W, H, new Uint8Array(W * H * 3).fill(255));
  const grid = patchGrid(S, S, inp.patch);
  const blit = (img: RgbImage, col: number, row: number) => {
    const x0 = GAP + col * (S + GAP);
    const y0 = GAP + row * (S + GAP);
    for (let y = 0; y < S; y++)
      sheet.data.set(img.data.subarray(y * S * 3, (y + 1) * S * 3), ((y0 + y) * W + x0) * 3);
  };
  for (let k = 0; k < K; k++) {
    const mask = inp.masks.subarray(k * N, (k + 1) * N);
    const sfr = inp.sfr.subarray(k * N, (k + 1) * N);
    const rec = reconstructedImage(inp, k);
    blit(inp.originals[k]!, 0, k);
    blit(maskOverlay(inp.originals[k]!, mask, sfr, grid), 1, k);
    blit(rec, 2, k);
    blit(pasted(inp.originals[k]!, rec, mask, inp.patch), 3, k);
  }
  return sheet;
}
