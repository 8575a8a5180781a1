import type { RgbImage } from '../image/rgbImage.js';
import { LapaLabel } from './lapaLabels.js';
import type { SkinColourModel } from './skinColourModel.js';
import { skinDistance } from './skinColourModel.js';

/** Geometry of the face in crop pixels, measured from the mesh. */
export interface HeadGeometry {
  /** face-oval extent */
  ovalLeft: number;
  ovalRight: number;
  ovalTop: number;
  /** lowest point of the chin: hair is not looked for below it (neck, clothes and shoulders are background) */
  chinY: number;
  /** top edge of the brows: only above it can hair cover the oval (fringe) */
  browTop: number;
  /** upper-lip row: skin-coloured person pixels beside the oval count as face (ears, temples) above it, neck below */
  mouthY: number;
}

/** Person-probability cut-off for "this pixel shows the person". */
const PERSON_THRESHOLD = 0.5;
/** Skin-model distance below which a pixel outside the oval is taken for skin. */
const SKIN_LIKE = 2.5;
/** Distance above which a forehead pixel inside the oval is taken for a fringe (kept high: shading is not hair). */
const FRINGE = 4;
/** How far beside the oval hair is looked for, as a fraction of the face width (above / below the mouth). */
const SIDE_MARGIN = 0.4;
const SIDE_MARGIN_LOW = 0.15;
/** How far above the oval skin may extend (forehead above the mesh), as a fraction of the face height. */
const SKIN_ABOVE_OVAL = 0.12;
// (Constants, then the entry point: shaped like synthetic/onlineSelfBlend.ts's opening, with nothing in common.)

/**
 * Hair heuristic (no parsing network ships on npm, so this stands in for FACER's hair class):
 * 1. Outside the face oval, within the head band (above the chin, at most 0.4 face widths beside the oval),
 *    a pixel the selfie model calls person is hair unless its colour matches the skin sample
 *    (cheeks + mid-forehead); skin-coloured ones are face above the mouth (temples, ears) and background below
 *    (neck). Such skin must touch the oval and lie at most 0.12 face heights above it; skin-coloured islands
 *    elsewhere (highlights in hair) count as hair candidates.
 * 2. Inside the oval above the brows, a pixel far from the skin colour is hair (a fringe).
 * 3. Hair grows from the top of the head: only hair candidates connected to a candidate above the brows are
 *    kept, and below the mouth the band narrows to 0.15 face widths, so collars and shoulders are not hair.
 * 4. Skin-coloured specks (highlights) surrounded by hair become hair.
 * Pixels the selfie model calls background stay background. `map` must already hold skin for the oval.
 */
export function labelHairAndHeadSkin(
  map: Int8Array,
  crop: RgbImage,
  oval: Uint8Array,
  person: Float32Array,
  skin: SkinColourModel,
  head: HeadGeometry,
): void {
  const { width, height, data } = crop;
  const faceWidth = head.ovalRight - head.ovalLeft;
  // The mesh oval ends near the hairline; skin-coloured pixels far above it are highlights in hair.
  const skinTop = head.ovalTop - SKIN_ABOVE_OVAL * (head.chinY - head.ovalTop);
  const bottom = Math.min(height - 1, Math.floor(head.chinY));
  const candidate = new Uint8Array(width * height);
  const skinLike = new Uint8Array(width * height);
  for (let y = 0; y <= bottom; y++) {
    const margin = (y < head.mouthY ? SIDE_MARGIN : SIDE_MARGIN_LOW) * faceWidth;
    const left = Math.max(0, Math.floor(head.ovalLeft - margin));
    const right = Math.min(width - 1, Math.ceil(head.ovalRight + margin));
    for (let x = left; x <= right; x++) {
      const i = y * width + x;
      const d = skinDistance(skin, data[3 * i], data[3 * i + 1], data[3 * i + 2]);
      if (oval[i]) {
        if (y < head.browTop && d > FRINGE) candidate[i] = 1;
        continue;
      }
      if (person[i] < PERSON_THRESHOLD) continue;
      if (d >= SKIN_LIKE) candidate[i] = 1;
      else if (y < head.mouthY && y >= skinTop) skinLike[i] = 1;
    }
  }
  // Skin outside the oval must touch the face; skin-coloured islands inside hair are highlights, i.e. hair.
  keepConnectedTo(skinLike, oval, width, bottom);
  for (let i = 0; i < skinLike.length; i++) {
    if (skinLike[i] === 2) map[i] = LapaLabel.skin;
    else if (skinLike[i] === 1) candidate[i] = 1;
  }
  const top = new Uint8Array(width * height);
  top.fill(1, 0, (Math.min(bottom, Math.floor(head.browTop)) + 1) * width);
  keepConnectedTo(candidate, top, width, bottom);
  for (let i = 0; i < candidate.length; i++) if (candidate[i] === 2) map[i] = LapaLabel.hair;
  fillHairSpecks(map, oval, person, width, bottom);
}

/**
 * Highlights in hair can match the skin colour; a person pixel outside the oval with at least 5 of its
 * 8 neighbours hair becomes hair too (two passes close specks up to ~2 px wide).
 */
function fillHairSpecks(
  map: Int8Array,
  oval: Uint8Array,
  person: Float32Array,
  width: number,
  bottom: number,
): void {
  for (let pass = 0; pass < 2; pass++) {
    const flip: number[] = [];
    for (let y = 1; y < bottom; y++) {
      for (let x = 1; x < width - 1; x++) {
        const i = y * width + x;
        if (map[i] === LapaLabel.hair || oval[i] || person[i] < PERSON_THRESHOLD) continue;
        let hair = 0;
        for (const j of [
          i - width - 1,
          i - width,
          i - width + 1,
          i - 1,
          i + 1,
          i + width - 1,
          i + width,
          i + width + 1,
        ]) {
          if (map[j] === LapaLabel.hair) hair++;
        }
        if (hair >= 5) flip.push(i);
      }
    }
    for (const i of flip) map[i] = LapaLabel.hair;
  }
}

/**
 * Marks (value 2) the pixels of `mask` (value 1) 4-connected to a seed: a mask pixel that is itself in `seeds`
 * or 4-adjacent to one. Rows below `bottom` are not entered. Iterative flood fill (no recursion limit).
 */
function keepConnectedTo(mask: Uint8Array, seeds: Uint8Array, width: number, bottom: number): void {
  const stack: number[] = [];
  const end = (bottom + 1) * width;
  const neighbours = (i: number): number[] => {
    const x = i % width;
    return [x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, i - width, i + width < end ? i + width : -1];
  };
  for (let i = 0; i < end; i++) {
    if (mask[i] !== 1) continue;
    if (seeds[i] || neighbours(i).some((j) => j >= 0 && seeds[j])) {
      mask[i] = 2;
      stack.push(i);
    }
  }
  while (stack.length > 0) {
    for (const j of neighbours(stack.pop() as number)) {
      if (j >= 0 && mask[j] === 1) {
        mask[j] = 2;
        stack.push(j);
      }
    }
  }
}
