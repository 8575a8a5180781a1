// A face dataset built with the default face models (MediaPipe face mesh, and the face parser for the pretrain
// layout), loaded for the run and released after it. Bad options fail before the models load.
import { existsSync } from 'node:fs';
import { cropRecipe, DEFAULT_RECIPE } from '../crops/index.js';
import { type BuildFaceDatasetOptions, buildFaceDataset, DatasetConfigError } from './buildFaceDataset.js';
import type { FaceDatasetManifest } from './faceDatasetManifest.js';

export type FaceDatasetFromMediaOptions = Omit<BuildFaceDatasetOptions, 'detector' | 'parser'>;

export async function faceDatasetFromMedia(opts: FaceDatasetFromMediaOptions): Promise<FaceDatasetManifest> {
  for (const i of opts.inputs) if (!existsSync(i)) throw new DatasetConfigError(`input ${i} does not exist`);
  try {
    cropRecipe(opts.recipe ?? DEFAULT_RECIPE);
  } catch (err) {
    throw new DatasetConfigError((err as Error).message);
  }
  // loaded on use: the face models pull in tfjs, which `fsvfm --help` should not pay for
  const { createFaceDetector, createFaceParser } = await import('./realFaceTools.js');
  const detector = await createFaceDetector();
  const parser = opts.layout === 'pretrain' ? await createFaceParser() : undefined;
  try {
    return await buildFaceDataset({ ...opts, detector, parser });
  } finally {
    await detector.dispose?.();
    await parser?.dispose?.();
  }
}
