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

/**
 * Hair heuristic (no parsing network ships on npm, so this stands in for FACER's hair class):
 * 1. Outside the face oval, within the head band (above the chin, at most 0.4 face widths beside the oval),
 *    a pixel the selfie model calls person is hair unless its colour matches the skin sample
 *    (cheeks + mid-forehead); skin-coloured ones are face above the mouth (temples, ears) and background below
 *    (neck).
 * 2. Inside the oval above the brows, a pixel far from the skin colour is hair (a fringe).
 * 3. Hair grows from the top of the head: only hair candidates connected to a candidate above the brows are
 *    kept, and below the mouth the band narrows to 0.15 face widths, so collars and shoulders are not hair.
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
  const bottom = Math.min(height - 1, Math.floor(head.chinY));
  const candidate = new Uint8Array(width * height);
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
      else if (y < head.mouthY) map[i] = LapaLabel.skin;
    }
  }
  keepConnectedToTop(candidate, width, Math.min(bottom, Math.floor(head.browTop)), bottom);
  for (let i = 0; i < candidate.length; i++) if (candidate[i] === 2) map[i] = LapaLabel.hair;
}

/**
 * Marks (value 2) the candidate pixels 4-connected to a candidate in rows 0..seedRow; the rest stay 1.
 * Iterative flood fill with an explicit stack (no recursion depth limit).
 */
function keepConnectedToTop(candidate: Uint8Array, width: number, seedRow: number, bottom: number): void {
  const stack: number[] = [];
  for (let i = 0; i < (seedRow + 1) * width; i++) {
    if (candidate[i] === 1) {
      candidate[i] = 2;
      stack.push(i);
    }
  }
  while (stack.length > 0) {
    const i = stack.pop() as number;
    const x = i % width;
    const y = (i - x) / width;
    const next = [
      x > 0 ? i - 1 : -1,
      x < width - 1 ? i + 1 : -1,
      y > 0 ? i - width : -1,
      y < bottom ? i + width : -1,
    ];
    for (const j of next) {
      if (j >= 0 && candidate[j] === 1) {
        candidate[j] = 2;
        stack.push(j);
      }
    }
  }
}
