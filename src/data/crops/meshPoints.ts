// Named points of the MediaPipe face mesh (468 points + 10 iris points) that the crop recipes place faces by.
import type { FaceDetection } from '../faces/faceDetection.js';

export type MeshPoints = FaceDetection['landmarks'];

export const MESH_POINTS = 468;
/** Eye corners: eye A is the subject's right eye (image left on an upright face), eye B the left one. */
export const EYE_A = [33, 133];
export const EYE_B = [362, 263];
/** Mouth corners, subject's right then left. */
export const MOUTH = [61, 291];
/** Iris centres of the refined mesh: 473 lies in eye A, 468 in eye B. */
const IRIS_A = 473;
const IRIS_B = 468;
/** The nose tip as dlib's 68-point model (point 30) and MTCNN place it: the lower end of the nose ridge. */
const NOSE_TIP = 4;

/** The mesh of a detection, or an error naming the recipe that needs it. */
export function requireMesh(recipe: string, face: FaceDetection): MeshPoints {
  if (face.landmarks.length < MESH_POINTS) {
    throw new Error(
      `${recipe} needs the 468-point face mesh, the detection has ${face.landmarks.length} points (run the detector with the mesh on)`,
    );
  }
  return face.landmarks;
}

export function meanPoint(mesh: MeshPoints, ids: readonly number[]): [number, number] {
  let x = 0;
  let y = 0;
  for (const i of ids) {
    x += mesh[i]![0];
    y += mesh[i]![1];
  }
  return [x / ids.length, y / ids.length];
}

const NAMED = { eyeA: EYE_A, eyeB: EYE_B, mouth: MOUTH } as const;

export function meshPoint(mesh: MeshPoints, name: keyof typeof NAMED): [number, number] {
  return meanPoint(mesh, NAMED[name]);
}

/**
 * MTCNN's five points from the mesh, in MTCNN's order: eye A and eye B centres (the iris centres when the iris model
 * ran), nose tip, mouth corner A and B.
 */
export function fivePointsFromMesh(mesh: MeshPoints): [number, number][] {
  const iris = mesh.length > IRIS_A;
  const eye = (irisId: number, corners: number[]): [number, number] =>
    iris ? [mesh[irisId]![0], mesh[irisId]![1]] : meanPoint(mesh, corners);
  return [
    eye(IRIS_A, EYE_A),
    eye(IRIS_B, EYE_B),
    [mesh[NOSE_TIP]![0], mesh[NOSE_TIP]![1]],
    [mesh[MOUTH[0]!]![0], mesh[MOUTH[0]!]![1]],
    [mesh[MOUTH[1]!]![0], mesh[MOUTH[1]!]![1]],
  ];
}
