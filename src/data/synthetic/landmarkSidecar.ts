// Landmarks stored beside a face image as `<name>.landmarks.json` (`{"landmarks": [[x, y(, z)], ...]}`): the outline
// `fsvfm fakes` and online SBI blend from when a face has no parsing map, so a face is detected once, not per blend.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import type { FaceDetectorLike } from '../datasets/faceTools.js';
import { decodeImage } from '../media/decodeImage.js';
import { checkLandmarks, type Landmarks, MESH_POINTS } from './landmarks.js';

export const LANDMARK_SIDECAR_SUFFIX = '.landmarks.json';

export function landmarkSidecarPath(imagePath: string): string {
  return join(dirname(imagePath), `${basename(imagePath, extname(imagePath))}${LANDMARK_SIDECAR_SUFFIX}`);
}

/** The landmarks stored beside `imagePath` (`{"landmarks": [...]}` or the bare array), or null when none are. */
export function readLandmarkSidecar(imagePath: string): Landmarks | null {
  const p = landmarkSidecarPath(imagePath);
  if (!existsSync(p)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(p, 'utf8'));
  } catch (err) {
    throw new Error(`landmark sidecar ${p} is not valid JSON (${(err as Error).message})`);
  }
  const lm = Array.isArray(parsed) ? parsed : (parsed as { landmarks?: unknown })?.landmarks;
  if (
    !Array.isArray(lm) ||
    !lm.every((q) => Array.isArray(q) && q.length >= 2 && q.every((v) => typeof v === 'number'))
  )
    throw new Error(`landmark sidecar ${p} must hold {"landmarks": [[x, y], ...]}`);
  checkLandmarks(lm as number[][], `landmark sidecar ${p}`);
  return lm as number[][];
}

type DetectedFace = Awaited<ReturnType<FaceDetectorLike['detect']>>[number];

/** The most confident face with a full mesh (what a blend's outline needs), or undefined when there is none. */
export function bestMeshFace(faces: readonly DetectedFace[]): DetectedFace | undefined {
  return faces.filter((f) => f.landmarks.length >= MESH_POINTS).sort((a, b) => b.score - a.score)[0];
}

/**
 * Detects the most confident face with a full mesh in each image and stores its landmarks beside it (images that
 * already have a sidecar are left as they are). Returns how many images have a sidecar afterwards and which have none.
 */
export async function storeLandmarkSidecars(
  images: readonly string[],
  detector: FaceDetectorLike,
  signal?: AbortSignal,
): Promise<{ stored: number; without: string[] }> {
  let stored = 0;
  const without: string[] = [];
  for (const image of images) {
    if (signal?.aborted) break;
    if (existsSync(landmarkSidecarPath(image))) {
      stored++;
      continue;
    }
    const best = bestMeshFace(await detector.detect((await decodeImage(image)).image));
    if (!best) {
      without.push(image);
      continue;
    }
    const landmarks = best.landmarks.map((p) => p.map((v) => Math.round(v * 100) / 100));
    await writeFileAtomic(landmarkSidecarPath(image), JSON.stringify({ landmarks }));
    stored++;
  }
  return { stored, without };
}
