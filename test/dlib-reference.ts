// The committed dlib reference (test/fixtures/crops/dlib-reference.json, made by scripts/reference/
// makeDlibReference.ts with real dlib) paired with what fsvfm's face detector finds on the same pixels.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DlibRect } from '../src/data/crops/dlibRect.js';
import { fetchDemoMedia } from '../src/data/demo/index.js';
import type { FaceDetection } from '../src/data/faces/faceDetection.js';
import { FaceDetector } from '../src/data/faces/index.js';
import type { RgbImage } from '../src/data/image/rgbImage.js';
import { decodeImage, readVideoFrames, uniform } from '../src/data/media/index.js';

export const referencePath = path.resolve(import.meta.dirname, 'fixtures/crops/dlib-reference.json');

export interface ReferenceFace {
  rect: [number, number, number, number];
  landmarks: [number, number][];
}

export interface ReferenceImage {
  source: string;
  frame: number | null;
  split: 'fit' | 'heldout';
  width: number;
  height: number;
  faces: ReferenceFace[];
}

export interface DlibReference {
  framesPerVideo: number;
  images: ReferenceImage[];
}

export function readReference(): DlibReference {
  return JSON.parse(readFileSync(referencePath, 'utf8')) as DlibReference;
}

export const asDlibRect = ([left, top, right, bottom]: ReferenceFace['rect']): DlibRect => ({
  left,
  top,
  right,
  bottom,
});

/** One dlib face with fsfm's detection of the same face (null when fsvfm found none there). */
export interface PairedFace {
  image: ReferenceImage;
  pixels: RgbImage;
  dlib: ReferenceFace;
  ours: FaceDetection | null;
}

function meshCentre(d: FaceDetection): [number, number] {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const [x, y] of d.landmarks) {
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  return [(x0 + x1) / 2, (y0 + y1) / 2];
}

/** The detection whose mesh centre is nearest the dlib rectangle's centre, within half its side. */
export function matchDetection(rect: ReferenceFace['rect'], found: FaceDetection[]): FaceDetection | null {
  const [l, t, r, b] = rect;
  const cx = (l + r) / 2;
  const cy = (t + b) / 2;
  let best: FaceDetection | null = null;
  let bestDistance = (r - l) / 2;
  for (const d of found) {
    const [x, y] = meshCentre(d);
    const dist = Math.hypot(x - cx, y - cy);
    if (dist < bestDistance) {
      bestDistance = dist;
      best = d;
    }
  }
  return best;
}

/** Decodes every reference image as the generator did and runs fsvfm's detector (mesh on) on it. */
export async function pairReferenceFaces(demoDir: string, repoRoot: string): Promise<PairedFace[]> {
  const ref = readReference();
  const media = await fetchDemoMedia(demoDir, repoRoot);
  const detector = await FaceDetector.create({ maxFaces: 20 });
  const frames = new Map<string, Map<number, RgbImage>>();
  const pairs: PairedFace[] = [];
  for (const image of ref.images) {
    const file = path.join(media.dir, image.source);
    let pixels: RgbImage;
    if (image.frame === null) pixels = (await decodeImage(file)).image;
    else {
      let byIndex = frames.get(file);
      if (!byIndex) {
        byIndex = new Map();
        for await (const f of readVideoFrames(file, uniform(ref.framesPerVideo)))
          byIndex.set(f.index, f.image);
        frames.set(file, byIndex);
      }
      pixels = byIndex.get(image.frame)!;
    }
    if (pixels.width !== image.width || pixels.height !== image.height) {
      throw new Error(
        `${image.source}: decoded ${pixels.width}x${pixels.height}, reference has ${image.width}x${image.height}`,
      );
    }
    const found = await detector.detect(pixels);
    for (const dlib of image.faces)
      pairs.push({ image, pixels, dlib, ours: matchDetection(dlib.rect, found) });
  }
  detector.dispose();
  return pairs;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}
