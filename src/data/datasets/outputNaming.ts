// File names of written crops: relative input path with `/` → `_` (the VGGFace2 convention of SPEC §6.3),
// `<video>_frame_<idx>` for video frames (SPEC §6.1/6.4), `_face<k>` for the k-th extra face.
import { extname } from 'node:path';

export function stemOf(relPath: string): string {
  const noExt = relPath.slice(0, relPath.length - extname(relPath).length) || relPath;
  return noExt.split('/').join('_');
}

export function cropStem(stem: string, frameIndex: number | null, faceIndex: number): string {
  const frame = frameIndex === null ? stem : `${stem}_frame_${frameIndex}`;
  return faceIndex === 0 ? frame : `${frame}_face${faceIndex}`;
}

/** Class folder for the imagefolder layout: the file's parent folder name, unless one is given. */
export function classOf(relPath: string, className?: string): string | null {
  if (className) return className;
  const parts = relPath.split('/');
  return parts.length >= 2 ? parts[parts.length - 2]! : null;
}
