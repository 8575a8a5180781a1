import path from 'node:path';

/**
 * DfD video id (SPEC §6.4): the file name up to the first `_frame_`
 * (`clip_frame_x_frame_7.png` → `clip`); a name without `_frame_` is its own video (whole file name).
 */
export function videoIdFromFrameName(filePath: string): string {
  const name = path.basename(filePath);
  const at = name.indexOf('_frame_');
  return at === -1 ? name : name.slice(0, at);
}

/** FAS video id (SPEC §6.6): the path with its `frame0.png` / `frame1.png` suffix removed. */
export function fasVideoId(filePath: string): string {
  return filePath.replace(/frame[01]\.png$/, '');
}

/** Group sample indices by video id, in first-appearance order. */
export function groupByVideo(
  paths: readonly string[],
  idOf: (p: string) => string = videoIdFromFrameName,
): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  paths.forEach((p, i) => {
    const id = idOf(p);
    const g = groups.get(id);
    if (g === undefined) groups.set(id, [i]);
    else g.push(i);
  });
  return groups;
}
