import { loadFaceRuntime } from '../faces/faceRuntime.js';

let cached: Promise<Uint32Array> | undefined;

/**
 * The MediaPipe Face Mesh triangulation (880 triangles over the 468 mesh points) as `@vladmandic/human`
 * ships it (`human.faceTriangulation`). Loads the face runtime once; use it where the detector runs anyway.
 */
export function meshTriangulation(): Promise<Uint32Array> {
  cached ??= loadFaceRuntime().then((rt) => {
    const tri = rt.human.faceTriangulation;
    if (!Array.isArray(tri) || tri.length === 0 || tri.length % 3 !== 0)
      throw new Error('the face runtime carries no mesh triangulation');
    return Uint32Array.from(tri);
  });
  return cached;
}
