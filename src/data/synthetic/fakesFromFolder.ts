// Synthetic fakes from a folder of real face crops with the default face model (MediaPipe face mesh) and, for
// swaps, its triangulation; bad input is reported before the face models load.
import type { FaceDetectorLike } from '../datasets/faceTools.js';
import { buildFakes, FakesInputError, listFakeInputs } from './buildFakes.js';
import type { FakeKind } from './fakeNaming.js';
import type { FakesManifest } from './fakesManifest.js';
import { meshTriangulation } from './meshTriangulation.js';
import { SBI_STRENGTHS, type SbiStrength } from './sbiStrength.js';
import { type PairingRule, SwapPairing } from './swapPairing.js';

export interface FakesFromFolderOptions {
  input: string;
  out: string;
  kind: FakeKind;
  perImage?: number;
  seed?: number;
  pairs?: PairingRule;
  /** swap triangles: the MediaPipe mesh triangulation (default) or a Delaunay triangulation of each target */
  triangulation?: 'mesh' | 'delaunay';
  /** SBI ranges: the original recipe (default) or the stronger one for soft, low-resolution footage */
  sbiStrength?: SbiStrength;
  /** face detector override (tests); default: the MediaPipe face mesh */
  detector?: FaceDetectorLike;
  signal?: AbortSignal;
  onProgress?: (p: { done: number; total: number; samples: number; problems: number }) => void;
}

export async function fakesFromFolder(a: FakesFromFolderOptions): Promise<FakesManifest> {
  try {
    const { images } = listFakeInputs(a.input, a.out);
    if (a.kind === 'swap')
      new SwapPairing(
        images.map((f) => f.relPath),
        a.pairs ?? 'random',
        a.seed ?? 0,
      );
  } catch (err) {
    throw err instanceof FakesInputError ? err : new FakesInputError((err as Error).message);
  }
  let detector = a.detector;
  if (!detector) {
    const { createFaceDetector } = await import('../datasets/realFaceTools.js');
    detector = await createFaceDetector();
  }
  const triangles =
    a.kind === 'swap' && (a.triangulation ?? 'mesh') === 'mesh' ? await meshTriangulation() : undefined;
  try {
    return await buildFakes({
      inputDir: a.input,
      outDir: a.out,
      kind: a.kind,
      perImage: a.perImage,
      seed: a.seed,
      pairs: a.pairs,
      detector,
      triangles,
      ...(a.kind === 'sbi' ? { sbi: SBI_STRENGTHS[a.sbiStrength ?? 'default'] } : {}),
      signal: a.signal,
      onProgress: a.onProgress,
    });
  } finally {
    if (!a.detector) await detector.dispose?.();
  }
}
