// Augmented copies of the held-out stills, so each still person gives a small test "video" of several frames:
// the original, a mirror image, small rotations, brightness and scale changes (all deterministic).
import { join } from 'node:path';
import sharp from 'sharp';
import { writeFileAtomic } from '../io/atomicWrite.js';

interface Variant {
  flip: boolean;
  rotate: number;
  brightness: number;
  /** scale of the whole picture (the face crop then sees a different resolution) */
  scale: number;
}

const VARIANTS: Variant[] = [
  { flip: false, rotate: 0, brightness: 1, scale: 1 },
  { flip: true, rotate: 0, brightness: 1, scale: 1 },
  { flip: false, rotate: 5, brightness: 1.08, scale: 1 },
  { flip: true, rotate: -5, brightness: 0.92, scale: 1 },
  { flip: false, rotate: -3, brightness: 1, scale: 0.75 },
  { flip: true, rotate: 3, brightness: 1.12, scale: 0.85 },
  { flip: false, rotate: 8, brightness: 0.88, scale: 1.2 },
  { flip: true, rotate: -8, brightness: 1.04, scale: 0.65 },
];

export const MAX_STILL_COPIES = VARIANTS.length;

/** Writes `<dir>/<identity>_frame_<k>.png` for k < copies; returns the paths (existing ones are kept). */
export async function writeStillVariants(
  still: string,
  identity: string,
  dir: string,
  copies: number,
): Promise<string[]> {
  if (!(Number.isInteger(copies) && copies >= 1 && copies <= VARIANTS.length))
    throw new Error(`still copies must be an integer in [1, ${VARIANTS.length}], got ${copies}`);
  const meta = await sharp(still).metadata();
  const w = meta.width ?? 0;
  const h = meta.height ?? 0;
  if (!(w > 0 && h > 0)) throw new Error(`cannot read the size of ${still}`);
  const out: string[] = [];
  for (let k = 0; k < copies; k++) {
    const v = VARIANTS[k]!;
    const path = join(dir, `${identity}_frame_${k}.png`);
    let img = sharp(still).removeAlpha();
    if (v.flip) img = img.flop();
    if (v.rotate !== 0) img = img.rotate(v.rotate, { background: { r: 0, g: 0, b: 0 } });
    if (v.brightness !== 1) img = img.modulate({ brightness: v.brightness });
    if (v.scale !== 1) img = img.resize(Math.round(w * v.scale), Math.round(h * v.scale));
    await writeFileAtomic(path, await img.png().toBuffer());
    out.push(path);
  }
  return out;
}
